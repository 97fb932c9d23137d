/**
 * Offline validation of the Dataverse table, column and relationship payloads: every JSON file parses,
 * schema names carry the publisher prefix, attribute types and their lengths, ranges and options are
 * ones the Web API accepts, and relationships point at tables that exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dataversePublisher } from '@prm/core/hosts/dataverse';
import type { Problem } from './problems.ts';

const standardTables = new Set(['account', 'contact', 'lead', 'opportunity', 'systemuser', 'team']);
const schemaNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Attribute metadata types, the AttributeType each must declare, and its AttributeTypeName. */
const attributeKinds: Record<string, [string, string]> = {
  'Microsoft.Dynamics.CRM.StringAttributeMetadata': ['String', 'StringType'],
  'Microsoft.Dynamics.CRM.MemoAttributeMetadata': ['Memo', 'MemoType'],
  'Microsoft.Dynamics.CRM.IntegerAttributeMetadata': ['Integer', 'IntegerType'],
  'Microsoft.Dynamics.CRM.DecimalAttributeMetadata': ['Decimal', 'DecimalType'],
  'Microsoft.Dynamics.CRM.MoneyAttributeMetadata': ['Money', 'MoneyType'],
  'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata': ['DateTime', 'DateTimeType'],
  'Microsoft.Dynamics.CRM.BooleanAttributeMetadata': ['Boolean', 'BooleanType'],
  'Microsoft.Dynamics.CRM.PicklistAttributeMetadata': ['Picklist', 'PicklistType'],
  'Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata': ['Virtual', 'MultiSelectPicklistType'],
  'Microsoft.Dynamics.CRM.LookupAttributeMetadata': ['Lookup', 'LookupType'],
};
const stringFormats = new Set(['Text', 'Email', 'Url', 'Phone', 'TextArea', 'TickerSymbol']);

type Json = Record<string, unknown>;

