/** Schema → TypeScript record types and zod validators, used by the server and every UI. */
import type { Field } from '@prm/core/schema/fields';
import type { PrmObject } from '@prm/core/schema/object';
import type { Schema } from '@prm/core/schema/registry';
import { capitalise } from '@prm/core/hosts/names';
import { generatedNotice, type GeneratedFile } from './files.ts';

export const typescriptOutputs = { name: 'typescript', owns: ['shared/src/generated'] };

const typeName = (object: PrmObject): string => capitalise(object.name);
const literal = (value: string): string => JSON.stringify(value);

function valueType(field: Field): string {
  switch (field.kind) {
    case 'integer':
    case 'decimal':
    case 'money':
    case 'percent':
      return 'number';
    case 'checkbox':
      return 'boolean';
    case 'picklist':
      return field.values.map((v) => literal(v.value)).join(' | ');
    case 'multiPicklist':
      return `Array<${field.values.map((v) => literal(v.value)).join(' | ')}>`;
    default:
      return 'string';
  }
}

function comment(field: Field): string {
  const notes: string[] = [];
  if (field.help) notes.push(field.help);
  if (field.kind === 'money') notes.push('Integer minor units of `currency`.');
  if (field.kind === 'lookup') notes.push(`Id of a ${field.target}.`);
  if (field.kind === 'date') notes.push('YYYY-MM-DD.');
  if (field.kind === 'dateTime') notes.push('ISO 8601 with offset.');
  return notes.length ? `  /** ${notes.join(' ').replace(/\*\//g, '* /')} */\n` : '';
}

function recordInterface(object: PrmObject): string {
  const lines = [
    `/** ${object.description.replace(/\*\//g, '* /')} */`,
    `export interface ${typeName(object)} {`,
    '  id: string;',
    '  /** The record id in the CRM this record is synced with, if any. */',
    '  crmId: string | null;',
    `  /** ${object.nameField?.label ?? 'Name'}. */`,
    '  name: string;',
    '  createdAt: string;',
    '  updatedAt: string;',
    '  /** Incremented on every update; optimistic concurrency compares it. */',
    '  version: number;',
  ];
  for (const [name, field] of Object.entries(object.fields)) {
    const optional = field.required ? '' : ' | null';
    lines.push(`${comment(field)}  ${name}: ${valueType(field)}${optional};`);
  }
  lines.push('}');
  return lines.join('\n');
}

function zodFor(field: Field): string {
  const base = ((): string => {
    switch (field.kind) {
      case 'text':
      case 'longText':
        return `z.string().max(${field.length}, 'must be at most ${field.length} characters')`;
      case 'email':
        return "z.email('must be an email address like name@example.com').max(254, 'must be at most 254 characters')";
      case 'url':
        return "z.url({ protocol: /^https?$/, error: 'must be a web address starting with https:// or http://' }).max(255, 'must be at most 255 characters')";
      case 'phone':
        return "z.string().regex(/^\\+?[0-9 ().-]{3,40}$/, 'must be a phone number of digits, spaces and + ( ) . -')";
      case 'currency':
        return "z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 currency code such as USD')";
      case 'integer': {
        let out = "z.number('must be a number').int('must be a whole number')";
        if (field.min !== undefined) out += `.min(${field.min}, 'must be at least ${field.min}')`;
        if (field.max !== undefined) out += `.max(${field.max}, 'must be at most ${field.max}')`;
        return out;
      }
      case 'money':
        return "z.number('must be a number').int('must be whole minor units (cents), not a decimal amount').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER, 'is too large')";
      case 'decimal': {
        const limit = 10 ** (field.precision - field.scale);
        const min = field.min ?? -limit;
        const max = field.max ?? limit;
        return `z.number('must be a number').min(${min}, 'must be at least ${min}').max(${max}, 'must be at most ${max}')`;
      }
      case 'percent':
        return "z.number('must be a number').min(0, 'must be at least 0').max(100, 'must be at most 100')";
      case 'date':
        return "z.iso.date('must be a date as YYYY-MM-DD')";
      case 'dateTime':
        return "z.iso.datetime({ offset: true, error: 'must be a date and time in ISO 8601, e.g. 2026-11-26T09:30:00Z' })";
      case 'checkbox':
        return "z.boolean('must be true or false')";
      case 'picklist':
        return `z.enum([${field.values.map((v) => literal(v.value)).join(', ')}], 'must be one of: ${field.values.map((v) => v.value).join(', ')}')`;
      case 'multiPicklist':
        return `z.array(z.enum([${field.values.map((v) => literal(v.value)).join(', ')}], 'must be one of: ${field.values.map((v) => v.value).join(', ')}'))`;
      case 'lookup':
        return `z.string('must be the id of a ${field.target}').min(1, 'must be the id of a ${field.target}').max(64, 'is not a valid id')`;
    }
  })();
  const nonEmpty = field.required && ['text', 'longText'].includes(field.kind) ? ".min(1, 'is required')" : '';
  // A required field with a default may be left out: the store fills in the default.
  if (field.required && field.default !== undefined) return `${base}${nonEmpty}.optional()`;
  return field.required ? `${base}${nonEmpty}` : `${base}.nullable().optional()`;
}

function validator(object: PrmObject): string {
  const lines = [`export const ${object.name}Input = z.strictObject({`];
  if (object.nameField && 'length' in object.nameField) {
    const { length, label } = object.nameField;
    lines.push(`  /** ${label}. */`);
    lines.push(
      `  name: z.string('is required').min(1, 'is required').max(${length}, 'must be at most ${length} characters'),`,
    );
  }
  for (const [name, field] of Object.entries(object.fields)) lines.push(`  ${name}: ${zodFor(field)},`);
  lines.push('});');
  return lines.join('\n');
}

export function generateTypescript(schema: Schema): GeneratedFile[] {
  const header = `// ${generatedNotice('typescript')}\n`;
  const types = [
    header,
    '/** Every PRM record as the API and the UIs see it. */',
    '',
    schema.map(recordInterface).join('\n\n'),
    '',
    'export interface PrmRecords {',
    ...schema.map((object) => `  ${object.name}: ${typeName(object)};`),
    '}',
    '',
  ].join('\n');
  const validators = [
    header,
    "import { z } from 'zod';",
    '',
    '/**',
    ' * Input validators: what a caller may send to create a record (system fields and the auto-number',
    ' * name are never accepted). Updates use `.partial()` of the same shape.',
    ' */',
    '',
    schema.map(validator).join('\n\n'),
    '',
    'export const inputValidators = {',
    ...schema.map((object) => `  ${object.name}: ${object.name}Input,`),
    '} as const;',
    '',
  ].join('\n');
  return [
    { path: 'shared/src/generated/types.ts', content: types },
    { path: 'shared/src/generated/validators.ts', content: validators },
  ];
}
