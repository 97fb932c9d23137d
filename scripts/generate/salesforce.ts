/**
 * Schema → Salesforce DX source under force-app/main/default: custom objects and fields (also the
 * fields we add to Account, Contact and Lead), one permission set per role, tabs and list views.
 * XML is written with fast-xml-parser's builder, elements in the alphabetical order Salesforce retrieves them in.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { fieldLabel, type Field } from '@prm/core/schema/fields';
import type { PrmObject } from '@prm/core/schema/object';
import { objectNamed, type Schema } from '@prm/core/schema/registry';
import { roles, roleDefinitions, type Role } from '@prm/core/schema/roles';
import { fieldAccess, objectAccess } from '@prm/core/schema/access';
import {
  salesforceFieldName,
  salesforceObjectName,
  salesforcePermissionSetName,
  salesforceRelationshipName,
} from '@prm/core/hosts/salesforce';
import { generatedNotice, type GeneratedFile } from './files.ts';

export const salesforceOutputs = {
  name: 'salesforce',
  owns: ['force-app/main/default/objects', 'force-app/main/default/permissionsets', 'force-app/main/default/tabs'],
};

const root = 'force-app/main/default';
const namespace = 'http://soap.sforce.com/2006/04/metadata';
export const tabMotif = 'Custom53: Bell';

const builder = new XMLBuilder({
  format: true,
  indentBy: '    ',
  ignoreAttributes: false,
  suppressEmptyNode: true,
  commentPropName: '#comment',
});

type XmlValue = string | number | boolean | XmlNode | XmlValue[];
interface XmlNode {
  [key: string]: XmlValue | undefined;
}

function sortKeys(node: XmlNode): XmlNode {
  const sorted: XmlNode = {};
  for (const key of Object.keys(node).sort()) {
    const value = node[key];
    if (value === undefined) continue;
    sorted[key] = Array.isArray(value)
      ? value.map((item) => (typeof item === 'object' && !Array.isArray(item) ? sortKeys(item) : item))
      : typeof value === 'object'
        ? sortKeys(value)
        : value;
  }
  return sorted;
}

/**
 * The notice goes inside the root element: source-deploy-retrieve fails to match a field to its
 * object when a comment stands before the root.
 */
export function metadataXml(rootElement: string, body: XmlNode): string {
  const document = {
    [rootElement]: { '@_xmlns': namespace, '#comment': ` ${generatedNotice('salesforce')} `, ...sortKeys(body) },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document)}`;
}

/** A formula literal for a default value, as Salesforce expects in <defaultValue>. */
function defaultFormula(field: Field): string | undefined {
  if (field.default === undefined || field.kind === 'picklist') return undefined;
  if (typeof field.default === 'string') return `"${field.default.replace(/"/g, '\\"')}"`;
  return String(field.default);
}

export function customField(schema: Schema, object: PrmObject, name: string, field: Field): XmlNode {
  const base: XmlNode = {
    fullName: salesforceFieldName(object, name),
    label: fieldLabel(name, field),
    description: field.help,
    inlineHelpText: field.help,
    defaultValue: defaultFormula(field),
  };
  const requiredFlags = { required: Boolean(field.required) };
  const keyFlags = { externalId: Boolean(field.externalId), unique: Boolean(field.unique) };
  switch (field.kind) {
    case 'text':
      return { ...base, ...requiredFlags, ...keyFlags, type: 'Text', length: field.length };
    case 'currency':
      return { ...base, ...requiredFlags, type: 'Text', length: 3 };
    case 'longText':
      return { ...base, type: 'LongTextArea', length: field.length, visibleLines: 4 };
    case 'email':
      return { ...base, ...requiredFlags, ...keyFlags, type: 'Email' };
    case 'url':
      return { ...base, ...requiredFlags, type: 'Url' };
    case 'phone':
      return { ...base, ...requiredFlags, type: 'Phone' };
    case 'integer':
      return { ...base, ...requiredFlags, ...keyFlags, type: 'Number', precision: 18, scale: 0 };
    case 'decimal':
      return { ...base, ...requiredFlags, type: 'Number', precision: field.precision, scale: field.scale };
    case 'money':
      // Salesforce keeps currency amounts in major units; the connector converts from minor units.
      return { ...base, ...requiredFlags, type: 'Currency', precision: 18, scale: 2 };
    case 'percent':
      return { ...base, ...requiredFlags, type: 'Percent', precision: 5, scale: 2 };
    case 'date':
      return { ...base, ...requiredFlags, type: 'Date' };
    case 'dateTime':
      return { ...base, ...requiredFlags, type: 'DateTime' };
    case 'checkbox':
      return { ...base, defaultValue: String(field.default ?? false), type: 'Checkbox' };
    case 'picklist':
    case 'multiPicklist':
      return {
        ...base,
        ...requiredFlags,
        type: field.kind === 'picklist' ? 'Picklist' : 'MultiselectPicklist',
        visibleLines: field.kind === 'multiPicklist' ? 4 : undefined,
        valueSet: {
          restricted: true,
          valueSetDefinition: {
            sorted: false,
            value: field.values.map((v) => ({ fullName: v.value, default: v.value === field.default, label: v.label })),
          },
        },
      };
    case 'lookup': {
      const target = objectNamed(schema, field.target);
      // The parent that owns the record: a master-detail, so Salesforce shares the record exactly as
      // its parent (sharing "controlled by parent"), as the server's policy scopes it through the parent.
      if (object.ownedThrough === name) {
        return {
          ...base,
          type: 'MasterDetail',
          referenceTo: salesforceObjectName(target),
          relationshipLabel: object.pluralLabel,
          relationshipName: salesforceRelationshipName(object, name),
          relationshipOrder: 0,
          reparentableMasterDetail: false,
          writeRequiresMasterRead: false,
        };
      }
      return {
        ...base,
        ...requiredFlags,
        type: 'Lookup',
        referenceTo: salesforceObjectName(target),
        relationshipLabel: object.pluralLabel,
        relationshipName: salesforceRelationshipName(object, name),
        deleteConstraint: field.onDelete === 'restrict' ? 'Restrict' : 'SetNull',
      };
    }
  }
}