function walk(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const prefix = `${dataversePublisher.customizationPrefix}_`;

function labelText(label: unknown): string {
  const localized = (label as Json | undefined)?.LocalizedLabels as Json[] | undefined;
  return String(localized?.[0]?.Label ?? '');
}

export function checkAttribute(attribute: Json): string[] {
  const problems: string[] = [];
  const name = String(attribute.SchemaName ?? '');
  const where = `column ${name || '(no SchemaName)'}`;
  if (!name.toLowerCase().startsWith(prefix))
    problems.push(`${where}: SchemaName must start with the publisher prefix "${prefix}"`);
  if (!schemaNamePattern.test(name))
    problems.push(`${where}: SchemaName must start with a letter and use letters, digits and underscores`);
  if (name.length > 50) problems.push(`${where}: SchemaName is ${name.length} characters; the limit is 50`);
  if (!labelText(attribute.DisplayName)) problems.push(`${where}: has no DisplayName label`);
  const odataType = String(attribute['@odata.type'] ?? '');
  const kind = attributeKinds[odataType];
  if (!kind) return [...problems, `${where}: @odata.type "${odataType}" is not an attribute metadata type`];
  if (attribute.AttributeType !== kind[0])
    problems.push(
      `${where}: AttributeType must be "${kind[0]}" for ${odataType.split('.').pop()} (got "${String(attribute.AttributeType)}")`,
    );
  if ((attribute.AttributeTypeName as Json | undefined)?.Value !== kind[1])
    problems.push(`${where}: AttributeTypeName must be "${kind[1]}"`);
  const level = (attribute.RequiredLevel as Json | undefined)?.Value;
  if (!['None', 'ApplicationRequired', 'Recommended'].includes(String(level)))
    problems.push(`${where}: RequiredLevel must be None, ApplicationRequired or Recommended`);
  const n = (key: string) => Number(attribute[key]);
  switch (kind[0]) {
    case 'String':
      if (!Number.isInteger(n('MaxLength')) || n('MaxLength') < 1 || n('MaxLength') > 4000)
        problems.push(`${where}: String MaxLength must be 1 to 4000 (got ${String(attribute.MaxLength)})`);
      if (!stringFormats.has(String((attribute.FormatName as Json | undefined)?.Value)))
        problems.push(`${where}: FormatName must be one of ${[...stringFormats].join(', ')}`);
      break;
    case 'Memo':
      if (!Number.isInteger(n('MaxLength')) || n('MaxLength') < 1 || n('MaxLength') > 1048576)
        problems.push(`${where}: Memo MaxLength must be 1 to 1048576 (got ${String(attribute.MaxLength)})`);
      break;
    case 'Integer':
      if (!(n('MinValue') >= -2147483648 && n('MaxValue') <= 2147483647 && n('MinValue') <= n('MaxValue')))
        problems.push(`${where}: Integer MinValue/MaxValue must lie within -2147483648..2147483647, min ≤ max`);
      break;
    case 'Decimal':
      if (!(n('Precision') >= 0 && n('Precision') <= 10))
        problems.push(`${where}: Decimal Precision must be 0 to 10 (got ${String(attribute.Precision)})`);
      if (!(n('MinValue') >= -100000000000 && n('MaxValue') <= 100000000000 && n('MinValue') <= n('MaxValue')))
        problems.push(`${where}: Decimal MinValue/MaxValue must lie within ±100,000,000,000, min ≤ max`);
      break;
    case 'Money':
      if (![0, 1, 2].includes(n('PrecisionSource'))) problems.push(`${where}: Money PrecisionSource must be 0, 1 or 2`);
      if (!(n('MinValue') >= -922337203685477 && n('MaxValue') <= 922337203685477))
        problems.push(`${where}: Money MinValue/MaxValue must lie within ±922,337,203,685,477`);
      break;
    case 'DateTime':
      if (!['DateOnly', 'DateAndTime'].includes(String(attribute.Format)))
        problems.push(`${where}: DateTime Format must be DateOnly or DateAndTime`);
      break;
    case 'Boolean': {
      const options = attribute.OptionSet as Json | undefined;
      if (!options?.TrueOption || !options?.FalseOption)
        problems.push(`${where}: a Boolean column needs TrueOption and FalseOption`);
      break;
    }
    case 'Picklist':
    case 'Virtual': {
      const options = ((attribute.OptionSet as Json | undefined)?.Options as Json[] | undefined) ?? [];
      if (options.length === 0) problems.push(`${where}: a choice column needs options`);
      const values = options.map((o) => Number(o.Value));
      const duplicate = values.find((v, i) => values.indexOf(v) !== i);
      if (duplicate !== undefined) problems.push(`${where}: option value ${duplicate} appears more than once`);
      const low = dataversePublisher.optionValuePrefix * 10000;
      for (const value of values) {
        if (!(value >= low && value < low + 10000))
          problems.push(`${where}: option value ${value} is outside the publisher's range ${low}..${low + 9999}`);
      }
      if (options.some((o) => !labelText(o.Label))) problems.push(`${where}: every option needs a label`);
      break;
    }
    default:
      break;
  }
  return problems;
}

export function validateDataverse(solutionDir: string): Problem[] {
  const problems: Problem[] = [];
  const report = (path: string, message: string) =>
    problems.push({ file: relative(solutionDir, path).split('\\').join('/'), message });
  const schemaDir = join(solutionDir, 'schema');
  const parsed = new Map<string, unknown>();
  for (const path of walk(schemaDir).filter((f) => f.endsWith('.json'))) {
    try {
      parsed.set(path, JSON.parse(readFileSync(path, 'utf8')));
    } catch (error) {
      report(path, `is not valid JSON: ${(error as Error).message}`);
    }
  }
  const tables = new Set(standardTables);
  for (const [path, content] of parsed) {
    if (!path.startsWith(join(schemaDir, 'tables'))) continue;
    const table = content as Json;
    const name = String(table.SchemaName ?? '');
    tables.add(name.toLowerCase());
    if (table['@odata.type'] !== 'Microsoft.Dynamics.CRM.EntityMetadata')
      report(path, '@odata.type must be Microsoft.Dynamics.CRM.EntityMetadata');
    if (!name.toLowerCase().startsWith(prefix))
      report(path, `table SchemaName "${name}" must start with the publisher prefix "${prefix}"`);
    if (!schemaNamePattern.test(name) || name.length > 64)
      report(path, `table SchemaName "${name}" must be letters, digits and underscores, at most 64 characters`);
    if (`${name.toLowerCase()}.json` !== path.split('/').pop())
      report(path, `file name must be the table's logical name ${name.toLowerCase()}.json`);
    if (!labelText(table.DisplayName) || !labelText(table.DisplayCollectionName))
      report(path, 'needs DisplayName and DisplayCollectionName labels');
    if (!['UserOwned', 'OrganizationOwned'].includes(String(table.OwnershipType)))
      report(path, 'OwnershipType must be UserOwned or OrganizationOwned');
    const attributes = (table.Attributes as Json[] | undefined) ?? [];
    const primary = attributes.filter((a) => a.IsPrimaryName === true);
    if (primary.length !== 1)
      report(path, `needs exactly one primary name column (IsPrimaryName), found ${primary.length}`);
    else if (primary[0]['@odata.type'] !== 'Microsoft.Dynamics.CRM.StringAttributeMetadata')
      report(path, 'the primary name column must be a String column');
    for (const attribute of attributes) for (const message of checkAttribute(attribute)) report(path, message);
    const names = attributes.map((a) => String(a.SchemaName).toLowerCase());
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) report(path, `column ${duplicate} is defined more than once`);
  }
  for (const [path, content] of parsed) {
    if (path.startsWith(join(schemaDir, 'columns'))) {
      const table = path
        .split('/')
        .pop()!
        .replace(/\.json$/, '');
      if (!tables.has(table))
        report(path, `adds columns to ${table}, which is neither a standard table nor one of ours`);
      if (!Array.isArray(content)) report(path, 'must be an array of attribute definitions');
      else
        for (const attribute of content as Json[])
          for (const message of checkAttribute(attribute)) report(path, message);
    } else if (path.startsWith(join(schemaDir, 'relationships'))) {
      const relationship = content as Json;
      if (relationship['@odata.type'] !== 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata')
        report(path, '@odata.type must be Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata');
      const schemaName = String(relationship.SchemaName ?? '');
      if (!schemaName.startsWith(prefix))
        report(path, `relationship SchemaName "${schemaName}" must start with the publisher prefix "${prefix}"`);
      for (const key of ['ReferencedEntity', 'ReferencingEntity']) {
        const table = String(relationship[key] ?? '');
        if (!tables.has(table)) report(path, `${key} "${table}" is not a table that exists`);
      }
      const lookup = relationship.Lookup as Json | undefined;
      if (!lookup) report(path, 'has no Lookup column');
      else for (const message of checkAttribute(lookup)) report(path, message);
      const cascade = relationship.CascadeConfiguration as Json | undefined;
      if (!['Restrict', 'RemoveLink', 'Cascade', 'NoCascade'].includes(String(cascade?.Delete)))
        report(path, 'CascadeConfiguration.Delete must be Restrict, RemoveLink, Cascade or NoCascade');
    }
  }
  return problems;
}
