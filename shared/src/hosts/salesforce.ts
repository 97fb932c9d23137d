/**
 * How the PRM schema is named in Salesforce. API names carry no namespace in source: the managed
 * package adds it (`prm__Deal_Registration__c`), so names stay short enough for it (the platform's
 * 40-character limit counts without the namespace).
 */
import type { PrmObject, StandardObject } from '../schema/object.ts';
import { capitalise, nameWords } from './names.ts';

export const salesforceApiVersion = '64.0';

const standardObjectNames: Record<StandardObject, string> = {
  account: 'Account',
  contact: 'Contact',
  lead: 'Lead',
  opportunity: 'Opportunity',
};

/** Fields the PRM reads from Salesforce's own objects, by `object.field`. */
export const salesforceStandardFields: Record<string, string> = {
  'partner.website': 'Website',
  'partner.country': 'BillingCountry',
  'partner.region': 'BillingState',
  'partner.postalCode': 'BillingPostalCode',
  'partnerContact.email': 'Email',
  'partnerContact.phone': 'Phone',
  'lead.company': 'Company',
  'lead.email': 'Email',
  'lead.country': 'Country',
  'lead.region': 'State',
  'lead.postalCode': 'PostalCode',
  'lead.industry': 'Industry',
  'lead.employees': 'NumberOfEmployees',
  'opportunity.currency': 'CurrencyIsoCode',
  'opportunity.amount': 'Amount',
  'opportunity.stage': 'StageName',
  'opportunity.closeDate': 'CloseDate',
};

const pascalSnake = (name: string): string => nameWords(name).map(capitalise).join('_');

export function salesforceObjectName(object: PrmObject): string {
  return object.extends ? standardObjectNames[object.extends] : `${pascalSnake(object.name)}__c`;
}

export function salesforceFieldName(object: PrmObject, fieldName: string): string {
  const field = object.fields[fieldName];
  if (field?.standard) {
    const standard = salesforceStandardFields[`${object.name}.${fieldName}`];
    if (!standard) throw new Error(`No Salesforce field is mapped for the standard field ${object.name}.${fieldName}.`);
    return standard;
  }
  return `${pascalSnake(fieldName)}__c`;
}

/**
 * The child relationship name on the lookup's target (`DealRegistrations` on Account), unique per
 * target: an object with two lookups to the same target adds the field (`PlanActions_PlanGoal`).
 */
export function salesforceRelationshipName(object: PrmObject, fieldName: string): string {
  const plural = nameWords(object.pluralLabel)
    .map(capitalise)
    .join('')
    .replace(/[^A-Za-z0-9]/g, '');
  const field = object.fields[fieldName];
  const target = field?.kind === 'lookup' ? field.target : undefined;
  const siblings = Object.values(object.fields).filter((f) => f.kind === 'lookup' && f.target === target).length;
  return siblings > 1 ? `${plural}_${nameWords(fieldName).map(capitalise).join('')}` : plural;
}

export function salesforcePermissionSetName(role: string): string {
  return `PRM_${pascalSnake(role)}`;
}
