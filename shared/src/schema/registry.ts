/** Every PRM object, in the order generators emit them (referenced objects before those that refer to them). */
import { partner, partnerContact } from '../partners/schema.ts';
import { program, tier } from '../tiers/schema.ts';
import { partnerApplication, agreement, onboardingTask } from '../onboarding/schema.ts';
import { course, enrollment, certification } from '../enablement/schema.ts';
import { dealRegistration, dealRegistrationLineItem, namedAccount, opportunity } from '../deals/schema.ts';
import { lead, routingRule, leadOffer } from '../routing/schema.ts';
import { mdfBudget, mdfAllocation, fundRequest, fundClaim } from '../mdf/schema.ts';
import { campaign, campaignAsset } from '../campaigns/schema.ts';
import { jointBusinessPlan, planGoal, planAction, businessReview } from '../planning/schema.ts';
import { npsResponse } from '../metrics/schema.ts';
import { salesOrder, invoice } from '../revenue/schema.ts';
import type { PrmObject } from './object.ts';
import type { PrmRecords } from '../generated/types.ts';

export const prmObjects: readonly PrmObject[] = [
  program,
  tier,
  partner,
  partnerContact,
  partnerApplication,
  agreement,
  onboardingTask,
  course,
  enrollment,
  certification,
  dealRegistration,
  dealRegistrationLineItem,
  namedAccount,
  opportunity,
  lead,
  routingRule,
  leadOffer,
  mdfBudget,
  mdfAllocation,
  campaign,
  campaignAsset,
  fundRequest,
  fundClaim,
  jointBusinessPlan,
  planGoal,
  planAction,
  businessReview,
  npsResponse,
  salesOrder,
  invoice,
];

export type Schema = readonly PrmObject[];

/** Asked for by a PRM object's literal name, the object comes typed by it (and so do its records in the store). */
export function objectNamed<Name extends keyof PrmRecords>(schema: Schema, name: Name): PrmObject<Name>;
export function objectNamed(schema: Schema, name: string): PrmObject;
export function objectNamed(schema: Schema, name: string): PrmObject {
  const found = schema.find((object) => object.name === name);
  if (!found) throw new Error(`The schema has no object named "${name}".`);
  return found;
}
