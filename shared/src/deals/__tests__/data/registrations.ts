/** Test fixtures: a complete, valid registration and the policies and actors the specifications use. */
import type { DealRegistration } from '../../../generated/types.ts';
import type { Actor } from '../../lifecycle.ts';
import { registrationPolicy, type RegistrationPolicy } from '../../policy.ts';

export const now = '2026-11-26T09:00:00.000Z';

export function aRegistration(overrides: Partial<DealRegistration> = {}): DealRegistration {
  return {
    id: 'reg-1',
    crmId: null,
    name: 'DR-000001',
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-20T09:00:00.000Z',
    version: 1,
    partner: 'partner-a',
    submittedBy: null,
    customerName: 'Nordwind Logistik GmbH',
    customerDomain: 'nordwind-logistik.de',
    customerCountry: 'DE',
    customerContactName: 'Jana Keller',
    customerContactEmail: 'jana.keller@nordwind-logistik.de',
    opportunityName: 'Warehouse analytics rollout',
    description: null,
    currency: 'EUR',
    amount: 4_500_000,
    expectedCloseOn: '2027-02-15',
    product: 'Analytics Cloud',
    status: 'draft',
    submittedAt: null,
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    conflictVerdict: null,
    conflictReasons: null,
    conflictScore: null,
    protectionEndsAt: null,
    extensionsUsed: 0,
    marginUplift: null,
    attribution: null,
    opportunityId: null,
    closedAt: null,
    ...overrides,
  };
}

export const program = {
  protectionDays: 90,
  extensionPolicy: 'once' as const,
  extensionDays: 30,
  registrationRequiresCertification: false,
};

export const goldTier = {
  rank: 3,
  currency: 'EUR',
  protectionDays: 120,
  registeredDealUplift: 5,
  autoApproveUpTo: 5_000_000,
};

export const policy: RegistrationPolicy = registrationPolicy(program, goldTier);

export const partnerRep: Actor = { kind: 'user', userId: 'u-rep', role: 'partnerRep', partner: 'partner-a' };
export const otherPartnerRep: Actor = { kind: 'user', userId: 'u-other', role: 'partnerRep', partner: 'partner-b' };
export const manager: Actor = { kind: 'user', userId: 'u-manager', role: 'channelManager' };
export const salesRep: Actor = { kind: 'user', userId: 'u-sales', role: 'salesRep' };
export const rules: Actor = { kind: 'system', name: 'rules' };
