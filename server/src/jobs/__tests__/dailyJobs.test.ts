import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { claimDueJobs, runJob, scheduleJob } from '../queue.ts';
import { nextDailyRun } from '../daily.ts';
import { jobHandlers as tierJobHandlers } from '../../tiers/jobs.ts';
import { jobHandlers as enablementJobHandlers } from '../../enablement/jobs.ts';

const programJobHandlers = { ...tierJobHandlers, ...enablementJobHandlers };

const start = new Date('2026-11-26T10:00:00.000Z');

describe('program jobs: daily tier evaluation and certification reminders', () => {
  let h: Harness;
  let clock = start;
  const tier: Record<string, string> = {};
  let falling: string;

  const create = async (path: string, body: Record<string, unknown>) => {
    const response = await h.call('channelAdmin', 'POST', path, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as Record<string, any>;
  };
  const tx = () => ({ db: h.store.db, dialect: h.store.dialect });
  /** Claims and runs everything due at the clock, as the runner would. */
  const runDue = async () => {
    const outcomes: Array<[string, string]> = [];
    for (const job of await claimDueJobs(h.store, clock))
      outcomes.push([job.kind, await runJob(h.store, programJobHandlers, job, clock)]);
    return outcomes;
  };
  const auditOf = async (recordId: string) =>
    (await h.call('channelAdmin', 'GET', `/api/audit-log?recordId=${recordId}`)).body.data as Array<
      Record<string, any>
    >;
  const pending = (kind: string) =>
    h.store.db
      .selectFrom('job')
      .select(['run_at', 'dedupe_key'])
      .where('kind', '=', kind)
      .where('status', '=', 'pending')
      .execute();

  before(async () => {
    h = await startHarness('sqlite', () => clock);
    const program = h.records.A.get('program')!;
    const generic = `/api/tiers/${h.records.A.get('tier')}`;
    const etag = (await h.call('channelAdmin', 'GET', generic)).headers.get('etag')!;
    await h.call('channelAdmin', 'DELETE', generic, undefined, { 'if-match': etag });
    tier.registered = (await create('/api/tiers', { name: 'Registered', program, rank: 1 })).id;
    tier.gold = (await create('/api/tiers', { name: 'Gold', program, rank: 2, minWonDeals: 1 })).id;
    falling = (await create('/api/partners', { name: 'Falling Ltd', status: 'active', tier: tier.gold })).id;
  });
  after(() => h.close());

  it('reminds once per threshold crossed, and never twice for the same one', async () => {
    const partner = h.records.A.get('partner')!;
    const partnerContact = h.records.A.get('partnerContact')!;
    const certification = (expiresOn: string, renewalReminderSentAt: string | null = null) =>
      create('/api/certifications', {
        name: 'Cloud Architect',
        partner,
        partnerContact,
        earnedOn: '2024-12-20',
        expiresOn,
        status: 'active',
        renewalReminderSentAt,
      });
    const due = await certification('2026-12-20');
    const far = await certification('2027-06-01');
    const alreadyReminded = await certification('2026-12-20', '2026-11-25T08:00:00.000Z');

    await scheduleJob(tx(), clock, { kind: 'certification-reminder', runAt: clock, payload: {} });
    assert.deepEqual(await runDue(), [['certification-reminder', 'done']]);
    const read = async (id: string) => (await h.call('channelAdmin', 'GET', `/api/certifications/${id}`)).body;
    assert.equal((await read(due.id)).renewalReminderSentAt, clock.toISOString());
    assert.equal((await read(far.id)).renewalReminderSentAt, null);
    assert.equal((await read(alreadyReminded.id)).renewalReminderSentAt, '2026-11-25T08:00:00.000Z');

    // The next run is tomorrow, once, however often it is scheduled.
    const next = await pending('certification-reminder');
    assert.deepEqual(
      next.map((job) => new Date(job.run_at).toISOString()),
      ['2026-11-27T10:00:00.000Z'],
    );
    await scheduleJob(tx(), clock, {
      kind: 'certification-reminder',
      runAt: new Date('2026-11-27T10:00:00.000Z'),
      payload: {},
      dedupeKey: next[0].dedupe_key!,
    });
    assert.equal((await pending('certification-reminder')).length, 1);

    await scheduleJob(tx(), clock, { kind: 'certification-reminder', runAt: clock, payload: {} });
    await runDue();
    const reminders = (await auditOf(due.id)).filter((entry) => entry.action === 'renewal-reminder');
    assert.equal(reminders.length, 1, 'a second run the same day sends nothing');
    assert.deepEqual([reminders[0].actorRole, reminders[0].actorId], ['system', 'system:certification-reminder']);
  });

  it('keeps proposals in the audit log and downgrades only after the grace period', async () => {
    // A partner on another program's tier cannot be evaluated; that must not stop the others.
    const retired = (await create('/api/programs', { name: 'Retired program', active: false })).id;
    const retiredTier = (await create('/api/tiers', { name: 'Legacy', program: retired, rank: 1 })).id;
    const orphan = (await create('/api/partners', { name: 'Orphan Oy', status: 'active', tier: retiredTier })).id;

    await scheduleJob(tx(), clock, { kind: 'tier-evaluation', runAt: clock, payload: {} });
    assert.deepEqual(await runDue(), [['tier-evaluation', 'done']]);
    const first = (await auditOf(falling)).find((entry) => entry.action === 'tier-evaluation')!;
    assert.deepEqual([first.actorRole, first.actorId], ['system', 'system:tier-evaluation']);
    assert.equal(first.after.action, 'keep');
    assert.equal(first.after.belowCriteriaSince, clock.toISOString());
    assert.equal(first.after.measured.wonDeals, 0);
    const failed = (await auditOf(orphan)).find((entry) => entry.action === 'tier-evaluation-failed')!;
    assert.equal(failed.after.problems[0].field, 'tier');
    assert.equal(
      (await h.call('channelAdmin', 'GET', `/api/partners/${falling}`)).body.tier,
      tier.gold,
      'proposals change nothing',
    );

    // 91 days later the runner catches up: one run, and the grace that started on day one has ended.
    clock = new Date('2027-02-25T10:00:00.000Z');
    const outcomes = await runDue();
    assert.deepEqual(
      outcomes.filter(([kind]) => kind === 'tier-evaluation'),
      [['tier-evaluation', 'done']],
    );
    const latest = (await auditOf(falling)).find((entry) => entry.action === 'tier-evaluation')!;
    assert.equal(latest.after.action, 'downgrade');
    assert.equal(latest.after.to, tier.registered);
    assert.equal(latest.after.belowCriteriaSince, start.toISOString(), 'grace counted from the first shortfall');
    assert.deepEqual(
      (await pending('tier-evaluation')).map((job) => new Date(job.run_at).toISOString()),
      ['2027-02-26T10:00:00.000Z'],
    );

    const applied = await h.call('channelManager', 'POST', `/api/partners/${falling}/change-tier`, {
      verdict: 'approve',
      to: tier.registered,
    });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.record.tier, tier.registered);
    assert.equal(applied.body.record.tierSince, '2027-02-25');
  });

  it('schedules the next daily run after the last due day, never in the past', () => {
    const at = new Date('2026-11-30T12:00:00.000Z');
    assert.equal(nextDailyRun({ runAt: '2026-11-30T10:00:00.000Z' }, at).toISOString(), '2026-12-01T10:00:00.000Z');
    assert.equal(nextDailyRun({ runAt: '2026-11-20T10:00:00.000Z' }, at).toISOString(), '2026-12-01T10:00:00.000Z');
  });
});
