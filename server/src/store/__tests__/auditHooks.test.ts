/**
 * The store audits every change knowing no business; the concepts' hooks (registerBusinessHooks) still
 * act in the change's transaction: the webhook outbox for every object, the deals' known-customers lock for
 * the records the conflict check reads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { subscribeNowhere } from '../../webhooks/__tests__/subscriber.ts';
import { audit, findRecord } from '../repository.ts';
import type { Tx } from '../groupCommit.ts';

/** Whether this transaction holds the deals' known-customers lock (PostgreSQL's advisory lock 727001). */
async function holdsCustomerLock(t: Tx): Promise<boolean> {
  if (t.dialect !== 'postgres') return false; // the embedded store serializes every write already
  const held = await sql<{ held: number }>`
    select count(*)::int as held from pg_locks
    where locktype = 'advisory' and objid = 727001 and pid = pg_backend_pid()`.execute(t.db);
  return held.rows[0]!.held > 0;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`the concepts' audit hooks (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
      await subscribeNowhere(h.store, ['dealRegistration.*', 'partner.*']);
    });
    after(() => h.close());

    /** Audits an update of the A side's record; what the transaction held, and the outbox after it. */
    const auditUpdate = async (objectName: string) => {
      const object = objectNamed(prmObjects, objectName);
      const id = h.records.A.get(objectName)!;
      const locked = await h.store.transaction(async (t) => {
        const record = (await findRecord(t, object, id))!;
        await audit(t, new Date(), h.admin, object, id, 'update', record, { ...record, version: record.version + 1 });
        return holdsCustomerLock(t);
      });
      const outbox = await h.store.db
        .selectFrom('webhook_delivery')
        .innerJoin('webhook_event', 'webhook_event.id', 'webhook_delivery.event_id')
        .select(['webhook_event.type', 'webhook_delivery.status'])
        .where('webhook_event.record_id', '=', id)
        .execute();
      return { locked, outbox };
    };

    it('an audited registration change takes the known-customers lock and writes its webhook event', async () => {
      const { locked, outbox } = await auditUpdate('dealRegistration');
      assert.equal(locked, dialect === 'postgres', 'the change holds the known-customers lock');
      assert.deepEqual(outbox, [{ type: 'dealRegistration.updated', status: 'pending' }]);
    });

    it('a partner change writes its event without the known-customers lock', async () => {
      const { locked, outbox } = await auditUpdate('partner');
      assert.equal(locked, false, 'only the conflict check’s records are serialized');
      assert.deepEqual(outbox, [{ type: 'partner.updated', status: 'pending' }]);
    });
  });
}

describe('a store written without the business hooks', () => {
  it('refuses to audit, naming what to call, instead of losing the webhook events', () => {
    // A process of its own: this one registered the hooks when it opened its test stores.
    const module = (file: string) => JSON.stringify(join(import.meta.dirname, '..', file));
    const script = `
      import { openSqlite } from ${module('database.ts')};
      import { migrate } from ${module('migrate.ts')};
      import { auditChange } from ${module('repository.ts')};
      const store = openSqlite(':memory:');
      await migrate(store);
      try {
        await store.transaction((t) => auditChange(t, new Date(), null, 'partner', 'p1', 'update', null, null));
        console.log('audited');
      } catch (error) {
        console.log(error.message);
      }
      const entries = await store.db.selectFrom('audit_log').select('id').execute();
      console.log('entries: ' + entries.length);
      await store.close();
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /No audit hooks are registered: call registerBusinessHooks\(\)/);
    assert.match(run.stdout, /entries: 0/);
  });
});
