/**
 * Offline validation of the HubSpot project: it must parse with HubSpot's own project-parsing-lib
 * (which silently drops invalid JSON, so every JSON file is parsed here too), and every property and
 * custom-object schema must use names, types and field types HubSpot's APIs accept.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { translate } from '@hubspot/project-parsing-lib/translate';
import type { Problem } from './problems.ts';

/** The field types HubSpot accepts for each property type. */
export const hubspotFieldTypes: Record<string, string[]> = {
  string: ['text', 'textarea', 'html', 'phonenumber', 'file', 'calculation_equation'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  bool: ['booleancheckbox', 'calculation_equation'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
  phone_number: ['phonenumber'],
};
const propertyName = /^[a-z][a-z0-9_]*$/;
const objectName = /^[A-Za-z][A-Za-z0-9_]*$/;
const associationTargets = new Set(['CONTACT', 'COMPANY', 'DEAL', 'TICKET']);

function walk(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((entry) => {
    if (entry === 'node_modules' || entry.startsWith('.')) return [];
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

type Json = Record<string, unknown>;

function checkProperty(property: Json, groups: Set<string> | undefined): string[] {
  const problems: string[] = [];
  const name = String(property.name ?? '');
  const where = `property "${name}"`;
  if (!propertyName.test(name))
    problems.push(`${where}: names are lower-case letters, digits and underscores, starting with a letter`);
  if (name.length > 100) problems.push(`${where}: names are at most 100 characters`);
  if (name.startsWith('hs_')) problems.push(`${where}: the hs_ prefix is reserved for HubSpot's own properties`);
  if (!property.label) problems.push(`${where}: has no label`);
  const type = String(property.type ?? '');
  const fieldType = String(property.fieldType ?? '');
  const allowed = hubspotFieldTypes[type];
  if (!allowed) problems.push(`${where}: type "${type}" is not a HubSpot property type`);
  else if (!allowed.includes(fieldType))
    problems.push(
      `${where}: fieldType "${fieldType}" is not allowed for type "${type}" (allowed: ${allowed.join(', ')})`,
    );
  if (type === 'enumeration' || type === 'bool') {
    const options = (property.options as Json[] | undefined) ?? [];
    if (type === 'enumeration' && options.length === 0) problems.push(`${where}: an enumeration needs options`);
    const values = options.map((option) => String(option.value));
    const duplicate = values.find((value, index) => values.indexOf(value) !== index);
    if (duplicate !== undefined) problems.push(`${where}: option value "${duplicate}" appears more than once`);
    if (options.some((option) => !option.label)) problems.push(`${where}: every option needs a label`);
  }
  if (groups && property.groupName && !groups.has(String(property.groupName))) {
    problems.push(`${where}: group "${String(property.groupName)}" is not defined in property-groups`);
  }
  return problems;
}

function checkCustomObject(schema: Json): string[] {
  const problems: string[] = [];
  const name = String(schema.name ?? '');
  if (!objectName.test(name))
    problems.push(`object name "${name}" must start with a letter and use letters, digits and underscores`);
  const labels = schema.labels as Json | undefined;
  if (!labels?.singular || !labels?.plural) problems.push('labels need a singular and a plural');
  const properties = (schema.properties as Json[] | undefined) ?? [];
  const names = new Set(properties.map((p) => String(p.name)));
  for (const property of properties) problems.push(...checkProperty(property, undefined));
  const duplicate = properties.map((p) => String(p.name)).find((n, i, all) => all.indexOf(n) !== i);
  if (duplicate) problems.push(`property "${duplicate}" is defined more than once`);
  const primary = String(schema.primaryDisplayProperty ?? '');
  if (!names.has(primary)) problems.push(`primaryDisplayProperty "${primary}" is not one of its properties`);
  for (const key of ['requiredProperties', 'searchableProperties', 'secondaryDisplayProperties']) {
    for (const required of (schema[key] as string[] | undefined) ?? []) {
      if (!names.has(required)) problems.push(`${key} names "${required}", which is not one of its properties`);
    }
  }
  for (const target of (schema.associatedObjects as string[] | undefined) ?? []) {
    if (!associationTargets.has(target))
      problems.push(`associatedObjects names "${target}", which is not a HubSpot object type`);
  }
  return problems;
}

export async function validateHubspot(projectDir: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const report = (path: string, message: string) =>
    problems.push({ file: relative(projectDir, path).split('\\').join('/') || '.', message });
  const parsed = new Map<string, unknown>();
  for (const path of walk(projectDir).filter((f) => f.endsWith('.json'))) {
    try {
      parsed.set(path, JSON.parse(readFileSync(path, 'utf8')));
    } catch (error) {
      report(path, `is not valid JSON: ${(error as Error).message}`);
    }
  }

  // The parse below skips validation (that needs an account), so the metafiles' own shape is checked here.
  for (const [path, content] of parsed) {
    if (!path.endsWith('-hsmeta.json')) continue;
    const meta = content as Json;
    if (typeof meta.uid !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(meta.uid))
      report(path, 'needs a uid of letters, digits, _ . or - (at most 64 characters)');
    if (typeof meta.type !== 'string' || !meta.type) report(path, 'needs a type');
    if (typeof meta.config !== 'object' || meta.config === null) report(path, 'needs a config object');
  }

  const projectFile = join(projectDir, 'hsproject.json');
  const project = parsed.get(projectFile) as Json | undefined;
  if (!project) {
    if (!existsSync(projectFile)) report(projectFile, 'is missing: a HubSpot project needs hsproject.json');
  } else {
    try {
      const result = await translate(
        {
          projectSourceDir: join(projectDir, String(project.srcDir ?? 'src')),
          platformVersion: String(project.platformVersion),
        },
        // Schema validation needs a HubSpot account; the parse itself runs offline.
        { skipValidation: true },
      );
      for (const skipped of result.skippedHsMetaFiles ?? []) {
        const where = typeof skipped === 'string' ? skipped : JSON.stringify(skipped);
        report(projectFile, `HubSpot skipped a metafile that is not where its type belongs: ${where}`);
      }
    } catch (error) {
      report(projectFile, `the project does not parse with @hubspot/project-parsing-lib: ${(error as Error).message}`);
    }
  }

  const schemaDir = join(projectDir, 'schema');
  const groupsByObject = new Map<string, Set<string>>();
  for (const [path, content] of parsed) {
    if (!path.startsWith(join(schemaDir, 'property-groups'))) continue;
    const objectType = path
      .split('/')
      .pop()!
      .replace(/\.json$/, '');
    const groups = Array.isArray(content) ? content : [];
    for (const group of groups as Json[]) {
      if (!propertyName.test(String(group.name ?? '')))
        report(path, `group name "${String(group.name)}" must be lower-case letters, digits and underscores`);
      if (!group.label) report(path, `group "${String(group.name)}" has no label`);
    }
    groupsByObject.set(objectType, new Set((groups as Json[]).map((g) => String(g.name))));
  }
  for (const [path, content] of parsed) {
    if (path.startsWith(join(schemaDir, 'properties'))) {
      const objectType = path
        .split('/')
        .pop()!
        .replace(/\.json$/, '');
      if (!Array.isArray(content)) {
        report(path, 'must be an array of property definitions');
        continue;
      }
      const groups = groupsByObject.get(objectType) ?? new Set<string>();
      for (const property of content as Json[])
        for (const message of checkProperty(property, groups)) report(path, message);
      const names = (content as Json[]).map((p) => String(p.name));
      const duplicate = names.find((n, i) => names.indexOf(n) !== i);
      if (duplicate) report(path, `property "${duplicate}" is defined more than once on ${objectType}`);
    } else if (path.startsWith(join(schemaDir, 'custom-objects'))) {
      for (const message of checkCustomObject(content as Json)) report(path, message);
    }
  }
  return problems;
}
