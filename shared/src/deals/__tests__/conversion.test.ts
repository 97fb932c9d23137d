import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransitionError } from '../../errors.ts';
import { convertRegistration, opportunityFromRegistration } from '../conversion.ts';
import { transitionRegistration } from '../lifecycle.ts';
import { aRegistration, manager, now, salesRep } from './data/registrations.ts';

const day = 86_400_000;
const later = (days: number) => new Date(Date.parse(now) + days * day).toISOString();
const approved = aRegistration({
  status: 'approved',
  submittedAt: now,
  decidedAt: now,
  decidedBy: 'u-manager',
  protectionEndsAt: later(90),
  conflictVerdict: 'none',
});

describe('conversion to an opportunity', () => {
  it('carries the customer, amount and partner, as partner-sourced when the partner came first', () => {
    const draft = opportunityFromRegistration(approved, later(10));
    assert.deepEqual(
      {
        account: draft.accountName,
        amount: draft.amount,
        partner: draft.partner,
        registration: draft.dealRegistration,
        attribution: draft.attribution,
      },
      {
        account: 'Nordwind Logistik GmbH',
        amount: { amount: 4_500_000, currency: 'EUR' },
        partner: 'partner-a',
        registration: 'reg-1',
        attribution: 'sourced',
      },
    );
    assert.equal(draft.protectedUntil, later(90));
  });

  it('is partner-influenced when the vendor engaged the customer before the registration', () => {
    const draft = opportunityFromRegistration(approved, later(10), later(-3));
    assert.equal(draft.attribution, 'influenced');
    assert.match(draft.attributionReason, /before the partner registered/);
    const { registration } = convertRegistration(approved, '006B', {
      actor: salesRep,
      now: later(10),
      vendorEngagedAt: later(-3),
    });
    assert.equal(registration.attribution, 'influenced');
  });

  it('refuses to convert a registration whose protection has ended', () => {
    assert.throws(() => opportunityFromRegistration(approved, later(90)), TransitionError);
  });

  it('keeps sourced only for a win inside the window; a later win counts as influenced', () => {
    const { registration: converted } = convertRegistration(approved, '006A', { actor: salesRep, now: later(10) });
    assert.equal(converted.status, 'converted');
    assert.equal(converted.opportunityId, '006A');
    assert.equal(
      transitionRegistration(converted, 'won', { actor: manager, now: later(89) }).registration.attribution,
      'sourced',
    );
    assert.equal(
      transitionRegistration(converted, 'won', { actor: manager, now: later(90) }).registration.attribution,
      'influenced',
    );
    const lost = transitionRegistration(converted, 'lost', { actor: salesRep, now: later(30), reason: 'Budget cut' });
    assert.equal(lost.registration.closedAt, later(30));
  });
});
