/**
 * Who uses the PRM, and how much of a record each of them may touch.
 * Every permission set, the server's authorization and every UI's editability come from these.
 */

export const roles = ['channelAdmin', 'channelManager', 'salesRep', 'partnerAdmin', 'partnerRep'] as const;
export type Role = (typeof roles)[number];

export const accessLevels = ['none', 'read', 'edit'] as const;
export type Access = (typeof accessLevels)[number];

/** Access per role; a role left out has `none`. */
export type AccessMap = Partial<Record<Role, Access>>;

export interface RoleDefinition {
  label: string;
  description: string;
  /** Partner users only ever see records that belong to their own partner. */
  isPartnerUser: boolean;
  /** Sees every record of an object it may read, not only its own (Salesforce "View All"). */
  seesAllRecords: boolean;
  /** May delete records it may edit (Salesforce "Delete"; HubSpot and Dataverse follow the same line). */
  mayDelete: boolean;
}

export const roleDefinitions: Record<Role, RoleDefinition> = {
  channelAdmin: {
    label: 'Channel Admin',
    description: 'Installs and configures the program: tiers, routing rules, protection windows, MDF budgets.',
    isPartnerUser: false,
    seesAllRecords: true,
    mayDelete: true,
  },
  channelManager: {
    label: 'Channel Manager',
    description: 'Approves registrations and MDF, watches partner scorecards, overrides routing.',
    isPartnerUser: false,
    seesAllRecords: true,
    mayDelete: false,
  },
  salesRep: {
    label: 'Sales Rep',
    description: 'Sees which deals are partner-sourced or influenced and which partner owns a registration.',
    isPartnerUser: false,
    seesAllRecords: true,
    mayDelete: false,
  },
  partnerAdmin: {
    label: 'Partner Admin',
    description: "Manages their own company's partnership: agreement, users, registrations, MDF.",
    isPartnerUser: true,
    seesAllRecords: false,
    mayDelete: false,
  },
  partnerRep: {
    label: 'Partner Rep',
    description: 'Registers deals, works leads and takes training for their own company.',
    isPartnerUser: true,
    seesAllRecords: false,
    mayDelete: false,
  },
};

const rank: Record<Access, number> = { none: 0, read: 1, edit: 2 };

export function accessAtLeast(granted: Access, wanted: Access): boolean {
  return rank[granted] >= rank[wanted];
}

/** The lower of two access levels: a field can never give more than its object. */
export function narrower(a: Access, b: Access): Access {
  return rank[a] <= rank[b] ? a : b;
}

/** Common field-level overrides, so a declaration reads as the business says it. */
export const partnersReadOnly: AccessMap = { partnerAdmin: 'read', partnerRep: 'read' };
export const hiddenFromPartners: AccessMap = { partnerAdmin: 'none', partnerRep: 'none' };
/** Set by the program's rules (decisions, computed dates): people read it, only an admin corrects it. */
export const setByRules: AccessMap = {
  channelManager: 'read',
  salesRep: 'read',
  partnerAdmin: 'read',
  partnerRep: 'read',
};
