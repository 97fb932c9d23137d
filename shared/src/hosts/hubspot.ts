/**
 * How the PRM schema is named in HubSpot. Partners live on companies, partner contacts and leads on
 * contacts; the other objects are custom objects (which need an Enterprise account). Our properties
 * on HubSpot's own objects carry the `prm_` prefix so they never collide with a customer's.
 */
import type { PrmObject, StandardObject } from '../schema/object.ts';
import { snakeCase } from './names.ts';

export const hubspotPrefix = 'prm';

const standardObjectTypes: Record<StandardObject, string> = {
  account: 'companies',
  contact: 'contacts',
  lead: 'contacts',
  opportunity: 'deals',
};

/** The association type names HubSpot's schema API uses for its own objects. */
export const hubspotAssociationTargets: Record<StandardObject, string> = {
  account: 'COMPANY',
  contact: 'CONTACT',
  lead: 'CONTACT',
  opportunity: 'DEAL',
};

export const hubspotStandardFields: Record<string, string> = {
  'partner.website': 'domain',
  'partner.country': 'country',
  'partner.region': 'state',
  'partner.postalCode': 'zip',
  'partnerContact.email': 'email',
  'partnerContact.phone': 'phone',
  'lead.company': 'company',
  'lead.email': 'email',
  'lead.country': 'country',
  'lead.region': 'state',
  'lead.postalCode': 'zip',
  'lead.industry': 'industry',
  'lead.employees': 'numemployees',
  'opportunity.currency': 'deal_currency_code',
  'opportunity.amount': 'amount',
  'opportunity.stage': 'dealstage',
  'opportunity.closeDate': 'closedate',
};

/** `companies` for an extension, otherwise the custom object's name `prm_deal_registration`. */
export function hubspotObjectType(object: PrmObject): string {
  return object.extends ? standardObjectTypes[object.extends] : `${hubspotPrefix}_${snakeCase(object.name)}`;
}

export function hubspotPropertyName(object: PrmObject, fieldName: string): string {
  const field = object.fields[fieldName];
  if (field?.standard) {
    const standard = hubspotStandardFields[`${object.name}.${fieldName}`];
    if (!standard) throw new Error(`No HubSpot property is mapped for the standard field ${object.name}.${fieldName}.`);
    return standard;
  }
  const base = snakeCase(fieldName);
  const name = field?.kind === 'lookup' ? `${base}_id` : base;
  return object.extends ? `${hubspotPrefix}_${name}` : name;
}

export function hubspotGroupName(object: PrmObject): string {
  return `${hubspotPrefix}_${snakeCase(object.name)}`;
}
