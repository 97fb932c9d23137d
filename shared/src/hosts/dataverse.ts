/**
 * How the PRM schema is named in Dataverse: the publisher prefix on every table and column we add,
 * choice values from the publisher's option value prefix (so they never collide with a customer's).
 */
import type { PrmObject, StandardObject } from '../schema/object.ts';
import { capitalise, nameWords } from './names.ts';

export const dataversePublisher = {
  uniqueName: 'prmpublisher',
  friendlyName: 'PRM inside the CRM',
  customizationPrefix: 'prm',
  /** Choice values are this × 10,000 + the value's position. */
  optionValuePrefix: 10571,
};
export const dataverseSolutionName = 'PrmInsideTheCrm';
export const dataverseLanguageCode = 1033;

const standardTables: Record<StandardObject, string> = {
  account: 'account',
  contact: 'contact',
  lead: 'lead',
  opportunity: 'opportunity',
};

export const dataverseStandardFields: Record<string, string> = {
  'partner.website': 'websiteurl',
  'partner.country': 'address1_country',
  'partner.region': 'address1_stateorprovince',
  'partner.postalCode': 'address1_postalcode',
  'partnerContact.email': 'emailaddress1',
  'partnerContact.phone': 'telephone1',
  'lead.company': 'companyname',
  'lead.email': 'emailaddress1',
  'lead.country': 'address1_country',
  'lead.region': 'address1_stateorprovince',
  'lead.postalCode': 'address1_postalcode',
  'lead.industry': 'industrycode',
  'lead.employees': 'numberofemployees',
  'opportunity.currency': 'transactioncurrencyid',
  'opportunity.amount': 'estimatedvalue',
  'opportunity.stage': 'stepname',
  'opportunity.closeDate': 'estimatedclosedate',
};

const pascal = (name: string): string => nameWords(name).map(capitalise).join('');

/** `prm_DealRegistration` (SchemaName) for our tables; the logical name is its lower case. */
export function dataverseTableSchemaName(object: PrmObject): string {
  return object.extends
    ? standardTables[object.extends]
    : `${dataversePublisher.customizationPrefix}_${pascal(object.name)}`;
}

export function dataverseTableLogicalName(object: PrmObject): string {
  return dataverseTableSchemaName(object).toLowerCase();
}

export function dataverseColumnSchemaName(object: PrmObject, fieldName: string): string {
  const field = object.fields[fieldName];
  if (field?.standard) {
    const standard = dataverseStandardFields[`${object.name}.${fieldName}`];
    if (!standard) throw new Error(`No Dataverse column is mapped for the standard field ${object.name}.${fieldName}.`);
    return standard;
  }
  return `${dataversePublisher.customizationPrefix}_${pascal(fieldName)}`;
}

export function dataverseOptionValue(position: number): number {
  return dataversePublisher.optionValuePrefix * 10000 + position;
}
