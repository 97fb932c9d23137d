import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  certificationGate,
  decideAutoApproval,
  decideExtension,
  expiryDue,
  isProtected,
  registrationPolicy,
  remindersDue,
} from '../policy.ts';
import { extendProtection } from '../lifecycle.ts';
import { TransitionError, ValidationError } from '../../errors.ts';
import { aRegistration, goldTier, manager, now, partnerRep, policy, program } from './data/registrations.ts';

const at = (iso: string, deltaMs: number) => new Date(Date.parse(iso) + deltaMs).toISOString();
const day = 86_400_000;
const ends = '2027-02-24T09:00:00.000Z';
const approved = aRegistration({
  status: 'approved',
  submittedAt: now,
  decidedAt: now,
  protectionEndsAt: ends,
  extensionsUsed: 0,
  conflictVerdict: 'none',
});

describe('registration policy', () => {
  it('takes the tier protection window over the program, and 90 days when neither says', () => {
    assert.equal(registrationPolicy(program, goldTier).protectionDays, 120);
    assert.equal(registrationPolicy(program, { ...goldTier, protectionDays: null }).protectionDays, 90);
    assert.equal(registrationPolicy({ ...program, protectionDays: null }, null).protectionDays, 90);
    assert.equal(registrationPolicy(program, goldTier).marginUpliftPercent, 5);
  });

  it('protects up to, but not at, the end of the window', () => {
    assert.equal(isProtected(approved, at(ends, -1)), true);
    assert.equal(isProtected(approved, ends), false);
    assert.equal(expiryDue(approved, policy, at(ends, -1)).due, false);
    assert.equal(expiryDue(approved, policy, ends).due, true);
  });

  it('leaves expiry to a manager when the program does not expire automatically', () => {
    const manual = registrationPolicy(program, goldTier, { autoExpire: false });
    const decision = expiryDue(approved, manual, at(ends, day));
    assert.equal(decision.due, false);
    assert.match(decision.reason, /a manager decides/);
  });

  it('sends the most urgent reminder that is due and not yet sent', () => {
    assert.deepEqual(remindersDue(approved, policy, at(ends, -15 * day), []), []);
    assert.deepEqual(
      remindersDue(approved, policy, at(ends, -14 * day), []).map((r) => r.daysBeforeEnd),
      [14],
    );
    assert.deepEqual(remindersDue(approved, policy, at(ends, -14 * day), [14]), []);
    assert.deepEqual(
      remindersDue(approved, policy, at(ends, -2 * day), [14]).map((r) => r.daysBeforeEnd),
      [3],
    );
    assert.deepEqual(remindersDue(approved, policy, ends, []), [], 'no reminder once protection has ended');
  });

  it('grants one extension of up to the program days when the policy is "once", up to the last millisecond', () => {
    const granted = decideExtension(approved, policy, 30, at(ends, -1));
    assert.equal(granted.granted, true);
    assert.equal(granted.protectionEndsAt, at(ends, 30 * day));
    assert.equal(decideExtension(approved, policy, 31, now).granted, false);
    assert.equal(decideExtension(approved, policy, 10, ends).granted, false, 'too late at the end of the window');
    assert.match(decideExtension({ ...approved, extensionsUsed: 1 }, policy, 10, now).reasons[0], /one extension/);
  });

  it('allows repeated extensions under "unlimited" until the total cap', () => {
    const unlimited = registrationPolicy({ ...program, extensionPolicy: 'unlimited' }, goldTier, {
      maxTotalExtensionDays: 60,
    });
    assert.equal(decideExtension({ ...approved, extensionsUsed: 1 }, unlimited, 30, now).granted, true);
    const refused = decideExtension({ ...approved, extensionsUsed: 2 }, unlimited, 1, now);
    assert.equal(refused.granted, false);
    assert.match(refused.reasons[0], /at most 60 days/);
    assert.equal(
      decideExtension(approved, registrationPolicy({ ...program, extensionPolicy: 'none' }, goldTier), 1, now).granted,
      false,
    );
  });

  it('extends through the lifecycle with a reason, and counts the extension', () => {
    const { registration } = extendProtection(approved, 30, {
      actor: partnerRep,
      now,
      reason: 'Customer board meets in March',
      policy,
    });
    assert.equal(registration.protectionEndsAt, at(ends, 30 * day));
    assert.equal(registration.extensionsUsed, 1);
    assert.equal(registration.status, 'approved', 'an extension is not a transition');
    assert.throws(
      () => extendProtection(registration, 10, { actor: manager, now, reason: 'Again', policy }),
      TransitionError,
    );
    assert.throws(() => extendProtection(approved, 10, { actor: partnerRep, now, policy }), ValidationError);
  });

  it('gates registration on a current certification only where the program says so', () => {
    const gated = registrationPolicy({ ...program, registrationRequiresCertification: true }, goldTier);
    assert.equal(certificationGate(policy, 'partner-a', [], now), null);
    assert.match(certificationGate(gated, 'partner-a', [], now) ?? '', /current certification/);
    assert.notEqual(
      certificationGate(gated, 'partner-a', [{ partner: 'partner-a', status: 'active', expiresOn: '2026-11-25' }], now),
      null,
      'expired yesterday',
    );
    assert.equal(
      certificationGate(gated, 'partner-a', [{ partner: 'partner-a', status: 'active', expiresOn: '2026-11-26' }], now),
      null,
      'valid through its last day',
    );
    assert.notEqual(
      certificationGate(gated, 'partner-a', [{ partner: 'partner-b', status: 'active', expiresOn: null }], now),
      null,
      "another partner's certification",
    );
  });

  it('auto-approves only a clean registration within tier, amount, product and certification rules, and says why', () => {
    const strict = registrationPolicy(program, goldTier, {
      autoApproveMinTierRank: 2,
      autoApproveProducts: ['Analytics Cloud'],
      autoApproveRequiresCertification: true,
    });
    const certifications = [{ partner: 'partner-a', status: 'active' as const, expiresOn: null }];
    const clean = aRegistration({ conflictVerdict: 'none', amount: 5_000_000 });
    assert.equal(decideAutoApproval(clean, strict, { tierRank: 3, certifications, now }).approve, true);
    const cases: Array<[Parameters<typeof decideAutoApproval>[0], number, typeof certifications, RegExp]> = [
      [{ ...clean, amount: 5_000_001 }, 3, certifications, /above the automatic approval limit/],
      [{ ...clean, currency: 'USD' }, 3, certifications, /limit is in EUR/],
      [{ ...clean, product: 'Hardware' }, 3, certifications, /not among those approved automatically/],
      [clean, 1, certifications, /tier rank 2 or above/],
      [clean, 3, [], /current certification/],
      [{ ...clean, conflictVerdict: 'possible' }, 3, certifications, /possible conflict/],
      [{ ...clean, conflictVerdict: null }, 3, certifications, /has not run/],
    ];
    for (const [registration, tierRank, certs, why] of cases) {
      const decision = decideAutoApproval(registration, strict, { tierRank, certifications: certs, now });
      assert.equal(decision.approve, false);
      assert.match(decision.reasons[0], why);
    }
    assert.equal(
      decideAutoApproval(clean, registrationPolicy(program, { ...goldTier, autoApproveUpTo: null }), {
        tierRank: 3,
        certifications,
        now,
      }).approve,
      false,
    );
  });
});
