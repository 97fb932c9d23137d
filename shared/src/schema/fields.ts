/**
 * The field helpers a schema declaration is written with: `text(80)`, `money()`, `picklist([...])`,
 * `lookup('partner')`. Each returns plain data; nothing here knows about any CRM.
 */
import type { AccessMap } from './roles.ts';

export interface PicklistValue {
  /** The stored value: the same in every CRM and in the API (lower_snake_case). */
  value: string;
  label: string;
}

export type FieldType =
  | { kind: 'text'; length: number }
  | { kind: 'longText'; length: number }
  | { kind: 'email' }
  | { kind: 'url' }
  | { kind: 'phone' }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'decimal'; precision: number; scale: number; min?: number; max?: number }
  /** Money in integer minor units (cents); the currency is the record's `currency` field. */
  | { kind: 'money' }
  /** An ISO 4217 currency code. */
  | { kind: 'currency' }
  /** A percentage from 0 to 100 with two decimals. */
  | { kind: 'percent' }
  | { kind: 'date' }
  | { kind: 'dateTime' }
  | { kind: 'checkbox' }
  | { kind: 'picklist'; values: PicklistValue[] }
  | { kind: 'multiPicklist'; values: PicklistValue[] }
  | { kind: 'lookup'; target: string; onDelete: 'restrict' | 'clear' };

export type FieldKind = FieldType['kind'];

export interface FieldOptions {
  /** Shown in every UI; defaults to the field's name in words ("protectionEndsAt" → "Protection ends at"). */
  label?: string;
  required?: boolean;
  unique?: boolean;
  /** The record's id in another system (ERP, LMS); unique and indexed. */
  externalId?: boolean;
  help?: string;
  default?: string | number | boolean;
  /** Field-level access; narrows the object's access, never widens it. */
  access?: AccessMap;
  /**
   * The CRM already has this field on the object being extended (a lead's country, an account's
   * website): generators create it only in the server's own tables, and each host mapping names it.
   */
  standard?: boolean;
}

export type Field = FieldType & FieldOptions;

/** `customerName` → `Customer name`. */
export function words(name: string): string {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
  const lower = spaced.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** The label a field is shown with: its declared label, or its name in words. */
export const fieldLabel = (name: string, field: FieldOptions): string => field.label ?? words(name);

/** The longest e-mail address a mail system delivers to (RFC 5321's path limit less its brackets). */
export const emailLength = 254;

/** The most characters a field holds, where it has a limit. */
export function maxLength(field: Field): number | null {
  if (field.kind === 'text' || field.kind === 'longText') return field.length;
  if (field.kind === 'email') return emailLength;
  return null;
}

export const text = (length: number, options: FieldOptions = {}): Field => ({ kind: 'text', length, ...options });
export const longText = (length: number, options: FieldOptions = {}): Field => ({
  kind: 'longText',
  length,
  ...options,
});
export const email = (options: FieldOptions = {}): Field => ({ kind: 'email', ...options });
export const url = (options: FieldOptions = {}): Field => ({ kind: 'url', ...options });
export const phone = (options: FieldOptions = {}): Field => ({ kind: 'phone', ...options });
export const integer = (options: FieldOptions & { min?: number; max?: number } = {}): Field => ({
  kind: 'integer',
  ...options,
});
export const decimal = (
  precision: number,
  scale: number,
  options: FieldOptions & { min?: number; max?: number } = {},
): Field => ({ kind: 'decimal', precision, scale, ...options });
export const money = (options: FieldOptions = {}): Field => ({ kind: 'money', ...options });
export const currency = (options: FieldOptions = {}): Field => ({ kind: 'currency', ...options });
export const percent = (options: FieldOptions = {}): Field => ({ kind: 'percent', ...options });
export const date = (options: FieldOptions = {}): Field => ({ kind: 'date', ...options });
export const dateTime = (options: FieldOptions = {}): Field => ({ kind: 'dateTime', ...options });
export const checkbox = (options: FieldOptions = {}): Field => ({ kind: 'checkbox', default: false, ...options });

type PicklistInput = ReadonlyArray<string | PicklistValue>;
const toValues = (values: PicklistInput): PicklistValue[] =>
  values.map((entry) => (typeof entry === 'string' ? { value: entry, label: words(entry) } : entry));

export const picklist = (values: PicklistInput, options: FieldOptions = {}): Field => ({
  kind: 'picklist',
  values: toValues(values),
  ...options,
});
export const multiPicklist = (values: PicklistInput, options: FieldOptions = {}): Field => ({
  kind: 'multiPicklist',
  values: toValues(values),
  ...options,
});
/**
 * A reference to another PRM object (or to the CRM object a PRM object extends).
 * `restrict` (the default for required lookups) refuses to delete the target while it is referenced;
 * `clear` empties the reference.
 */
export const lookup = (target: string, options: FieldOptions & { onDelete?: 'restrict' | 'clear' } = {}): Field => {
  const { onDelete, ...rest } = options;
  return { kind: 'lookup', target, onDelete: onDelete ?? (rest.required ? 'restrict' : 'clear'), ...rest };
};
