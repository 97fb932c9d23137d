import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAuthors, startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createApiToken, createUser } from '../../auth/identity.ts';
import { startServer } from '../../server.ts';
import { openSqlite } from '../../store/database.ts';
import { runJob } from '../../jobs/queue.ts';
import { jobHandlers } from '../../jobs/handlers.ts';
import type { Role } from '@prm/core/schema/roles';

const registration = (customerName: string, customerDomain: string, amount = 1_500_000) => ({
  customerName,
  customerDomain,
  customerCountry: 'DE',
  opportunityName: `${customerName} firewall refresh`,
  currency: 'USD',
  amount,
  expectedCloseOn: '2027-03-31',
  product: 'Security Suite',
});

/** A program with a Gold tier that approves registrations up to 50,000.00 USD by itself. */
async function goldProgram(h: Harness, protectionDays = 120) {
  const create = async (path: string, body: Record<string, unknown>) => {
    const response = await h.call('channelAdmin', 'POST', path, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  };
  const program = await create('/api/programs', {
    name: 'Deals program',
    currency: 'USD',
    extensionPolicy: 'once',
    extensionDays: 30,
  });
  const gold = await create('/api/tiers', {
    name: 'Gold',
    program: program.id,
    rank: 3,
    currency: 'USD',
    protectionDays,
    autoApproveUpTo: 5_000_000,
    registeredDealUplift: 5,
  });
  return { program, gold };
}

/** Changes a record as a channel admin, at its current version. */
async function update(h: Harness, path: string, changes: Record<string, unknown>) {
  const etag = (await h.call('channelAdmin', 'GET', path)).headers.get('etag')!;
  const response = await h.call('channelAdmin', 'PATCH', path, changes, { 'if-match': etag });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

async function enrol(h: Harness, partnerId: string, program: string, tier: string) {
  await update(h, `/api/partners/${partnerId}`, { program, tier, status: 'active' });
}

/** A partner rep of another partner, with a token, straight in the store. */
async function repOf(h: Harness, partnerId: string, n: number): Promise<string> {
  const tx = { db: h.store.db, dialect: h.store.dialect };
  const user = await createUser(tx, new Date('2026-11-26T10:00:00Z'), {
    email: `rep${n}@partner${n}.example`,
    name: `Rep ${n}`,
    role: 'partnerRep',
    partnerId,
  });
  return (await createApiToken(tx, new Date('2026-11-26T10:00:00Z'), user, 'test')).token;
}

describe('deal registration over HTTP', () => {
  let h: Harness;
  let partnerB: string;
  let tokenB: string;
  before(async () => {
    h = await startHarness();
    const { program, gold } = await goldProgram(h);
    await enrol(h, h.records.A.get('partner')!, program.id, gold.id);
    partnerB = h.records.B.get('partner')!;
    await enrol(h, partnerB, program.id, gold.id);
    tokenB = await repOf(h, partnerB, 2);
  });
  after(() => h.close());

  let approvedId: string;

  it('registers a deal, finds no conflict, and approves it at once within the tier’s limit', async () => {
    const response = await h.call(
      'partnerRep',
      'POST',
      '/api/deal-registrations/register',
      registration('Acme Corporation', 'acme.example'),
    );
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.record.status, 'approved');
    assert.equal(response.body.conflict.verdict, 'none');
    assert.deepEqual(response.body.conflict.autoApproval, { approved: true });
    assert.equal(response.body.record.protectionEndsAt, '2027-03-26T10:00:00.000Z', '120 days of the Gold tier');
    // Answered as a create is: Location, ETag and the whole record as the partner may see it.
    assert.equal(response.headers.get('location'), `/api/deal-registrations/${response.body.record.id}`);
    assert.equal(response.headers.get('etag'), `"${response.body.record.version}"`);
    const read = await h.call('partnerRep', 'GET', `/api/deal-registrations/${response.body.record.id}`);
    assert.deepEqual(response.body.record, read.body);
    approvedId = response.body.record.id;
    const jobs = await h.store.db
      .selectFrom('job')
      .select(['kind', 'run_at'])
      .where('payload', 'like', `%${approvedId}%`)
      .orderBy('run_at')
      .execute();
    // One timer, at the first reminder (14 days before the end); it sets the next one when it runs.
    assert.deepEqual(
      jobs.map((j) => [j.kind, j.run_at]),
      [['registration-protection', '2027-03-12T10:00:00.000Z']],
    );
  });

  it('walks the window with one timer at a time: each reminder once, then the expiry', async () => {
    const response = await h.call(
      'partnerRep',
      'POST',
      '/api/deal-registrations/register',
      registration('Globex Timers AG', 'globex-timers.example'),
    );
    assert.equal(response.body.record.status, 'approved', JSON.stringify(response.body));
    const id = response.body.record.id;
    const pending = () =>
      h.store.db
        .selectFrom('job')
        .select(['id', 'kind', 'run_at', 'payload', 'attempts'])
        .where('payload', 'like', `%${id}%`)
        .where('status', '=', 'pending')
        .execute();
    // Runs this registration's timer as the job runner would (claimed, then run), at its own time.
    const runDue = async () => {
      const [job] = await pending();
      const at = new Date(job.run_at);
      await h.store.db.updateTable('job').set({ status: 'running' }).where('id', '=', job.id).execute();
      const payload = typeof job.payload === 'string' ? JSON.parse(job.payload) : job.payload;
      const claimed = { id: job.id, kind: job.kind, runAt: job.run_at, payload, attempts: Number(job.attempts) };
      assert.equal(await runJob(h.store, jobHandlers, claimed, at), 'done');
      return at.toISOString();
    };
    const ran = [await runDue(), await runDue(), await runDue()];
    assert.deepEqual(ran, ['2027-03-12T10:00:00.000Z', '2027-03-23T10:00:00.000Z', '2027-03-26T10:00:00.000Z']);
    assert.deepEqual(await pending(), [], 'nothing is left once the window has expired');
    const entries = await h.store.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('record_id', '=', id)
      .where('action', 'in', ['protection-reminder', 'expire'])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      entries.map((entry) => {
        const after = typeof entry.after === 'string' ? JSON.parse(entry.after) : entry.after;
        return entry.action === 'expire' ? ['expire', after.status] : ['protection-reminder', after.daysBeforeEnd];
      }),
      [
        ['protection-reminder', 14],
        ['protection-reminder', 3],
        ['expire', 'expired'],
      ],
    );
    assert.deepEqual(
      (await auditAuthors(h, [id])).filter(([, action]) => action === 'protection-reminder' || action === 'expire'),
      [
        [id, 'protection-reminder', 'system:protection-reminder'],
        [id, 'protection-reminder', 'system:protection-reminder'],
        [id, 'expire', 'system:protection-expiry'],
      ],
      'the timers act on the program’s account',
    );
  });

  it('flags a second partner’s registration of the same customer, without telling them whose it is', async () => {
    const response = await h.callAs(
      tokenB,
      'POST',
      '/api/deal-registrations/register',
      registration('ACME Corp.', 'www.acme.example'),
    );
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.record.status, 'submitted');
    assert.equal(response.body.conflict.verdict, 'conflict');
    assert.equal(response.body.conflict.match, null);
    assert.equal(response.body.conflict.score, null);
    assert.ok(!JSON.stringify(response.body).includes(h.records.A.get('partner')!), 'no trace of the other partner');
    const asPartner = await h.callAs(tokenB, 'GET', `/api/deal-registrations/${response.body.record.id}`);
    assert.equal(asPartner.body.conflictVerdict, 'conflict');
    assert.equal('conflictReasons' in asPartner.body, false, 'the reasons name the other registration');
    const asManager = await h.call('channelManager', 'GET', `/api/deal-registrations/${response.body.record.id}`);
    assert.match(asManager.body.conflictReasons, /registration/);

    const approve = await h.call(
      'channelManager',
      'POST',
      `/api/deal-registrations/${response.body.record.id}/approve`,
      {},
    );
    assert.equal(approve.status, 409, 'the first valid registration keeps the customer');
    const reject = await h.call(
      'channelManager',
      'POST',
      `/api/deal-registrations/${response.body.record.id}/reject`,
      {},
    );
    assert.equal(reject.status, 422);
    assert.deepEqual(
      reject.body.errors.map((e: { field: string }) => e.field),
      ['reason'],
    );
    const rejected = await h.call(
      'channelManager',
      'POST',
      `/api/deal-registrations/${response.body.record.id}/reject`,
      {
        reason: 'Acme is registered by another partner.',
      },
    );
    assert.equal(rejected.body.record.status, 'rejected');
  });

  it('reports what a partner must fix, field by field, and keeps nothing', async () => {
    const before = (await h.call('channelAdmin', 'GET', '/api/deal-registrations?limit=200')).body.data.length;
    const response = await h.call('partnerRep', 'POST', '/api/deal-registrations/register', {
      ...registration('Initech', 'initech.example'),
      amount: 12.5,
      customerContactEmail: 'bob@',
      expectedCloseOn: '2027-02-30',
    });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors.map((e: { field: string }) => e.field).sort(), [
      'amount',
      'customerContactEmail',
      'expectedCloseOn',
    ]);
    assert.equal((await h.call('channelAdmin', 'GET', '/api/deal-registrations?limit=200')).body.data.length, before);
  });

  it('extends protection once, as the program allows', async () => {
    const extended = await h.call('partnerRep', 'POST', `/api/deal-registrations/${approvedId}/extend`, {
      days: 30,
      reason: 'Customer board meets in April.',
    });
    assert.equal(extended.status, 200, JSON.stringify(extended.body));
    assert.equal(extended.body.record.protectionEndsAt, '2027-04-25T10:00:00.000Z');
    const again = await h.call('partnerRep', 'POST', `/api/deal-registrations/${approvedId}/extend`, {
      days: 30,
      reason: 'Still waiting.',
    });
    assert.equal(again.status, 409);
  });

  it('converts to an opportunity that carries the partner attribution, and a win inside the window is sourced', async () => {
    const converted = await h.call('salesRep', 'POST', `/api/deal-registrations/${approvedId}/convert`, {});
    assert.equal(converted.status, 200, JSON.stringify(converted.body));
    assert.equal(converted.body.attribution, 'sourced');
    const opportunity = await h.call('salesRep', 'GET', `/api/opportunities/${converted.body.opportunity}`);
    assert.equal(opportunity.body.partner, h.records.A.get('partner'));
    assert.equal(opportunity.body.partnerAttribution, 'sourced');
    assert.equal(opportunity.body.dealRegistration, approvedId);
    const won = await h.call('salesRep', 'POST', `/api/deal-registrations/${approvedId}/win`, {});
    assert.equal(won.body.record.status, 'won');
    assert.equal(won.body.record.attribution, 'sourced');
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`100 partners registering the same customer at once (${dialect})`, () => {
    let h: Harness;
    const tokens: string[] = [];
    before(async () => {
      h = await startHarness(dialect);
      const { program, gold } = await goldProgram(h);
      for (let i = 0; i < 100; i++) {
        const partner = await h.call('channelAdmin', 'POST', '/api/partners', {
          name: `Reseller ${i} Ltd`,
          program: program.id,
          tier: gold.id,
          status: 'active',
        });
        tokens.push(await repOf(h, partner.body.id, 100 + i));
      }
    });
    after(() => h.close());

    it('protects exactly one registration, and flags the other 99 with the reason', async () => {
      const answers = await Promise.all(
        tokens.map((token, i) =>
          h.callAs(
            token,
            'POST',
            '/api/deal-registrations/register',
            registration(i % 2 ? 'Globex Corporation' : 'GLOBEX Corp', 'globex.example'),
          ),
        ),
      );
      for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const approved = answers.filter((a) => a.body.record.status === 'approved');
      assert.equal(approved.length, 1);
      assert.equal(answers.filter((a) => a.body.conflict.verdict === 'conflict').length, 99);
      for (const answer of answers)
        if (answer.body.record.status !== 'approved')
          assert.match(answer.body.conflict.reasons[0], /already registered or reserved/);
      const stored = await h.store.db
        .selectFrom('deal_registration')
        .select(['status'])
        .where('customer_domain', '=', 'globex.example')
        .execute();
      assert.equal(stored.filter((r) => r.status === 'approved').length, 1);
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`a program that wants a certification before registering (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
      const { program, gold } = await goldProgram(h);
      await update(h, `/api/programs/${program.id}`, { registrationRequiresCertification: true });
      for (const side of ['A', 'B'] as const) await enrol(h, h.records[side].get('partner')!, program.id, gold.id);
      await update(h, `/api/certifications/${h.records.A.get('certification')}`, {
        status: 'active',
        expiresOn: '2027-12-31',
      });
      await update(h, `/api/certifications/${h.records.B.get('certification')}`, { status: 'revoked' });
    });
    after(() => h.close());

    it('registers for a partner with a current certification, and refuses one whose only one is revoked', async () => {
      const certified = await h.call(
        'partnerRep',
        'POST',
        '/api/deal-registrations/register',
        registration('Certified Customer GmbH', 'certified-customer.example'),
      );
      assert.equal(certified.status, 201, JSON.stringify(certified.body));
      const refused = await h.call('channelAdmin', 'POST', '/api/deal-registrations/register', {
        ...registration('Uncertified Customer GmbH', 'uncertified-customer.example'),
        partner: h.records.B.get('partner'),
      });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.match(refused.body.detail, /requires at least one person at your company to hold a current certification/);
      const stored = await h.store.db
        .selectFrom('deal_registration')
        .select('id')
        .where('customer_domain', '=', 'uncertified-customer.example')
        .execute();
      assert.deepEqual(stored, [], 'nothing is written');
    });
  });
}

describe('registration expiry survives a restart', () => {
  it('fires once after the server was down when the window ended, and never twice', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'prm-restart-'));
    const file = join(folder, 'prm.sqlite');
    let clock = new Date('2026-11-26T10:00:00Z');
    const now = () => clock;
    const start = () => startServer({ store: openSqlite(file), port: 0, demo: false, now, jobIntervalMs: 0 });
    try {
      let server = await start();
      const tx = { db: server.store.db, dialect: server.store.dialect };
      const admin = await createUser(tx, clock, {
        email: 'admin@restart.example',
        name: 'Admin',
        role: 'channelAdmin',
      });
      const adminToken = (await createApiToken(tx, clock, admin, 'test')).token;
      const call = async (
        token: string,
        method: string,
        path: string,
        body?: unknown,
      ): Promise<{ status: number; body: any }> => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: await response.json() };
      };
      const program = await call(adminToken, 'POST', '/api/programs', { name: 'Short windows', currency: 'USD' });
      const tier = await call(adminToken, 'POST', '/api/tiers', {
        name: 'Trial',
        program: program.body.id,
        rank: 1,
        currency: 'USD',
        protectionDays: 2,
        autoApproveUpTo: 5_000_000,
      });
      const partner = await call(adminToken, 'POST', '/api/partners', {
        name: 'Quick Partner GmbH',
        program: program.body.id,
        tier: tier.body.id,
        status: 'active',
      });
      const role: Role = 'partnerRep';
      const rep = await createUser(tx, clock, {
        email: 'rep@quick.example',
        name: 'Rep',
        role,
        partnerId: partner.body.id,
      });
      const repToken = (await createApiToken(tx, clock, rep, 'test')).token;
      const registered = await call(
        repToken,
        'POST',
        '/api/deal-registrations/register',
        registration('Hooli', 'hooli.example'),
      );
      assert.equal(registered.body.record.status, 'approved');
      assert.equal(await server.jobs.tick(), 2, 'the daily jobs; the registration timers are not due yet');
      await server.stop();

      clock = new Date('2026-11-29T10:00:00Z'); // the window ended while the server was down
      server = await start();
      const ran = await server.jobs.tick();
      assert.ok(ran >= 2, `ran ${ran}`);
      const expired = await call(adminToken, 'GET', `/api/deal-registrations/${registered.body.record.id}`);
      assert.equal(expired.body.status, 'expired');
      await server.stop();

      server = await start();
      await server.jobs.tick();
      const audit = await server.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('record_id', '=', registered.body.record.id)
        .where('action', '=', 'expire')
        .execute();
      assert.equal(audit.length, 1, 'expired exactly once');
      await server.stop();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
