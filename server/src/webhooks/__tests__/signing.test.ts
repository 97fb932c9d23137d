import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, signDelivery } from '../signing.ts';
import { changedFields, eventTypeOf, landingStatusType, patternsMatch, webhookEvent } from '../events.ts';

describe('Standard Webhooks signatures', () => {
  it('matches the specification’s known vector', () => {
    const headers = signDelivery(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      new Date(1614265330 * 1000),
      '{"test": 2432232314}',
    );
    assert.deepEqual(headers, {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('makes whsec_ secrets of 24 random bytes, never the same twice', () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    assert.match(a, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.notEqual(a, b);
  });

  const secret = newSigningSecret();
  const payload = JSON.stringify({ type: 'dealRegistration.approved', data: { id: 'r1' } });
  const signed = () => signDelivery(secret, 'evt_1', new Date(), payload);

  it('is accepted by a verifier holding the secret', () => {
    assert.deepEqual(new Webhook(secret).verify(payload, { ...signed() }), JSON.parse(payload));
  });

  it('rejects a forged signature, an altered body, another secret and a replayed old timestamp', () => {
    const verifier = new Webhook(secret);
    const good = signed();
    assert.throws(
      () => verifier.verify(payload, { ...good, 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') }),
      /No matching signature/,
    );
    assert.throws(() => verifier.verify(payload.replace('r1', 'r2'), { ...good }), /No matching signature/);
    assert.throws(() => new Webhook(newSigningSecret()).verify(payload, { ...good }), /No matching signature/);
    const old = signDelivery(secret, 'evt_1', new Date(Date.now() - 10 * 60_000), payload);
    assert.throws(() => verifier.verify(payload, { ...old }), /too old/);
    // A replay cannot be refreshed: a new timestamp needs a new signature, which needs the secret.
    const fresh = String(Math.floor(Date.now() / 1000));
    assert.throws(() => verifier.verify(payload, { ...old, 'webhook-timestamp': fresh }), /No matching signature/);
  });
});

describe('event types', () => {
  const entry = (object: string, action: string, before: unknown, after: unknown) => ({
    object,
    action,
    before,
    after,
  });
  it('names a status change after the new status', () => {
    assert.equal(
      eventTypeOf(entry('dealRegistration', 'approve', { status: 'submitted' }, { status: 'approved' })),
      'dealRegistration.approved',
    );
    assert.equal(
      eventTypeOf(entry('dealRegistration', 'expire', { status: 'approved' }, { status: 'expired' })),
      'dealRegistration.expired',
    );
    assert.equal(
      eventTypeOf(entry('leadOffer', 'accept', { status: 'offered' }, { status: 'accepted' })),
      'leadOffer.accepted',
    );
    assert.equal(eventTypeOf(entry('fundClaim', 'pay', { status: 'approved' }, { status: 'paid' })), 'fundClaim.paid');
  });
  it('names every creation created, whatever status it lands in, and also announces a status past the first', () => {
    const registered = entry('dealRegistration', 'register', null, { id: 'r', status: 'approved' });
    assert.equal(eventTypeOf(registered), 'dealRegistration.created');
    assert.equal(landingStatusType(registered), 'dealRegistration.approved');
    assert.equal(landingStatusType(entry('dealRegistration', 'create', null, { id: 'r', status: 'draft' })), null);
    assert.equal(eventTypeOf(entry('partner', 'create', null, { id: 'p', status: 'prospect' })), 'partner.created');
  });
  it('names statuses in lowerCamel, and a lead by its routing status', () => {
    assert.equal(
      eventTypeOf(entry('dealRegistration', 'start-review', { status: 'submitted' }, { status: 'in_review' })),
      'dealRegistration.inReview',
    );
    assert.equal(
      eventTypeOf(entry('lead', 'route', { routingStatus: 'new' }, { routingStatus: 'offered' })),
      'lead.offered',
    );
    assert.equal(
      eventTypeOf(entry('lead', 'reroute', { routingStatus: 'offered' }, { routingStatus: 'offered', attempts: 2 })),
      'lead.rerouted',
    );
    assert.equal(
      eventTypeOf(entry('mdfAllocation', 'pay-claim', { paidAmount: 0 }, { paidAmount: 5 })),
      'mdfAllocation.updated',
    );
  });
  it('names a tier change partner.tierChanged, whatever else changed', () => {
    assert.equal(
      eventTypeOf(entry('partner', 'update', { tier: 'silver', status: 'active' }, { tier: 'gold', status: 'active' })),
      'partner.tierChanged',
    );
  });
  it('falls back to created, updated or deleted, and names notices and outside objects’ actions', () => {
    assert.equal(eventTypeOf(entry('partner', 'create', null, { status: 'prospect' })), 'partner.created');
    assert.equal(eventTypeOf(entry('partner', 'update', { region: 'a' }, { region: 'b' })), 'partner.updated');
    assert.equal(eventTypeOf(entry('partner', 'delete', { id: 'p' }, null)), 'partner.deleted');
    assert.equal(
      eventTypeOf(entry('dealRegistration', 'protection-reminder', null, { days: 14 })),
      'dealRegistration.protectionReminderDue',
    );
    assert.equal(eventTypeOf(entry('partner', 'tier-evaluation', null, { to: 'gold' })), 'partner.tierEvaluated');
    assert.equal(eventTypeOf(entry('user', 'deactivated', { active: true }, { active: false })), 'user.deactivated');
    assert.equal(eventTypeOf(entry('user', 'invited', { id: 'u' }, { id: 'u' })), 'user.invited');
    assert.equal(
      eventTypeOf(entry('webhookSubscription', 'rotate-secret', { id: 's' }, { id: 's' })),
      'webhookSubscription.secretRotated',
    );
  });
  it('lists the changed fields and carries the record (before, on delete)', () => {
    assert.deepEqual(changedFields({ a: 1, b: [1], c: 3 }, { a: 1, b: [2], d: 4 }), ['b', 'c', 'd']);
    const event = webhookEvent({
      object: 'partner',
      recordId: 'p1',
      action: 'delete',
      before: { id: 'p1' },
      after: null,
      at: new Date(0),
    });
    assert.match(event.id, /^evt_[0-9a-f]{32}$/);
    assert.deepEqual(JSON.parse(event.payload), {
      type: 'partner.deleted',
      timestamp: '1970-01-01T00:00:00.000Z',
      data: { object: 'partner', id: 'p1', action: 'delete', record: { id: 'p1' }, changed: ['id'] },
    });
  });
  it('matches *, object.* and exact patterns only', () => {
    assert.ok(patternsMatch(['*'], 'partner.updated'));
    assert.ok(patternsMatch(['partner.*'], 'partner.tierChanged'));
    assert.ok(patternsMatch(['dealRegistration.approved'], 'dealRegistration.approved'));
    assert.ok(!patternsMatch(['partner.*', 'dealRegistration.approved'], 'dealRegistration.expired'));
    assert.ok(!patternsMatch(['partnerContact.*'], 'partner.updated'));
  });
});
