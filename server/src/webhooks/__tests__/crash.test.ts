/**
 * kill -9 in the middle of a delivery: the real server (server/src/main.ts) on an embedded store in a
 * temporary folder, a slow de-duplicating subscriber, SIGKILL while a delivery is in flight, restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken, createUser } from '../../auth/identity.ts';
import { openSqlite } from '../../store/database.ts';
import { migrate } from '../../store/migrate.ts';
import { startSubscriber, type Subscriber } from './subscriber.ts';
import { freePort, startServerProcess as startChild } from '../../serverProcess.ts';

const exited = (child: ChildProcess) =>
  new Promise<void>((done) =>
    child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done()),
  );

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook delivery across kill -9', () => {
  let folder: string;
  let subscriber: Subscriber;
  let child: ChildProcess | null = null;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'prm-webhooks-'));
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await subscriber?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('loses nothing and processes nothing twice when the server is killed mid-delivery and restarted', async () => {
    const dataFile = join(folder, 'prm.sqlite');
    const setup = openSqlite(dataFile);
    await migrate(setup);
    const tx = { db: setup.db, dialect: setup.dialect };
    const admin = await createUser(tx, new Date(), {
      email: 'admin@vendor.example',
      name: 'Ada Admin',
      role: 'channelAdmin',
      password: 'admin password 1',
    });
    const { token } = await createApiToken(tx, new Date(), admin, 'crash test');
    await setup.close();

    subscriber = await startSubscriber();
    subscriber.delayMs = 150;
    // The lease is 2 × the timeout + 1 s: 3 s here, so the restarted server retries soon.
    // DATABASE_URL is emptied: CI sets it for the PostgreSQL suites, and it would win over the file.
    const env = {
      DATABASE_URL: '',
      PRM_DATA_FILE: dataFile,
      PRM_WEBHOOKS_ALLOW_PRIVATE: '1',
      PRM_WEBHOOKS_TIMEOUT_SECONDS: '1',
    };
    const port = await freePort();
    child = await startChild(env, port);
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const made = await api('POST', '/api/webhooks/subscriptions', { url: subscriber.url, eventTypes: ['program.*'] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    subscriber.setSecret(made.body.secret);
    let killedAt = '';
    const first = child;
    subscriber.onRequest = (count) => {
      if (count === 5) {
        killedAt = subscriber.requests[4].headers['webhook-id'];
        first.kill('SIGKILL');
      }
    };
    for (let n = 1; n <= 12; n++) {
      const program = await api('POST', '/api/programs', { name: `Program ${n}`, currency: 'USD' });
      assert.equal(program.status, 201, JSON.stringify(program.body));
    }
    await exited(first);
    assert.equal(first.signalCode, 'SIGKILL');
    assert.ok(subscriber.processed.length < 12, 'killed before everything was delivered');

    child = await startChild(env, port);
    await until(() => subscriber.processed.length === 12, 15_000, 'every event after the restart');
    const log = await api('GET', `/api/webhooks/subscriptions/${made.body.id}/deliveries`);
    const entries = (log.body.data as { eventId: string; status: string; eventType: string }[]).reverse();
    assert.equal(entries.length, 12);
    assert.ok(entries.every((entry) => entry.status === 'delivered' && entry.eventType === 'program.created'));
    assert.deepEqual(
      subscriber.processed.map((p) => p.id),
      entries.map((entry) => entry.eventId),
      'every event processed exactly once, in the order written',
    );
    assert.deepEqual(subscriber.duplicates, [killedAt], 'only the delivery in flight at the kill came again, same id');
    assert.deepEqual(subscriber.rejected, []);
    child.kill('SIGTERM');
    await exited(child);
  });
});
