import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NotAllowedError, TransitionError, ValidationError } from '../../errors.ts';
import {
  nextStatuses,
  recordConflictCheck,
  registrationTransitions,
  rolesThatMay,
  transitionRegistration,
  type Actor,
  type RegistrationStatus,
} from '../lifecycle.ts';
import { registrationStatuses } from '../schema.ts';
import {
  aRegistration,
  manager,
  now,
  otherPartnerRep,
  partnerRep,
  policy,
  rules,
  salesRep,
} from './data/registrations.ts';

const later = (days: number) => new Date(Date.parse(now) + days * 86_400_000).toISOString();

function submitted() {
  return transitionRegistration(aRegistration(), 'submitted', { actor: partnerRep, now, policy }).registration;
}

function checked(verdict: 'none' | 'possible' | 'conflict') {
  return recordConflictCheck(
    submitted(),
    { verdict, score: verdict === 'none' ? 0 : 0.95, reasons: [`${verdict} found`] },
    { actor: rules, now },
  ).registration;
}

describe('registration lifecycle', () => {
  it('records who moved the registration, when, from what to what and why', () => {
    const { registration } = transitionRegistration(checked('none'), 'approved', {
      actor: manager,
      now: later(1),
      policy,
      reason: 'Strong fit',
    });
    assert.equal(registration.status, 'approved');
    assert.deepEqual(
      {
        decidedAt: registration.decidedAt,
        decisionReason: registration.decisionReason,
        updatedAt: registration.updatedAt,
        version: registration.version,
      },
      { decidedAt: later(1), decisionReason: 'Strong fit', updatedAt: later(1), version: checked('none').version + 1 },
    );
    assert.equal(registration.decidedBy, 'u-manager');
    assert.equal(registration.protectionEndsAt, later(1 + 120), 'the Gold tier protects for 120 days');
    assert.equal(registration.marginUplift, 5);
    assert.equal(registration.version, 4, 'submit, conflict check and approval each make a new version');
  });

  it('stamps the submission time and refuses a submission with problems, naming each field', () => {
    assert.equal(submitted().submittedAt, now);
    assert.throws(
      () =>
        transitionRegistration(aRegistration({ customerName: ' ', amount: 12.5 }), 'submitted', {
          actor: partnerRep,
          now,
          policy,
        }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.problems.some((p) => p.field === 'customerName') &&
        error.problems.some((p) => p.field === 'amount'),
    );
  });

  it('refuses to register for a partner without a current certification when the program requires one', () => {
    const gated = { ...policy, requiresCertification: true };
    assert.throws(
      () =>
        transitionRegistration(aRegistration(), 'submitted', {
          actor: partnerRep,
          now,
          policy: gated,
          certifications: [],
        }),
      TransitionError,
    );
    const certified = [{ partner: 'partner-a', status: 'active' as const, expiresOn: '2027-01-01' }];
    assert.equal(
      transitionRegistration(aRegistration(), 'submitted', {
        actor: partnerRep,
        now,
        policy: gated,
        certifications: certified,
      }).registration.status,
      'submitted',
    );
  });

  it('names the allowed next steps when a transition does not exist', () => {
    assert.throws(
      () => transitionRegistration(aRegistration(), 'approved', { actor: manager, now, policy }),
      (error: unknown) => error instanceof TransitionError && /only go to submitted, withdrawn/.test(error.message),
    );
    assert.throws(
      () => transitionRegistration(aRegistration({ status: 'won' }), 'lost', { actor: manager, now }),
      /won is final/,
    );
  });

  it('lets partner users act only on their own registrations and never decide them', () => {
    assert.throws(
      () => transitionRegistration(aRegistration(), 'submitted', { actor: otherPartnerRep, now, policy }),
      NotAllowedError,
    );
    assert.throws(
      () => transitionRegistration(checked('none'), 'approved', { actor: partnerRep, now, policy }),
      NotAllowedError,
    );
    assert.throws(
      () => recordConflictCheck(submitted(), { verdict: 'none', score: 0, reasons: [] }, { actor: partnerRep, now }),
      NotAllowedError,
    );
  });

  it('refuses approval before the conflict check and over a conflict', () => {
    assert.throws(
      () => transitionRegistration(submitted(), 'approved', { actor: manager, now, policy }),
      /run the conflict check/,
    );
    assert.throws(
      () => transitionRegistration(checked('conflict'), 'approved', { actor: manager, now, policy }),
      /already held/,
    );
  });

  it('lets only a person approve over a possible conflict, and only with a reason', () => {
    assert.throws(
      () => transitionRegistration(checked('possible'), 'approved', { actor: rules, now, policy }),
      /a person to decide/,
    );
    assert.throws(
      () => transitionRegistration(checked('possible'), 'approved', { actor: manager, now, policy }),
      ValidationError,
    );
    const { registration } = transitionRegistration(checked('possible'), 'approved', {
      actor: manager,
      now,
      policy,
      reason: 'Different subsidiary',
    });
    assert.equal(registration.decisionReason, 'Different subsidiary');
  });

  it('requires a reason to reject, which the partner sees', () => {
    assert.throws(
      () => transitionRegistration(submitted(), 'rejected', { actor: manager, now }),
      (e: unknown) => e instanceof ValidationError && e.problems[0].field === 'reason',
    );
    assert.equal(
      transitionRegistration(submitted(), 'rejected', { actor: manager, now, reason: 'Existing customer' }).registration
        .decisionReason,
      'Existing customer',
    );
  });

  it('expires only at the end of the window, and only by the rules or an admin', () => {
    const approved = transitionRegistration(checked('none'), 'approved', { actor: manager, now, policy }).registration;
    const end = approved.protectionEndsAt!;
    const justBefore = new Date(Date.parse(end) - 1).toISOString();
    assert.throws(
      () => transitionRegistration(approved, 'expired', { actor: rules, now: justBefore }),
      /protection runs until/,
    );
    assert.equal(
      transitionRegistration(approved, 'expired', { actor: rules, now: end }).registration.status,
      'expired',
    );
    assert.throws(() => transitionRegistration(approved, 'expired', { actor: manager, now: end }), NotAllowedError);
  });

  it('converts only inside the window and with the opportunity id', () => {
    const approved = transitionRegistration(checked('none'), 'approved', { actor: manager, now, policy }).registration;
    assert.throws(() => transitionRegistration(approved, 'converted', { actor: salesRep, now }), ValidationError);
    assert.throws(
      () =>
        transitionRegistration(approved, 'converted', {
          actor: salesRep,
          now: approved.protectionEndsAt!,
          opportunityId: '006A',
        }),
      /cannot be converted/,
    );
    const converted = transitionRegistration(approved, 'converted', {
      actor: salesRep,
      now: later(10),
      opportunityId: '006A',
    }).registration;
    assert.equal(converted.opportunityId, '006A');
    assert.equal(converted.attribution, 'sourced');
  });

  it('never lets a random sequence of attempts skip a rule', () => {
    const actors: Actor[] = [
      partnerRep,
      otherPartnerRep,
      manager,
      salesRep,
      rules,
      { kind: 'user', userId: 'u-admin', role: 'channelAdmin' },
    ];
    const attempt = fc.record({
      to: fc.constantFrom(...registrationStatuses),
      actor: fc.constantFrom(...actors),
      days: fc.integer({ min: 0, max: 200 }),
      reason: fc.constantFrom(null, '', 'Because'),
      opportunityId: fc.constantFrom(null, '006X'),
      verdict: fc.constantFrom(null, 'none' as const, 'possible' as const, 'conflict' as const),
    });
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 15 }), (attempts) => {
        let registration = aRegistration();
        const history: RegistrationStatus[] = [registration.status];
        for (const a of attempts) {
          const at = later(a.days);
          if (a.verdict !== null && (registration.status === 'submitted' || registration.status === 'in_review')) {
            registration = recordConflictCheck(
              registration,
              { verdict: a.verdict, score: 0.5, reasons: ['checked'] },
              { actor: rules, now: at },
            ).registration;
          }
          const before = registration;
          try {
            const result = transitionRegistration(before, a.to, {
              actor: a.actor,
              now: at,
              reason: a.reason,
              policy,
              opportunityId: a.opportunityId,
            });
            registration = result.registration;
          } catch (error) {
            assert.ok(
              error instanceof TransitionError || error instanceof NotAllowedError || error instanceof ValidationError,
              String(error),
            );
            continue;
          }
          const rule = registrationTransitions.find((r) => r.to === a.to && r.from.includes(before.status));
          assert.ok(rule, `${before.status} → ${a.to} is in the table`);
          const performer = a.actor.kind === 'system' ? 'system' : a.actor.role;
          assert.ok(rule.by.includes(performer), `${performer} may ${rule.action}`);
          if (a.actor.kind === 'user' && (a.actor.role === 'partnerRep' || a.actor.role === 'partnerAdmin'))
            assert.equal(a.actor.partner, before.partner);
          if (a.to === 'approved') {
            assert.ok(
              before.conflictVerdict === 'none' ||
                (before.conflictVerdict === 'possible' && a.actor.kind === 'user' && a.reason),
            );
            assert.ok(registration.protectionEndsAt && registration.decidedBy);
          }
          if (a.to === 'rejected') assert.ok(registration.decisionReason);
          if (a.to === 'converted')
            assert.ok(registration.opportunityId && Date.parse(at) < Date.parse(before.protectionEndsAt!));
          if (a.to === 'expired') assert.ok(Date.parse(at) >= Date.parse(before.protectionEndsAt!));
          if (a.to === 'submitted') assert.equal(registration.submittedAt, at);
          history.push(registration.status);
        }
        for (let i = 1; i < history.length; i++) assert.ok(nextStatuses(history[i - 1]).includes(history[i]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('who may act on a registration', () => {
  it('is the transition table: the roles of a rule, without the system', () => {
    assert.deepEqual(rolesThatMay('approve'), ['channelAdmin', 'channelManager']);
    assert.deepEqual(rolesThatMay('convert'), ['channelAdmin', 'channelManager', 'salesRep']);
    assert.deepEqual(rolesThatMay('extend'), ['partnerAdmin', 'partnerRep', 'channelAdmin', 'channelManager']);
  });

  it('follows the table when a rule changes who may perform it', () => {
    const onlyAdmins = registrationTransitions.map((rule) =>
      rule.action === 'approve' ? { ...rule, by: ['channelAdmin', 'system'] as const } : rule,
    );
    assert.deepEqual(rolesThatMay('approve', onlyAdmins), ['channelAdmin']);
    assert.deepEqual(rolesThatMay('reject', onlyAdmins), rolesThatMay('reject'));
  });
});
