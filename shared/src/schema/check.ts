/**
 * The schema's own consistency rules, checked before anything is generated from it: a mistake here
 * would otherwise surface as three different deploy errors in three CRMs.
 */
import type { Field } from './fields.ts';
import type { PrmObject } from './object.ts';
import type { Schema } from './registry.ts';
import { roles } from './roles.ts';

export interface SchemaProblem {
  object: string;
  field?: string;
  message: string;
}

/** Columns every stored record has; a declaration may not reuse these names. */
export const systemFieldNames = ['id', 'name', 'crmId', 'createdAt', 'updatedAt', 'version'] as const;

const camelCase = /^[a-z][a-zA-Z0-9]*$/;
const pickValue = /^[a-z][a-z0-9_]*$/;

function checkField(schema: Schema, object: PrmObject, name: string, field: Field): string[] {
  const problems: string[] = [];
  if (!camelCase.test(name)) problems.push('field names are camelCase letters and digits');
  if ((systemFieldNames as readonly string[]).includes(name))
    problems.push(`"${name}" is a system field every record has`);
  if (object.extends && field.required && !field.standard) {
    problems.push(
      `a field added to the CRM's own ${object.extends} cannot be required: every existing record would fail to save`,
    );
  }
  switch (field.kind) {
    case 'text':
      if (!Number.isInteger(field.length) || field.length < 1 || field.length > 255) {
        problems.push(`text length must be 1 to 255 (got ${field.length}); use longText for more`);
      }
      break;
    case 'longText':
      if (!Number.isInteger(field.length) || field.length < 256 || field.length > 131072) {
        problems.push(`longText length must be 256 to 131072 (got ${field.length})`);
      }
      break;
    case 'decimal':
      if (field.precision < 1 || field.precision > 18)
        problems.push(`decimal precision must be 1 to 18 (got ${field.precision})`);
      if (field.scale < 0 || field.scale > field.precision)
        problems.push(`decimal scale must be 0 to the precision (got ${field.scale})`);
      break;
    case 'picklist':
    case 'multiPicklist': {
      if (field.values.length === 0) problems.push('a picklist needs at least one value');
      const seen = new Set<string>();
      for (const { value, label } of field.values) {
        if (!pickValue.test(value)) problems.push(`picklist value "${value}" must be lower_snake_case`);
        if (seen.has(value)) problems.push(`picklist value "${value}" appears twice`);
        if (!label.trim()) problems.push(`picklist value "${value}" has no label`);
        seen.add(value);
      }
      if (field.default !== undefined && !seen.has(String(field.default))) {
        problems.push(`default "${field.default}" is not one of the picklist values`);
      }
      break;
    }
    case 'lookup':
      if (!schema.some((candidate) => candidate.name === field.target)) {
        problems.push(`looks up "${field.target}", which is not an object in the schema`);
      }
      if (field.required && field.onDelete === 'clear')
        problems.push('a required lookup cannot be cleared when its target is deleted');
      break;
    default:
      break;
  }
  if (field.unique && !['text', 'email', 'integer'].includes(field.kind)) {
    problems.push(`only text, email and integer fields can be unique (this is ${field.kind})`);
  }
  for (const role of Object.keys(field.access ?? {})) {
    if (!(roles as readonly string[]).includes(role)) problems.push(`access names an unknown role "${role}"`);
  }
  return problems;
}

export function checkSchema(schema: Schema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const names = new Set<string>();
  for (const object of schema) {
    const report = (message: string, field?: string) => problems.push({ object: object.name, field, message });
    if (!camelCase.test(object.name)) report('object names are camelCase letters and digits');
    if (names.has(object.name)) report('two objects have this name');
    names.add(object.name);
    if (!object.label.trim() || !object.pluralLabel.trim()) report('an object needs a label and a plural label');
    if (!object.extends && !object.nameField) report('an object of its own needs a name field');
    if (object.nameField && 'autoNumber' in object.nameField && !/\{0+\}/.test(object.nameField.autoNumber)) {
      report(`auto-number format "${object.nameField.autoNumber}" needs a {000} counter`);
    }
    for (const role of Object.keys(object.access)) {
      if (!(roles as readonly string[]).includes(role)) report(`access names an unknown role "${role}"`);
    }
    for (const [name, field] of Object.entries(object.fields)) {
      for (const message of checkField(schema, object, name, field)) report(message, name);
    }
    const hasMoney = Object.values(object.fields).some((field) => field.kind === 'money');
    if (hasMoney && object.fields.currency?.kind !== 'currency') {
      report('an object with money fields needs a "currency" field (money is stored in minor units of it)');
    }
    if (object.partnerField && object.partnerField !== 'id') {
      const owner = object.fields[object.partnerField];
      if (owner?.kind !== 'lookup' || owner.target !== 'partner') {
        report(`partnerField "${object.partnerField}" must be a lookup to partner`);
      }
    }
    if (object.partnerField === 'id' && object.name !== 'partner') report('only the partner object is its own partner');
    const partnerOwned = (target: string) => {
      const parent = schema.find((candidate) => candidate.name === target);
      return Boolean(parent && (parent.partnerField || parent.ownedThrough));
    };
    if (object.ownedThrough) {
      const parent = object.fields[object.ownedThrough];
      if (object.partnerField) report('an object with its own partnerField is not ownedThrough a parent');
      if (parent?.kind !== 'lookup' || !parent.required || !partnerOwned(parent.target))
        report(`ownedThrough "${object.ownedThrough}" must be a required lookup to a partner-owned object`);
    }
    for (const name of object.parents ?? []) {
      const parent = object.fields[name];
      if (!object.partnerField || object.partnerField === 'id')
        report('parents need the object\u2019s own partnerField');
      if (parent?.kind !== 'lookup' || !partnerOwned(parent.target))
        report(`parent "${name}" must be a lookup to a partner-owned object`);
    }
    if (object.emptyPartnerMeansEveryPartner && object.fields[object.partnerField ?? '']?.required)
      report('emptyPartnerMeansEveryPartner needs an optional partnerField');
    for (const column of object.listView) {
      if (!object.fields[column]) report(`list view column "${column}" is not a field`);
    }
  }
  return problems;
}
