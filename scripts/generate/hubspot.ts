/**
 * Schema → HubSpot: property groups and properties on HubSpot's own objects (companies, contacts),
 * and custom-object schema definitions for the rest, as the JSON bodies HubSpot's CRM APIs accept
 * (POST /crm/v3/properties/{objectType}/groups, POST /crm/v3/properties/{objectType}, POST /crm-object-schemas/v3/schemas).
 */
import { fieldLabel, type Field } from '@prm/core/schema/fields';
import type { PrmObject } from '@prm/core/schema/object';
import { objectNamed, type Schema } from '@prm/core/schema/registry';
import {
  hubspotAssociationTargets,
  hubspotGroupName,
  hubspotObjectType,
  hubspotPropertyName,
} from '@prm/core/hosts/hubspot';
import { generatedFolderNote, json, type GeneratedFile } from './files.ts';

export const hubspotOutputs = { name: 'hubspot', owns: ['hubspot-app/schema'] };

const root = 'hubspot-app/schema';

export interface HubSpotProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName?: string;
  description?: string;
  displayOrder?: number;
  hasUniqueValue?: boolean;
  options?: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>;
  showCurrencySymbol?: boolean;
}

function typeOf(field: Field): Pick<HubSpotProperty, 'type' | 'fieldType' | 'options' | 'showCurrencySymbol'> {
  switch (field.kind) {
    case 'longText':
      return { type: 'string', fieldType: 'textarea' };
    case 'phone':
      return { type: 'string', fieldType: 'phonenumber' };
    case 'integer':
    case 'decimal':
    case 'percent':
      return { type: 'number', fieldType: 'number' };
    case 'money':
      // HubSpot keeps amounts in major units; the connector converts from minor units.
      return { type: 'number', fieldType: 'number', showCurrencySymbol: true };
    case 'date':
      return { type: 'date', fieldType: 'date' };
    case 'dateTime':
      return { type: 'datetime', fieldType: 'date' };
    case 'checkbox':
      return {
        type: 'bool',
        fieldType: 'booleancheckbox',
        options: [
          { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
          { label: 'No', value: 'false', displayOrder: 1, hidden: false },
        ],
      };
    case 'picklist':
    case 'multiPicklist':
      return {
        type: 'enumeration',
        fieldType: field.kind === 'picklist' ? 'select' : 'checkbox',
        options: field.values.map((v, index) => ({
          label: v.label,
          value: v.value,
          displayOrder: index,
          hidden: false,
        })),
      };
    default:
      // text, email, url, currency codes and lookups (the related record's id) are strings.
      return { type: 'string', fieldType: 'text' };
  }
}

export function hubspotProperty(
  schema: Schema,
  object: PrmObject,
  name: string,
  field: Field,
  order: number,
): HubSpotProperty {
  const help =
    field.kind === 'lookup'
      ? `Id of the related ${objectNamed(schema, field.target).label}.${field.help ? ` ${field.help}` : ''}`
      : field.help;
  return {
    name: hubspotPropertyName(object, name),
    label: fieldLabel(name, field),
    ...typeOf(field),
    groupName: hubspotGroupName(object),
    description: help,
    displayOrder: order,
    hasUniqueValue: Boolean(field.unique || field.externalId),
  };
}

const ownFields = (object: PrmObject): Array<[string, Field]> =>
  Object.entries(object.fields).filter(([, field]) => !field.standard);

function customObjectSchema(schema: Schema, object: PrmObject): unknown {
  const properties = [
    {
      name: 'name',
      label: object.nameField!.label,
      type: 'string',
      fieldType: 'text',
      groupName: hubspotGroupName(object),
      displayOrder: 0,
      hasUniqueValue: false,
    },
    ...ownFields(object).map(([name, field], index) => hubspotProperty(schema, object, name, field, index + 1)),
  ];
  const required = [
    'name',
    ...ownFields(object)
      .filter(([, f]) => f.required)
      .map(([n]) => hubspotPropertyName(object, n)),
  ];
  const associated = new Set<string>();
  for (const [, field] of ownFields(object)) {
    if (field.kind !== 'lookup') continue;
    const target = objectNamed(schema, field.target);
    if (target.extends) associated.add(hubspotAssociationTargets[target.extends]);
  }
  return {
    name: hubspotObjectType(object),
    description: object.description,
    labels: { singular: object.label, plural: object.pluralLabel },
    primaryDisplayProperty: 'name',
    secondaryDisplayProperties: object.listView.slice(0, 2).map((column) => hubspotPropertyName(object, column)),
    searchableProperties: ['name'],
    requiredProperties: required,
    properties,
    associatedObjects: [...associated].sort(),
  };
}

export function generateHubspot(schema: Schema): GeneratedFile[] {
  const files: GeneratedFile[] = [
    {
      path: `${root}/README.md`,
      content: generatedFolderNote(
        'hubspot',
        [
          "- `property-groups/<objectType>.json`: one group per PRM object on HubSpot's own objects (POST /crm/v3/properties/{objectType}/groups).",
          '- `properties/<objectType>.json`: the properties we add to HubSpot\'s own objects (POST /crm/v3/properties/{objectType}/batch/create, body `{ "inputs": [...] }`).',
          '- `custom-objects/<name>.json`: custom-object schemas (POST /crm-object-schemas/v3/schemas; Enterprise accounts).',
          'Money is kept in major units in HubSpot and in integer minor units everywhere else; the connector converts.',
        ].join('\n'),
      ),
    },
  ];
  const groups = new Map<string, Array<{ name: string; label: string; displayOrder: number }>>();
  const properties = new Map<string, HubSpotProperty[]>();
  for (const object of schema) {
    if (!object.extends) {
      files.push({
        path: `${root}/custom-objects/${hubspotObjectType(object)}.json`,
        content: json(customObjectSchema(schema, object)),
      });
      continue;
    }
    const objectType = hubspotObjectType(object);
    const groupList = groups.get(objectType) ?? [];
    groupList.push({ name: hubspotGroupName(object), label: `PRM: ${object.label}`, displayOrder: groupList.length });
    groups.set(objectType, groupList);
    const propertyList = properties.get(objectType) ?? [];
    for (const [name, field] of ownFields(object)) {
      propertyList.push(hubspotProperty(schema, object, name, field, propertyList.length));
    }
    properties.set(objectType, propertyList);
  }
  for (const [objectType, list] of groups)
    files.push({ path: `${root}/property-groups/${objectType}.json`, content: json(list) });
  for (const [objectType, list] of properties)
    files.push({ path: `${root}/properties/${objectType}.json`, content: json(list) });
  return files;
}
