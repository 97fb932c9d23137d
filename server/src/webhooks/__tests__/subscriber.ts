/**
 * A real webhook subscriber on loopback for tests: verifies every delivery with the standardwebhooks
 * library, de-duplicates by webhook-id as the documentation tells subscribers to, and can be told to
 * answer 503 or 410, to answer slowly, or to be down altogether.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { secretBox } from '../../auth/secrets.ts';
import type { Store } from '../../store/database.ts';
import { createSubscription } from '../subscriptions.ts';
import { forgetSubscriptions } from '../outbox.ts';

export type Mode = 'ok' | 'unavailable' | 'gone';

export interface Received {
  id: string;
  type: string;
  recordId: string;
  body: string;
}

export interface Subscriber {
  url: string;
  port: number;
  /** Every request that reached it, verified or not, in arrival order. */
  requests: { headers: Record<string, string>; body: string }[];
  /** Deliveries processed once each, in the order processed. */
  processed: Received[];
  /** Ids delivered again after they were processed (ignored, as a subscriber should). */
  duplicates: string[];
  rejected: string[];
  mode: Mode;
  delayMs: number;
  /** Called as each request arrives, before it is answered. */
  onRequest?: (count: number) => void;
  setSecret(secret: string): void;
  close(): Promise<void>;
  /** Listens again on the same port (after close). */
  reopen(): Promise<void>;
}

export async function startSubscriber(port = 0): Promise<Subscriber> {
  let verifier: Webhook | null = null;
  const seen = new Set<string>();
  let server: Server;
  const subscriber: Subscriber = {
    url: '',
    port: 0,
    requests: [],
    processed: [],
    duplicates: [],
    rejected: [],
    mode: 'ok',
    delayMs: 0,
    setSecret(secret) {
      verifier = new Webhook(secret);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    reopen: () => listen(subscriber.port),
  };
  const handle = async (headers: Record<string, string>, body: string): Promise<number> => {
    subscriber.requests.push({ headers, body });
    subscriber.onRequest?.(subscriber.requests.length);
    if (subscriber.delayMs) await new Promise((resolve) => setTimeout(resolve, subscriber.delayMs));
    if (subscriber.mode === 'unavailable') return 503;
    if (subscriber.mode === 'gone') return 410;
    try {
      verifier!.verify(body, headers);
    } catch {
      subscriber.rejected.push(headers['webhook-id']);
      return 400;
    }
    const id = headers['webhook-id'];
    if (seen.has(id)) {
      subscriber.duplicates.push(id);
      return 200;
    }
    seen.add(id);
    const event = JSON.parse(body);
    subscriber.processed.push({ id, type: event.type, recordId: event.data.id, body });
    return 200;
  };
  const listen = (at: number) =>
    new Promise<void>((resolve) => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk) => chunks.push(chunk));
        request.on('end', () => {
          void handle(request.headers as Record<string, string>, Buffer.concat(chunks).toString('utf8')).then(
            (status) => response.writeHead(status).end(),
          );
        });
      });
      server.listen(at, '127.0.0.1', () => {
        subscriber.port = (server.address() as AddressInfo).port;
        subscriber.url = `http://127.0.0.1:${subscriber.port}/hooks`;
        resolve();
      });
    });
  await listen(port);
  return subscriber;
}

/**
 * Subscribes an address where nobody listens to these event types, so the outbox writes their events
 * and pending deliveries (for tests that read the outbox, with no dispatcher running).
 */
export async function subscribeNowhere(store: Store, eventTypes: string[]): Promise<void> {
  await store.transaction((t) =>
    createSubscription(
      t,
      secretBox(randomBytes(32)),
      new Date(),
      { allowPrivate: true },
      {
        url: 'http://127.0.0.1:9/',
        eventTypes,
      },
    ),
  );
  forgetSubscriptions(store.db);
}
