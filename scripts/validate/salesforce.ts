/**
 * Offline validation of the Salesforce source. Converting with source-deploy-retrieve catches layout
 * mistakes but not content ones (truncated XML, invalid types, dangling references all "convert"),
 * so every file is also checked for well-formedness and against the platform's own rules.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { salesforceApiVersion } from '@prm/core/hosts/salesforce';
import type { Problem } from './problems.ts';

/** Standard objects a lookup may target, and the standard fields permission sets may name on them. */
const standardObjects = new Set(['Account', 'Contact', 'Lead', 'Opportunity', 'User', 'Campaign', 'Case', 'Product2']);
const fieldTypes = new Set([
  'Text',
  'LongTextArea',
  'TextArea',
  'Email',
  'Url',
  'Phone',
  'Number',
  'Currency',
  'Percent',
  'Date',
  'DateTime',
  'Checkbox',
  'Picklist',
  'MultiselectPicklist',
  'Lookup',
  'MasterDetail',
  'AutoNumber',
  'Formula',
  'Html',
  'Time',
]);
/** API names: a letter first, letters, digits and single underscores, no trailing underscore, then __c. */
const customName = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*[A-Za-z0-9]__c$/;
const relationshipNamePattern = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*[A-Za-z0-9]$/;
const maxNameLength = 40;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => ['value', 'fieldPermissions', 'objectPermissions', 'tabSettings', 'columns'].includes(name),
});

