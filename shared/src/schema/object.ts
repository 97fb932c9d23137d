/**
 * What a PRM object is: its name, the CRM object it extends (if any), its name field, who may see it,
 * and its fields. Declarations live beside the rules of their business concept (`deals/schema.ts`, ...).
 */
import type { Field } from './fields.ts';
import type { AccessMap } from './roles.ts';

/** CRM objects that PRM objects may extend instead of creating an object of their own. */
export const standardObjects = ['account', 'contact', 'lead', 'opportunity'] as const;
export type StandardObject = (typeof standardObjects)[number];

export type NameField =
  /** A number the CRM assigns, e.g. `DR-{000000}`. */
  | { label: string; autoNumber: string }
  /** A name people type. */
  | { label: string; length: number };

/** `Name` is the object's name as a type, so the store can type its records by it (server/src/store/records.ts). */
export interface PrmObject<Name extends string = string> {
  /** camelCase, singular: `dealRegistration`. */
  name: Name;
  label: string;
  pluralLabel: string;
  description: string;
  /**
   * The CRM's own object this one adds fields to (the partner profile lives on the CRM's account).
   * Such an object has no name field of its own and is never created, only extended.
   */
  extends?: StandardObject;
  nameField?: NameField;
  /**
   * The lookup to `partner` that says which partner a record belongs to. Partner users see a record
   * only when it belongs to their own partner; objects without it are program data that partners
   * may read (tiers, courses) or may not see at all. `'id'` means the record is the partner itself.
   */
  partnerField?: string;
  /**
   * The partner field may be empty, and an empty one means the record is offered to every partner
   * (a campaign without a partner), so every partner user sees it. Otherwise an empty partner is the
   * vendor's alone.
   */
  emptyPartnerMeansEveryPartner?: boolean;
  /**
   * For an object with no partner field whose records belong to their parent's partner: the required
   * lookup to that parent (an asset's `campaign`). Partner users see such a record exactly when they
   * see its parent, at every door (list, by id, lookups, CSV, the CRMs' sharing).
   */
  ownedThrough?: string;
  /**
   * Lookups to parents that belong to a partner themselves (a plan goal's `jointBusinessPlan`): the
   * record's own partner must be each parent's, checked on every write (422 naming the partner field),
   * and taken from the first parent when a create leaves it out. A parent with no partner sets none.
   */
  parents?: string[];
  access: AccessMap;
  fields: Record<string, Field>;
  /** The columns of the default list view, in order. */
  listView: string[];
}

export function defineObject<const Name extends string>(object: PrmObject<Name>): PrmObject<Name> {
  return object;
}
