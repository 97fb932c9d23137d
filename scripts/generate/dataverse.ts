/**
 * Schema → Dataverse table and column definitions as Web API payloads (Microsoft supports creating
 * tables through the Web API, not by hand-writing them into customizations.xml):
 * tables for POST EntityDefinitions, columns on Dataverse's own tables for POST EntityDefinitions(LogicalName='account')/Attributes,
 * and one-to-many relationships (the lookups) for POST RelationshipDefinitions. Each request carries
 * the header MSCRM.SolutionUniqueName so everything lands in our solution.
 */
import { fieldLabel, type Field } from '@prm/core/schema/fields';
import type { PrmObject } from '@prm/core/schema/object';
import { objectNamed, type Schema } from '@prm/core/schema/registry';
import {
  dataverseColumnSchemaName,
  dataverseLanguageCode,
  dataverseOptionValue,
  dataversePublisher,
  dataverseSolutionName,
  dataverseTableLogicalName,
  dataverseTableSchemaName,
} from '@prm/core/hosts/dataverse';
import { generatedFolderNote, json, type GeneratedFile } from './files.ts';

export const dataverseOutputs = { name: 'dataverse', owns: ['dynamics-app/schema'] };

const root = 'dynamics-app/schema';

export const label = (text: string) => ({
  '@odata.type': 'Microsoft.Dynamics.CRM.Label',
  LocalizedLabels: [
    { '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: dataverseLanguageCode },
  ],
});

const requiredLevel = (required: boolean | undefined) => ({
  Value: required ? 'ApplicationRequired' : 'None',
  CanBeChanged: true,
  ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
});

type Payload = Record<string, unknown>;

function options(field: Extract<Field, { kind: 'picklist' | 'multiPicklist' }>): Payload {
  return {
    '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata',
    IsGlobal: false,
    OptionSetType: 'Picklist',
    Options: field.values.map((v, index) => ({ Value: dataverseOptionValue(index), Label: label(v.label) })),
  };
}

/** A column's attribute metadata; lookups are created with their relationship instead. */
export function dataverseAttribute(
  object: PrmObject,
  name: string,
  field: Exclude<Field, { kind: 'lookup' }>,
): Payload {
  const common = {
    SchemaName: dataverseColumnSchemaName(object, name),
    DisplayName: label(fieldLabel(name, field)),
    Description: label(field.help ?? fieldLabel(name, field)),
    RequiredLevel: requiredLevel(field.required),
  };
  const string = (maxLength: number, format: string) => ({
    '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
    AttributeType: 'String',
    AttributeTypeName: { Value: 'StringType' },
    ...common,
    MaxLength: maxLength,
    FormatName: { Value: format },
  });
  switch (field.kind) {
    case 'text':
      return string(field.length, 'Text');
    case 'currency':
      return string(3, 'Text');
    case 'email':
      return string(254, 'Email');
    case 'url':
      return string(255, 'Url');
    case 'phone':
      return string(40, 'Phone');
    case 'longText':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.MemoAttributeMetadata',
        AttributeType: 'Memo',
        AttributeTypeName: { Value: 'MemoType' },
        ...common,
        MaxLength: field.length,
        Format: 'TextArea',
      };
    case 'integer':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.IntegerAttributeMetadata',
        AttributeType: 'Integer',
        AttributeTypeName: { Value: 'IntegerType' },
        ...common,
        Format: 'None',
        MinValue: field.min ?? -2147483648,
        MaxValue: field.max ?? 2147483647,
      };
    case 'decimal':
    case 'percent': {
      const precision = field.kind === 'decimal' ? Math.min(field.scale, 10) : 2;
      const limit = field.kind === 'decimal' ? 10 ** (field.precision - field.scale) : 100;
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.DecimalAttributeMetadata',
        AttributeType: 'Decimal',
        AttributeTypeName: { Value: 'DecimalType' },
        ...common,
        Precision: precision,
        MinValue: field.kind === 'decimal' ? (field.min ?? -Math.min(limit, 100000000000)) : 0,
        MaxValue: field.kind === 'decimal' ? (field.max ?? Math.min(limit, 100000000000)) : 100,
      };
    }
    case 'money':
      // Dataverse keeps amounts in major units with a transaction currency; the connector converts.
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.MoneyAttributeMetadata',
        AttributeType: 'Money',
        AttributeTypeName: { Value: 'MoneyType' },
        ...common,
        PrecisionSource: 2,
        MinValue: 0,
        MaxValue: 922337203685477,
      };
    case 'date':
    case 'dateTime':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata',
        AttributeType: 'DateTime',
        AttributeTypeName: { Value: 'DateTimeType' },
        ...common,
        Format: field.kind === 'date' ? 'DateOnly' : 'DateAndTime',
        DateTimeBehavior: { Value: field.kind === 'date' ? 'DateOnly' : 'UserLocal' },
      };
    case 'checkbox':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.BooleanAttributeMetadata',
        AttributeType: 'Boolean',
        AttributeTypeName: { Value: 'BooleanType' },
        ...common,
        DefaultValue: Boolean(field.default),
        OptionSet: {
          '@odata.type': 'Microsoft.Dynamics.CRM.BooleanOptionSetMetadata',
          TrueOption: { Value: 1, Label: label('Yes') },
          FalseOption: { Value: 0, Label: label('No') },
          OptionSetType: 'Boolean',
        },
      };
    case 'picklist':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
        AttributeType: 'Picklist',
        AttributeTypeName: { Value: 'PicklistType' },
        ...common,
        OptionSet: options(field),
      };
    case 'multiPicklist':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata',
        AttributeType: 'Virtual',
        AttributeTypeName: { Value: 'MultiSelectPicklistType' },
        ...common,
        OptionSet: options(field),
      };
  }
}