function walk(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

type Xml = Record<string, unknown>;
const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

function checkCustomName(name: string, what: string): string[] {
  const problems: string[] = [];
  if (!customName.test(name)) {
    problems.push(
      `${what} API name "${name}" must start with a letter, use only letters, digits and single underscores, and end in __c`,
    );
  }
  const base = name.replace(/__c$/, '');
  if (base.length > maxNameLength)
    problems.push(`${what} API name "${name}" is ${base.length} characters; the limit is ${maxNameLength} before __c`);
  return problems;
}

interface FieldInfo {
  type: string;
  required: boolean;
}

function checkField(field: Xml, fileName: string, objectNames: Set<string>): string[] {
  const problems: string[] = [];
  const fullName = text(field.fullName);
  if (`${fullName}.field-meta.xml` !== fileName) problems.push(`fullName "${fullName}" does not match the file name`);
  problems.push(...checkCustomName(fullName, 'field'));
  if (!text(field.label)) problems.push('has no label');
  const type = text(field.type);
  if (!fieldTypes.has(type)) return [...problems, `type "${type}" is not a Salesforce field type`];
  const number = (key: string) => Number(text(field[key]));
  switch (type) {
    case 'Text': {
      const length = number('length');
      if (!Number.isInteger(length) || length < 1 || length > 255)
        problems.push(`Text length must be 1 to 255 (got ${text(field.length) || 'none'})`);
      break;
    }
    case 'LongTextArea': {
      const length = number('length');
      if (!Number.isInteger(length) || length < 256 || length > 131072)
        problems.push(`LongTextArea length must be 256 to 131072 (got ${text(field.length) || 'none'})`);
      if (!field.visibleLines) problems.push('LongTextArea needs visibleLines');
      break;
    }
    case 'Number':
    case 'Currency':
    case 'Percent': {
      const precision = number('precision');
      const scale = number('scale');
      if (!Number.isInteger(precision) || precision < 1 || precision > 18)
        problems.push(`${type} precision must be 1 to 18 (got ${text(field.precision) || 'none'})`);
      if (!Number.isInteger(scale) || scale < 0 || scale > precision)
        problems.push(`${type} scale must be 0 to the precision (got ${text(field.scale) || 'none'})`);
      break;
    }
    case 'Checkbox':
      if (!['true', 'false'].includes(text(field.defaultValue)))
        problems.push('Checkbox needs defaultValue true or false');
      if (text(field.required) === 'true') problems.push('a Checkbox cannot be required');
      break;
    case 'Picklist':
    case 'MultiselectPicklist': {
      const values = ((field.valueSet as Xml)?.valueSetDefinition as Xml)?.value as Xml[] | undefined;
      if (!values?.length) {
        problems.push(`${type} has no values`);
        break;
      }
      const seen = new Set<string>();
      for (const value of values) {
        const name = text(value.fullName);
        if (!name) problems.push('a picklist value has no fullName');
        if (seen.has(name.toLowerCase())) problems.push(`picklist value "${name}" appears more than once`);
        seen.add(name.toLowerCase());
      }
      if (values.filter((v) => text(v.default) === 'true').length > 1)
        problems.push('a picklist can have only one default value');
      if (type === 'MultiselectPicklist' && !field.visibleLines)
        problems.push('MultiselectPicklist needs visibleLines');
      break;
    }
    case 'Lookup': {
      const target = text(field.referenceTo);
      if (!target) problems.push('Lookup has no referenceTo');
      else if (!standardObjects.has(target) && !objectNames.has(target))
        problems.push(
          `Lookup references "${target}", which is neither a standard object nor an object in this package`,
        );
      const relationship = text(field.relationshipName);
      if (!relationshipNamePattern.test(relationship))
        problems.push(
          `relationshipName "${relationship}" must start with a letter and use letters, digits and single underscores`,
        );
      if (relationship.length > maxNameLength)
        problems.push(`relationshipName "${relationship}" is longer than ${maxNameLength} characters`);
      const constraint = text(field.deleteConstraint);
      if (!['SetNull', 'Restrict', 'Cascade'].includes(constraint))
        problems.push(`deleteConstraint must be SetNull, Restrict or Cascade (got "${constraint}")`);
      if (text(field.required) === 'true' && constraint === 'SetNull')
        problems.push('a required Lookup cannot use deleteConstraint SetNull');
      break;
    }
    default:
      break;
  }
  if (text(field.unique) === 'true' && !['Text', 'Email', 'Number', 'AutoNumber'].includes(type))
    problems.push(`a ${type} field cannot be unique`);
  if (text(field.externalId) === 'true' && !['Text', 'Email', 'Number', 'AutoNumber'].includes(type))
    problems.push(`a ${type} field cannot be an external id`);
  return problems;
}

function checkObject(object: Xml, apiName: string): string[] {
  const problems = checkCustomName(apiName, 'object');
  if (!text(object.label)) problems.push('has no label');
  if (!text(object.pluralLabel)) problems.push('has no pluralLabel');
  const nameField = object.nameField as Xml | undefined;
  if (!nameField) problems.push('has no nameField');
  else if (!['Text', 'AutoNumber'].includes(text(nameField.type)))
    problems.push(`nameField type must be Text or AutoNumber (got "${text(nameField.type)}")`);
  else if (text(nameField.type) === 'AutoNumber' && !/\{0+\}/.test(text(nameField.displayFormat)))
    problems.push('an AutoNumber nameField needs a displayFormat with {000}');
  if (!['Private', 'Read', 'ReadWrite', 'ControlledByParent'].includes(text(object.sharingModel)))
    problems.push(`sharingModel "${text(object.sharingModel)}" is not valid`);
  if (!['Deployed', 'InDevelopment'].includes(text(object.deploymentStatus)))
    problems.push('deploymentStatus must be Deployed or InDevelopment');
  return problems;
}

/** Converts the source with source-deploy-retrieve exactly as a deploy would; returns its error, if any. */
export async function convertSource(sourceDir: string): Promise<string | undefined> {
  const output = mkdtempSync(join(tmpdir(), 'prm-sdr-'));
  try {
    const components = ComponentSet.fromSource(sourceDir);
    // An explicit API version keeps SDR from asking the network for the latest one.
    components.sourceApiVersion = salesforceApiVersion;
    components.apiVersion = salesforceApiVersion;
    const converted = await new MetadataConverter().convert(components, 'metadata', {
      type: 'directory',
      outputDirectory: output,
      genUniqueDir: false,
    });
    if (!converted.converted?.length) return 'source-deploy-retrieve found no components to convert';
    return undefined;
  } catch (error) {
    return `source-deploy-retrieve could not convert the source: ${(error as Error).message}`;
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}

export async function validateSalesforce(sourceDir: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const report = (path: string, message: string) =>
    problems.push({ file: relative(sourceDir, path).split('\\').join('/'), message });
  const files = walk(sourceDir);
  const parsed = new Map<string, Xml>();
  for (const path of files.filter((f) => f.endsWith('.xml'))) {
    const content = readFileSync(path, 'utf8');
    const wellFormed = XMLValidator.validate(content);
    if (wellFormed !== true) {
      report(
        path,
        `is not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line}, column ${wellFormed.err.col})`,
      );
      continue;
    }
    parsed.set(path, parser.parse(content) as Xml);
  }

  const objectNames = new Set<string>();
  const fields = new Map<string, FieldInfo>();
  for (const path of files) {
    if (path.endsWith('.object-meta.xml')) objectNames.add(basename(path, '.object-meta.xml'));
  }
  for (const [path, document] of parsed) {
    const name = basename(path);
    if (name.endsWith('.object-meta.xml')) {
      const object = document.CustomObject as Xml | '' | undefined;
      if (object === undefined) report(path, 'root element must be CustomObject');
      else if (object === '') {
        if (!standardObjects.has(basename(path, '.object-meta.xml')))
          report(path, 'a custom object file cannot be empty');
      } else {
        const apiName = basename(path, '.object-meta.xml');
        if (basename(dirname(path)) !== apiName) report(path, `must sit in a folder named ${apiName}`);
        if (!standardObjects.has(apiName)) for (const message of checkObject(object, apiName)) report(path, message);
      }
    } else if (name.endsWith('.field-meta.xml')) {
      const field = document.CustomField as Xml | undefined;
      if (!field) {
        report(path, 'root element must be CustomField');
        continue;
      }
      const objectName = basename(dirname(dirname(path)));
      for (const message of checkField(field, name, objectNames)) report(path, message);
      fields.set(`${objectName}.${text(field.fullName)}`, {
        type: text(field.type),
        required: text(field.required) === 'true',
      });
    }
  }

  for (const [path, document] of parsed) {
    const name = basename(path);
    if (name.endsWith('.permissionset-meta.xml')) {
      const set = document.PermissionSet as Xml | undefined;
      if (!set) {
        report(path, 'root element must be PermissionSet');
        continue;
      }
      if (!text(set.label)) report(path, 'has no label');
      for (const permission of (set.fieldPermissions as Xml[] | undefined) ?? []) {
        const reference = text(permission.field);
        const [objectName] = reference.split('.');
        const known = fields.get(reference);
        if (!known && !standardObjects.has(objectName)) report(path, `names field ${reference}, which does not exist`);
        else if (!known && !/\.[A-Za-z][A-Za-z0-9]*$/.test(reference))
          report(path, `names field ${reference}, which does not exist`);
        else if (!known && reference.endsWith('__c')) report(path, `names field ${reference}, which does not exist`);
        if (known?.required)
          report(
            path,
            `names field ${reference}, which is required: Salesforce refuses field permissions on required fields`,
          );
        if (text(permission.editable) === 'true' && text(permission.readable) !== 'true')
          report(path, `makes ${reference} editable but not readable`);
      }
      for (const permission of (set.objectPermissions as Xml[] | undefined) ?? []) {
        const objectName = text(permission.object);
        if (!objectNames.has(objectName) && !standardObjects.has(objectName))
          report(path, `names object ${objectName}, which does not exist`);
        const flag = (key: string) => text(permission[key]) === 'true';
        if ((flag('allowCreate') || flag('allowEdit') || flag('viewAllRecords')) && !flag('allowRead'))
          report(path, `grants more than read on ${objectName} without read`);
        if (flag('allowDelete') && !flag('allowEdit')) report(path, `allows delete on ${objectName} without edit`);
        if (flag('modifyAllRecords') && !(flag('allowDelete') && flag('viewAllRecords')))
          report(path, `grants Modify All on ${objectName} without Delete and View All`);
      }
      for (const tab of (set.tabSettings as Xml[] | undefined) ?? []) {
        const tabName = text(tab.tab);
        if (tabName.endsWith('__c') && !objectNames.has(tabName))
          report(path, `names tab ${tabName}, whose object does not exist`);
      }
    } else if (name.endsWith('.tab-meta.xml')) {
      const tab = document.CustomTab as Xml | undefined;
      const tabName = basename(path, '.tab-meta.xml');
      if (!tab) report(path, 'root element must be CustomTab');
      else if (text(tab.customObject) === 'true' && !objectNames.has(tabName))
        report(path, `is a tab for ${tabName}, which is not an object in this package`);
      else if (!text(tab.motif)) report(path, 'has no motif');
    } else if (name.endsWith('.listView-meta.xml')) {
      const view = document.ListView as Xml | undefined;
      const objectName = basename(dirname(dirname(path)));
      if (!view) {
        report(path, 'root element must be ListView');
        continue;
      }
      for (const column of (view.columns as unknown[] | undefined) ?? []) {
        const columnName = text(column);
        if (columnName.endsWith('__c') && !fields.has(`${objectName}.${columnName}`))
          report(path, `shows column ${columnName}, which is not a field of ${objectName}`);
      }
    }
  }

  // Every Lightning web component bundle needs its js-meta.xml, which conversion does not insist on.
  const lwcRoot = join(sourceDir, 'main/default/lwc');
  if (existsSync(lwcRoot)) {
    for (const bundle of readdirSync(lwcRoot)) {
      if (bundle.startsWith('.') || bundle === 'jsconfig.json' || !statSync(join(lwcRoot, bundle)).isDirectory())
        continue;
      if (!existsSync(join(lwcRoot, bundle, `${bundle}.js-meta.xml`)))
        report(join(lwcRoot, bundle), `has no ${bundle}.js-meta.xml`);
    }
  }

  const conversionError = await convertSource(sourceDir);
  if (conversionError) problems.push({ file: '.', message: conversionError });
  return problems;
}
