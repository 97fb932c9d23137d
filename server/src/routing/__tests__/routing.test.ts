import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAuthors, auditEntries, startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createApiToken, createUser } from '../../auth/identity.ts';
import { startJobRunner } from '../../jobs/queue.ts';
import { jobHandlers as routingJobHandlers } from '../jobs.ts';
import { eventTypeOf } from '../../webhooks/events.ts';

const start = new Date('2026-11-26T10:00:00Z'); // a Thursday, inside business hours (UTC)

interface Reseller {
  id: string;
  name: string;
  token: string;
}

interface Program {
  program: string;
  /** Gold (weight 60), Silver, Silver, all in Germany; then one in France. */
  de: Reseller[];
  fr: Reseller;
}

async function create(h: Harness, path: string, body: Record<string, unknown>) {
  const response = await h.call('channelAdmin', 'POST', path, body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

let users = 0;
async function reseller(h: Harness, program: string, tier: string, name: string, country: string): Promise<Reseller> {
  const partner = await create(h, '/api/partners', { name, program, tier, status: 'active', country });
  const tx = { db: h.store.db, dialect: h.store.dialect };
  users += 1;
  const user = await createUser(tx, start, {
    email: `rep${users}@reseller${users}.example`,
    name: `Rep of ${name}`,
    role: 'partnerRep',
    partnerId: partner.id,
  });
  return { id: partner.id, name, token: (await createApiToken(tx, start, user, 'test')).token };
}

/** A program with an 8-hour SLA and 3 attempts, routing by the lead's country (required). */
async function leadProgram(h: Harness): Promise<Program> {
  const program = await create(h, '/api/programs', {
    name: 'Lead program',
    currency: 'USD',
    leadSlaHours: 8,
    maxOfferAttempts: 3,
  });
  const gold = await create(h, '/api/tiers', {
    name: 'Gold',
    program: program.id,
    rank: 3,
    currency: 'USD',
    leadWeight: 60,
  });
  const silver = await create(h, '/api/tiers', {
    name: 'Silver',
    program: program.id,
    rank: 2,
    currency: 'USD',
    leadWeight: 20,
  });
  const de = [
    await reseller(h, program.id, gold.id, 'Berlin Gold GmbH', 'DE'),
    await reseller(h, program.id, silver.id, 'Hamburg Silver GmbH', 'DE'),
    await reseller(h, program.id, silver.id, 'Munich Silver GmbH', 'DE'),
  ];
  const fr = await reseller(h, program.id, gold.id, 'Paris Or SARL', 'FR');
  await create(h, '/api/routing-rules', {
    name: 'Same country',
    program: program.id,
    sequence: 10,
    condition: 'country',
    operator: 'equals',
    mode: 'required',
  });
  return { program: program.id, de, fr };
}

async function newLead(h: Harness, company: string, country = 'DE'): Promise<string> {
  return (await create(h, '/api/leads', { name: `Contact at ${company}`, company, country })).id;
}

async function route(h: Harness, program: string, lead: string, body: Record<string, unknown> = {}) {
  const response = await h.call('channelManager', 'POST', `/api/leads/${lead}/route`, { program, ...body });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

async function offersOf(h: Harness, lead: string): Promise<any[]> {
  const list = await h.call('channelAdmin', 'GET', `/api/lead-offers?limit=200`);
  return list.body.data
    .filter((offer: { lead: string }) => offer.lead === lead)
    .sort((a: any, b: any) => a.name.localeCompare(b.name));
}

async function openOffer(h: Harness, lead: string): Promise<any> {
  const open = (await offersOf(h, lead)).filter((offer) => offer.status === 'offered');
  assert.equal(open.length, 1, JSON.stringify(open));
  return open[0];
}

/** The outgoing webhook event types the audit entries of these records give, in order (webhooks/events.ts). */
async function eventTypes(h: Harness, recordIds: string[]): Promise<string[]> {
  const rows = await auditEntries(h, recordIds);
  const parsed = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
  return rows.map((row) =>
    eventTypeOf({ object: row.object, action: row.action, before: parsed(row.before), after: parsed(row.after) }),
  );
}

const by = (resellers: Reseller[], id: string) => resellers.find((r) => r.id === id)!;

describe('lead routing over HTTP (sqlite)', () => {
  let h: Harness;
  let p: Program;
  let firstLead: string;
  before(async () => {
    h = await startHarness('sqlite', () => start);
    p = await leadProgram(h);
  });
  after(() => h.close());

  it('offers a new lead to the partner the rules and weights pick, with the explanation', async () => {
    firstLead = await newLead(h, 'Siemens Healthineers');
    const routed = await route(h, p.program, firstLead);
    const [berlin] = p.de;
    assert.equal(routed.decision.outcome, 'offer');
    assert.deepEqual(routed.decision.partners, [{ id: berlin.id, name: berlin.name }]);
    assert.match(routed.decision.explanation[0], /^Rule 10 \(required\).*: 3 of 4 partners match$/);
    assert.ok(
      routed.decision.explanation.some((line: string) =>
        /^Winner Berlin Gold GmbH: highest remaining weight 60 of 100/.test(line),
      ),
    );
    assert.equal(routed.record.routingStatus, 'offered');
    assert.equal(routed.record.assignedPartner, berlin.id, 'the offered partner may read the lead');
    assert.equal(routed.record.offerAttempts, 1);
    assert.equal(routed.record.routedAt, start.toISOString());
    assert.match(routed.record.routingExplanation, /Winner Berlin Gold GmbH/);

    const [offer] = routed.offers;
    assert.equal(offer.partner, berlin.id);
    assert.equal(
      Date.parse(offer.respondBy),
      Date.parse('2026-11-27T10:00:00Z'),
      '8 business hours, Thursday 10:00 to Friday 10:00',
    );
    const jobs = await h.store.db
      .selectFrom('job')
      .select(['kind', 'run_at', 'dedupe_key'])
      .where('kind', '=', 'lead-offer-timeout')
      .execute();
    assert.deepEqual(
      jobs.map((job) => [job.dedupe_key, Date.parse(job.run_at)]),
      [[`lead-offer-timeout:${offer.id}`, Date.parse(offer.respondBy)]],
    );

    const asOffered = await h.callAs(berlin.token, 'GET', `/api/leads/${firstLead}`);
    assert.equal(asOffered.status, 200);
    assert.equal('routingExplanation' in asOffered.body, false, 'the explanation names other partners');
    const ownOffer = await h.callAs(berlin.token, 'GET', `/api/lead-offers/${offer.id}`);
    assert.equal(ownOffer.status, 200);
    assert.match(ownOffer.body.explanation, /Matches rule 10/);
    for (const other of [...p.de.slice(1), p.fr])
      assert.ok(!ownOffer.body.explanation.includes(other.name), 'no other partner in the offer');
    assert.equal(
      (await h.callAs(p.de[1].token, 'GET', `/api/leads/${firstLead}`)).status,
      404,
      'a partner not offered the lead cannot read it',
    );

    const again = await h.call('channelManager', 'POST', `/api/leads/${firstLead}/route`, { program: p.program });
    assert.equal(again.status, 409, 'an offered lead is not routed twice');
  });

  it('keeps other partners away from an offer: 404 to read, accept or decline it', async () => {
    const offer = await openOffer(h, firstLead);
    for (const other of [p.de[1], p.fr]) {
      assert.equal((await h.callAs(other.token, 'GET', `/api/lead-offers/${offer.id}`)).status, 404);
      assert.equal((await h.callAs(other.token, 'POST', `/api/lead-offers/${offer.id}/accept`, {})).status, 404);
      assert.equal(
        (
          await h.callAs(other.token, 'POST', `/api/lead-offers/${offer.id}/decline`, {
            declineReason: 'no_capacity',
          })
        ).status,
        404,
      );
      const list = await h.callAs(other.token, 'GET', '/api/lead-offers?limit=200');
      assert.ok(!list.body.data.some((o: { id: string }) => o.id === offer.id));
    }
    assert.equal((await openOffer(h, firstLead)).id, offer.id, 'nothing changed');
  });

  it('refuses a decline without a valid reason, naming declineReason, and changes nothing', async () => {
    const offer = await openOffer(h, firstLead);
    const token = p.de[0].token;
    for (const body of [{}, { declineReason: 'too_busy' }]) {
      const response = await h.callAs(token, 'POST', `/api/lead-offers/${offer.id}/decline`, body);
      assert.equal(response.status, 422, JSON.stringify(response.body));
      assert.deepEqual(
        response.body.errors.map((e: { field: string }) => e.field),
        ['declineReason'],
      );
    }
    const noNote = await h.callAs(token, 'POST', `/api/lead-offers/${offer.id}/decline`, { declineReason: 'other' });
    assert.equal(noNote.status, 422);
    assert.deepEqual(
      noNote.body.errors.map((e: { field: string }) => e.field),
      ['declineNote'],
    );
    assert.equal((await openOffer(h, firstLead)).id, offer.id);
  });

  it('assigns the lead to the partner that accepts', async () => {
    const offer = await openOffer(h, firstLead);
    const accepted = await h.callAs(p.de[0].token, 'POST', `/api/lead-offers/${offer.id}/accept`, {});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.record.status, 'accepted');
    assert.equal(accepted.body.record.respondedAt, start.toISOString());
    const { record: _accepted, ...extras } = accepted.body;
    assert.deepEqual(extras, { lead: firstLead, routingStatus: 'assigned' });
    const lead = await h.call('channelManager', 'GET', `/api/leads/${firstLead}`);
    assert.equal(lead.body.routingStatus, 'assigned');
    assert.equal(lead.body.assignedPartner, p.de[0].id);
    const twice = await h.callAs(p.de[0].token, 'POST', `/api/lead-offers/${offer.id}/accept`, {});
    assert.equal(twice.status, 409);
    const types = await eventTypes(h, [firstLead, offer.id]);
    for (const type of ['lead.created', 'lead.offered', 'leadOffer.created', 'leadOffer.accepted', 'lead.assigned'])
      assert.ok(types.includes(type), `webhook subscribers hear ${type}: ${types.join(', ')}`);
  });

  let secondLead: string;
  it('moves the weighted shares: the stored state sends the next lead to another partner', async () => {
    const stored = await h.store.db
      .selectFrom('routing_state')
      .select(['state'])
      .where('program_id', '=', p.program)
      .executeTakeFirstOrThrow();
    const state = JSON.parse(stored.state as string);
    assert.equal(state.decisions, 1);
    const openOf = (id: string) => state.open[state.partnerIds.indexOf(id)];
    assert.deepEqual(
      [...p.de, p.fr].map((r) => openOf(r.id)),
      [1, 0, 0, 0],
      'the accepted lead stays on Berlin’s capacity',
    );
    secondLead = await newLead(h, 'Bosch Rexroth');
    const routed = await route(h, p.program, secondLead);
    // Berlin paid its credit for the first lead (60 - 100); the two Silver partners now lead with 40.
    assert.ok([p.de[1].id, p.de[2].id].includes(routed.decision.partners[0].id), JSON.stringify(routed.decision));
    const after = JSON.parse(
      (
        await h.store.db
          .selectFrom('routing_state')
          .select(['state'])
          .where('program_id', '=', p.program)
          .executeTakeFirstOrThrow()
      ).state as string,
    );
    assert.equal(after.decisions, 2);
  });

  it('re-routes a declined lead at once, never back to a decliner, and after 3 attempts to fallback', async () => {
    const decliners: string[] = [];
    const reasons = [
      { declineReason: 'no_capacity' },
      { declineReason: 'other', declineNote: 'Our team is on a retreat.' },
      { declineReason: 'customer_known' },
    ];
    for (const [round, body] of reasons.entries()) {
      const offer = await openOffer(h, secondLead);
      assert.ok(!decliners.includes(offer.partner), `round ${round + 1} goes to a partner that has not declined`);
      assert.equal(offer.attempt, round + 1);
      const decliner = by(p.de, offer.partner);
      const declined = await h.callAs(decliner.token, 'POST', `/api/lead-offers/${offer.id}/decline`, body);
      assert.equal(declined.status, 200, JSON.stringify(declined.body));
      assert.equal(declined.body.record.status, 'declined');
      assert.equal(declined.body.record.declineReason, body.declineReason);
      assert.equal('result' in declined.body, false, 'a partner is not told where the lead went');
      decliners.push(offer.partner);
      assert.equal(
        (await h.callAs(decliner.token, 'GET', `/api/leads/${secondLead}`)).status,
        404,
        'the decliner no longer sees the lead',
      );
      assert.equal(
        (await h.callAs(decliner.token, 'GET', `/api/lead-offers/${offer.id}`)).status,
        200,
        'but still its own offer',
      );
      const lead = (await h.call('channelManager', 'GET', `/api/leads/${secondLead}`)).body;
      if (round < 2) {
        assert.equal(lead.routingStatus, 'offered');
        assert.equal(lead.assignedPartner, (await openOffer(h, secondLead)).partner);
        assert.match(lead.routingExplanation, new RegExp(`Excluded ${decliner.name}: declined this lead`));
      }
    }
    assert.equal(new Set(decliners).size, 3, 'each German partner was offered the lead once');
    const lead = (await h.call('channelManager', 'GET', `/api/leads/${secondLead}`)).body;
    assert.equal(lead.routingStatus, 'fallback');
    assert.equal(lead.assignedPartner, null);
    assert.equal(lead.offerAttempts, 3);
    assert.match(
      lead.routingExplanation,
      /Fallback to direct team queue "direct-sales": 3 offer attempts were declined or expired/,
    );
    assert.equal((await offersOf(h, secondLead)).length, 3);
    const offers = (await offersOf(h, secondLead)).map((offer) => offer.id);
    const types = await eventTypes(h, [secondLead, ...offers]);
    assert.equal(types.filter((type) => type === 'leadOffer.declined').length, 3, types.join(', '));
    assert.equal(types.filter((type) => type === 'lead.rerouted').length, 2, types.join(', '));
    assert.ok(types.includes('lead.fallback'), types.join(', '));
  });

  it('lets a manager see where a declined lead went', async () => {
    const lead = await newLead(h, 'Zeiss Optics');
    await route(h, p.program, lead);
    const offer = await openOffer(h, lead);
    const declined = await h.call('channelManager', 'POST', `/api/lead-offers/${offer.id}/decline`, {
      declineReason: 'not_our_specialisation',
    });
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    assert.equal(declined.body.decision.outcome, 'offer');
    assert.notEqual(declined.body.decision.partners[0].id, offer.partner);
    assert.equal(declined.body.offers.length, 1);
    assert.equal(declined.body.offers[0].partner, declined.body.decision.partners[0].id);
  });

  it('sends a lead no partner may take straight to fallback', async () => {
    const lead = await newLead(h, 'Acme Inc', 'US');
    const routed = await route(h, p.program, lead);
    assert.equal(routed.decision.outcome, 'fallback');
    assert.equal(routed.decision.fallbackReason, 'required_rule_unmatched');
    assert.deepEqual(routed.decision.fallback, { kind: 'direct_queue', queue: 'direct-sales' });
    assert.equal(routed.record.routingStatus, 'fallback');
    assert.equal(routed.record.assignedPartner, null);
    assert.deepEqual(routed.offers, []);
  });

  it('expires an unanswered offer when its SLA timer fires, and re-routes the lead', async () => {
    const lead = await newLead(h, 'Continental AG');
    await route(h, p.program, lead);
    const first = await openOffer(h, lead);
    const early = startJobRunner(h.store, routingJobHandlers, () => new Date(Date.parse(first.respondBy) - 60_000), 0);
    await early.tick();
    assert.equal((await openOffer(h, lead)).id, first.id, 'nothing happens before the deadline');

    const later = new Date(Date.parse(first.respondBy) + 60_000);
    const runner = startJobRunner(h.store, routingJobHandlers, () => later, 0);
    assert.ok((await runner.tick()) >= 1);
    const offers = await offersOf(h, lead);
    const expired = offers.find((offer) => offer.id === first.id);
    assert.equal(expired.status, 'expired');
    assert.equal(Date.parse(expired.respondedAt), Date.parse(first.respondBy));
    const next = await openOffer(h, lead);
    assert.notEqual(next.partner, first.partner, 'never back to the partner that let it expire');
    assert.equal(next.attempt, 2);
    assert.equal(Date.parse(next.offeredAt), later.getTime());
    const record = (await h.call('channelManager', 'GET', `/api/leads/${lead}`)).body;
    assert.equal(record.assignedPartner, next.partner);
    assert.match(record.routingExplanation, /let the offer of this lead expire/);
    const expiredPartner = by(p.de, first.partner);
    assert.equal((await h.callAs(expiredPartner.token, 'GET', `/api/leads/${lead}`)).status, 404);
    assert.equal(
      (await h.callAs(expiredPartner.token, 'POST', `/api/lead-offers/${first.id}/accept`, {})).status,
      409,
      'too late to accept',
    );

    // The timer runs once: a second tick finds nothing due for this offer.
    await runner.tick();
    const audit = await h.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('record_id', '=', first.id)
      .where('action', '=', 'expire')
      .execute();
    assert.equal(audit.length, 1);
  });

  it('audits what the rules do on their own account as the system, naming why', async () => {
    const lead = await newLead(h, 'Bosch Rexroth AG');
    await route(h, p.program, lead);
    const first = await openOffer(h, lead);
    const declined = await h.callAs(by(p.de, first.partner).token, 'POST', `/api/lead-offers/${first.id}/decline`, {
      declineReason: 'no_capacity',
    });
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    const second = await openOffer(h, lead);
    const runner = startJobRunner(h.store, routingJobHandlers, () => new Date(Date.parse(second.respondBy) + 1), 0);
    assert.ok((await runner.tick()) >= 1);
    const named = (id: string) => (id === first.id ? 'first' : 'second');
    assert.deepEqual(
      (await auditAuthors(h, [first.id, second.id])).map(([id, action, who]) => [named(id), action, who]),
      [
        ['first', 'create', 'a channelManager'],
        // A partner may not create another partner's offer: the re-route does, on the program's account
        // (before the action's own record, the declined offer, is written).
        ['second', 'create', 'system:lead-routing'],
        ['first', 'decline', 'a partnerRep'],
        ['second', 'expire', 'system:offer-timeout'],
      ],
    );
  });

  it('offers a round to several partners in claim mode; the first to accept wins', async () => {
    const lead = await newLead(h, 'Claim Mode KG');
    const routed = await route(h, p.program, lead, { offerTo: 2 });
    assert.equal(routed.offers.length, 2);
    assert.equal(routed.record.assignedPartner, null, 'no single partner owns the lead while several hold offers');
    const [winner, loser] = routed.offers;
    const accepted = await h.callAs(by(p.de, winner.partner).token, 'POST', `/api/lead-offers/${winner.id}/accept`, {});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const offers = await offersOf(h, lead);
    assert.equal(offers.find((o) => o.id === loser.id).status, 'withdrawn');
    assert.equal((await h.call('channelManager', 'GET', `/api/leads/${lead}`)).body.assignedPartner, winner.partner);
  });
});

describe('lead routing over HTTP (postgres)', () => {
  let h: Harness;
  let p: Program;
  before(async () => {
    h = await startHarness('postgres', () => start);
    p = await leadProgram(h);
  });
  after(() => h.close());

  it('routes, re-routes a decline to another partner, and assigns on accept', async () => {
    const lead = await newLead(h, 'Daimler Truck');
    const routed = await route(h, p.program, lead);
    assert.equal(routed.decision.partners[0].id, p.de[0].id);
    const first = await openOffer(h, lead);
    const declined = await h.callAs(p.de[0].token, 'POST', `/api/lead-offers/${first.id}/decline`, {
      declineReason: 'not_our_territory',
    });
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    assert.equal((await h.callAs(p.de[0].token, 'GET', `/api/leads/${lead}`)).status, 404);
    const next = await openOffer(h, lead);
    assert.notEqual(next.partner, p.de[0].id);
    assert.equal((await h.callAs(p.de[0].token, 'POST', `/api/lead-offers/${next.id}/accept`, {})).status, 404);
    const accepted = await h.callAs(by(p.de, next.partner).token, 'POST', `/api/lead-offers/${next.id}/accept`, {});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const record = (await h.call('channelManager', 'GET', `/api/leads/${lead}`)).body;
    assert.equal(record.routingStatus, 'assigned');
    assert.equal(record.assignedPartner, next.partner);
  });

  it('expires an offer by its timer and re-routes', async () => {
    const lead = await newLead(h, 'Porsche Digital');
    await route(h, p.program, lead);
    const first = await openOffer(h, lead);
    const runner = startJobRunner(h.store, routingJobHandlers, () => new Date(Date.parse(first.respondBy) + 1000), 0);
    await runner.tick();
    const next = await openOffer(h, lead);
    assert.notEqual(next.partner, first.partner);
    assert.equal((await offersOf(h, lead)).find((o) => o.id === first.id).status, 'expired');
  });

  it('serializes concurrent decisions: 20 leads at once split exactly by weight 60/20/20', async () => {
    // A program of its own, so only the weights decide (nothing held from the tests above).
    const q = await leadProgram(h);
    const leads = await Promise.all(Array.from({ length: 20 }, (_, i) => newLead(h, `Mittelstand ${i} GmbH`)));
    const answers = await Promise.all(
      leads.map((lead) => h.call('channelManager', 'POST', `/api/leads/${lead}/route`, { program: q.program })),
    );
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const counts = new Map<string, number>();
    for (const answer of answers) {
      const partner = answer.body.decision.partners[0].id;
      counts.set(partner, (counts.get(partner) ?? 0) + 1);
    }
    assert.deepEqual(
      q.de.map((r) => counts.get(r.id) ?? 0),
      [12, 4, 4],
    );
    const state = (
      await h.store.db
        .selectFrom('routing_state')
        .select('state')
        .where('program_id', '=', q.program)
        .executeTakeFirstOrThrow()
    ).state as { decisions: number; open: number[]; partnerIds: string[] };
    assert.equal(state.decisions, 20, 'every decision started from the one before');
    assert.deepEqual(
      [...q.de, q.fr].map((r) => state.open[state.partnerIds.indexOf(r.id)]),
      [12, 4, 4, 0],
    );
  });
});