function relationship(
  schema: Schema,
  object: PrmObject,
  name: string,
  field: Extract<Field, { kind: 'lookup' }>,
): Payload {
  const target = objectNamed(schema, field.target);
  const referenced = dataverseTableLogicalName(target);
  const referencing = dataverseTableLogicalName(object);
  return {
    '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
    SchemaName: `${dataversePublisher.customizationPrefix}_${referenced.replace(/^prm_/, '')}_${referencing.replace(/^prm_/, '')}_${name.toLowerCase()}`,
    ReferencedEntity: referenced,
    ReferencingEntity: referencing,
    CascadeConfiguration: {
      Assign: 'NoCascade',
      Delete: field.onDelete === 'restrict' ? 'Restrict' : 'RemoveLink',
      Merge: 'NoCascade',
      Reparent: 'NoCascade',
      Share: 'NoCascade',
      Unshare: 'NoCascade',
    },
    Lookup: {
      '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata',
      AttributeType: 'Lookup',
      AttributeTypeName: { Value: 'LookupType' },
      SchemaName: dataverseColumnSchemaName(object, name),
      DisplayName: label(fieldLabel(name, field)),
      Description: label(field.help ?? fieldLabel(name, field)),
      RequiredLevel: requiredLevel(field.required),
    },
  };
}

function table(object: PrmObject, attributes: Payload[]): Payload {
  const nameField = object.nameField!;
  const primaryName = {
    '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
    AttributeType: 'String',
    AttributeTypeName: { Value: 'StringType' },
    SchemaName: `${dataversePublisher.customizationPrefix}_Name`,
    IsPrimaryName: true,
    DisplayName: label(nameField.label),
    Description: label(nameField.label),
    // Auto-numbered names are filled in by the server (or a Dataverse autonumber format) so they are optional here.
    RequiredLevel: requiredLevel('length' in nameField),
    MaxLength: 'length' in nameField ? nameField.length : 100,
    FormatName: { Value: 'Text' },
    ...('autoNumber' in nameField
      ? { AutoNumberFormat: nameField.autoNumber.replace(/\{(0+)\}/, (_, zeros: string) => `{SEQNUM:${zeros.length}}`) }
      : {}),
  };
  return {
    '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
    SchemaName: dataverseTableSchemaName(object),
    DisplayName: label(object.label),
    DisplayCollectionName: label(object.pluralLabel),
    Description: label(object.description),
    OwnershipType: 'UserOwned',
    IsActivity: false,
    HasActivities: false,
    HasNotes: true,
    Attributes: [primaryName, ...attributes],
  };
}

export function generateDataverse(schema: Schema): GeneratedFile[] {
  const files: GeneratedFile[] = [
    {
      path: `${root}/README.md`,
      content: generatedFolderNote(
        'dataverse',
        [
          `Publisher prefix \`${dataversePublisher.customizationPrefix}\`, solution \`${dataverseSolutionName}\`. Apply in this order, each request with the header \`MSCRM.SolutionUniqueName: ${dataverseSolutionName}\`:`,
          '1. `tables/<table>.json`: POST [org]/api/data/v9.2/EntityDefinitions',
          "2. `columns/<table>.json`: each entry POST [org]/api/data/v9.2/EntityDefinitions(LogicalName='<table>')/Attributes",
          '3. `relationships/<name>.json`: POST [org]/api/data/v9.2/RelationshipDefinitions (creates the lookup column)',
          '4. PublishXml for the tables touched.',
        ].join('\n'),
      ),
    },
  ];
  const extensionColumns = new Map<string, Payload[]>();
  for (const object of schema) {
    const attributes: Payload[] = [];
    for (const [name, field] of Object.entries(object.fields)) {
      if (field.standard) continue;
      if (field.kind === 'lookup') {
        const payload = relationship(schema, object, name, field);
        files.push({ path: `${root}/relationships/${String(payload.SchemaName)}.json`, content: json(payload) });
      } else {
        attributes.push(dataverseAttribute(object, name, field));
      }
    }
    const logical = dataverseTableLogicalName(object);
    if (object.extends) {
      extensionColumns.set(logical, [...(extensionColumns.get(logical) ?? []), ...attributes]);
    } else {
      files.push({ path: `${root}/tables/${logical}.json`, content: json(table(object, attributes)) });
    }
  }
  for (const [logical, attributes] of extensionColumns) {
    files.push({ path: `${root}/columns/${logical}.json`, content: json(attributes) });
  }
  return files;
}
