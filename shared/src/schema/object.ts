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

export interface PrmObject {
  /** camelCase, singular: `dealRegistration`. */
  name: string;
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
  access: AccessMap;
  fields: Record<string, Field>;
  /** The columns of the default list view, in order. */
  listView: string[];
}

export function defineObject(object: PrmObject): PrmObject {
  return object;
}