function customObject(object: PrmObject): XmlNode {
  const nameField = object.nameField!;
  const partnerOwned = Boolean(object.partnerField);
  return {
    label: object.label,
    pluralLabel: object.pluralLabel,
    description: object.description,
    deploymentStatus: 'Deployed',
    enableActivities: true,
    enableBulkApi: true,
    enableFeeds: false,
    enableHistory: true,
    enableReports: true,
    enableSearch: true,
    enableSharing: true,
    enableStreamingApi: true,
    nameField:
      'autoNumber' in nameField
        ? { label: nameField.label, type: 'AutoNumber', displayFormat: nameField.autoNumber }
        : { label: nameField.label, type: 'Text' },
    // Partner-owned records are private (sharing gives each partner its own); records owned through a
    // parent are shared as their parent; program data is read-only to all.
    sharingModel: object.ownedThrough ? 'ControlledByParent' : partnerOwned ? 'Private' : 'Read',
    externalSharingModel: object.ownedThrough ? 'ControlledByParent' : partnerOwned ? 'Private' : 'Read',
    visibility: 'Public',
  };
}

function listView(object: PrmObject): XmlNode {
  return {
    fullName: 'All',
    label: 'All',
    filterScope: 'Everything',
    columns: ['NAME', ...object.listView.map((column) => salesforceFieldName(object, column))],
  };
}

/** Salesforce refuses field permissions on required fields (they are always editable). */
export const salesforceNeedsFieldPermission = (field: Field): boolean => !field.standard && !field.required;

function permissionSet(schema: Schema, role: Role): XmlNode {
  const definition = roleDefinitions[role];
  const objectPermissions: XmlNode[] = [];
  const fieldPermissions: XmlNode[] = [];
  const tabSettings: XmlNode[] = [];
  for (const object of schema) {
    const access = objectAccess(object, role);
    if (access === 'none') continue;
    const apiName = salesforceObjectName(object);
    const edit = access === 'edit';
    if (!object.extends) {
      objectPermissions.push({
        object: apiName,
        allowRead: true,
        allowCreate: edit,
        allowEdit: edit,
        allowDelete: edit && definition.mayDelete,
        viewAllRecords: definition.seesAllRecords,
        modifyAllRecords: edit && definition.mayDelete && definition.seesAllRecords,
      });
      tabSettings.push({ tab: apiName, visibility: 'Visible' });
    }
    for (const [name, field] of Object.entries(object.fields)) {
      if (!salesforceNeedsFieldPermission(field)) continue;
      const fieldLevel = fieldAccess(object, field, role);
      if (fieldLevel === 'none') continue;
      fieldPermissions.push({
        field: `${apiName}.${salesforceFieldName(object, name)}`,
        readable: true,
        editable: fieldLevel === 'edit',
      });
    }
  }
  return {
    label: `PRM ${definition.label}`,
    description: definition.description,
    hasActivationRequired: false,
    objectPermissions,
    fieldPermissions,
    tabSettings,
  };
}

export function generateSalesforce(schema: Schema): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const object of schema) {
    const apiName = salesforceObjectName(object);
    const folder = `${root}/objects/${apiName}`;
    if (object.extends) {
      // source-deploy-retrieve needs the parent object file beside fields added to a standard object.
      files.push({ path: `${folder}/${apiName}.object-meta.xml`, content: metadataXml('CustomObject', {}) });
    } else {
      files.push({
        path: `${folder}/${apiName}.object-meta.xml`,
        content: metadataXml('CustomObject', customObject(object)),
      });
      files.push({
        path: `${folder}/listViews/All.listView-meta.xml`,
        content: metadataXml('ListView', listView(object)),
      });
      files.push({
        path: `${root}/tabs/${apiName}.tab-meta.xml`,
        content: metadataXml('CustomTab', { customObject: true, motif: tabMotif }),
      });
    }
    for (const [name, field] of Object.entries(object.fields)) {
      if (field.standard) continue;
      const fieldName = salesforceFieldName(object, name);
      files.push({
        path: `${folder}/fields/${fieldName}.field-meta.xml`,
        content: metadataXml('CustomField', customField(schema, object, name, field)),
      });
    }
  }
  for (const role of roles) {
    const name = salesforcePermissionSetName(role);
    files.push({
      path: `${root}/permissionsets/${name}.permissionset-meta.xml`,
      content: metadataXml('PermissionSet', permissionSet(schema, role)),
    });
  }
  return files;
}
