/**
 * `npm run bench -- webhookLatency [sqlite|postgres]`: how long an event waits from its change's commit
 * to its arrival at a subscriber on loopback, with the server's own dispatcher settings (the figures
 * are in docs/server-performance.md).
 */
import { randomBytes } from 'node:crypto';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { secretBox } from '../../server/src/auth/secrets.ts';
import { startHarness } from '../../server/src/http/__tests__/harness.ts';
import { createRecord } from '../../server/src/store/repository.ts';
import { validInput } from '../../server/src/store/__tests__/fixtures.ts';
import { createSubscription } from '../../server/src/webhooks/subscriptions.ts';
import { forgetSubscriptions } from '../../server/src/webhooks/outbox.ts';
import { startWebhookDispatcher } from '../../server/src/webhooks/delivery.ts';
import { startSubscriber } from '../../server/src/webhooks/__tests__/subscriber.ts';

export async function run(argv: string[]): Promise<void> {
  const dialect = (argv[0] ?? 'sqlite') as 'sqlite' | 'postgres';
  const partner = objectNamed(prmObjects, 'partner');
  const box = secretBox(randomBytes(32));
  const h = await startHarness(dialect);
  const subscriber = await startSubscriber();
  const made = await h.store.transaction((t) =>
    createSubscription(
      t,
      box,
      new Date(),
      { allowPrivate: true },
      { url: subscriber.url, eventTypes: ['partner.created'] },
    ),
  );
  forgetSubscriptions(h.store.db);
  subscriber.setSecret(made.secret);
  const arrivals: number[] = [];
  subscriber.onRequest = () => arrivals.push(performance.now());
  const dispatcher = startWebhookDispatcher(h.store, { secrets: () => box, addresses: { allowPrivate: true } });
  const waits: number[] = [];
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
    await h.store.transaction((t) =>
      createRecord(
        t,
        new Date(),
        h.admin,
        partner,
        validInput(partner, 2000 + i, (x) => h.records.A.get(x)!),
      ),
    );
    const written = performance.now();
    while (arrivals.length <= i) await new Promise((r) => setTimeout(r, 1));
    waits.push(arrivals[i] - written);
  }
  waits.sort((a, b) => a - b);
  const at = (q: number) => waits[Math.floor(q * (waits.length - 1))].toFixed(1);
  console.log(`${dialect}: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms over ${waits.length} events`);
  await dispatcher.stop();
  await subscriber.close();
  await h.close();
}
