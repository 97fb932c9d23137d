/**
 * Starting the PRM server: open the store, apply migrations, load the demo program into an empty
 * embedded store, serve HTTP and run the durable jobs.
 */
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from './store/database.ts';
import { migrate } from './store/migrate.ts';
import { registerBusinessHooks } from './businessHooks.ts';
import { buildApp } from './http/app.ts';
import { existingDemoLogins, seedDemo } from './demo/seed.ts';
import { scheduleJob, startJobRunner, type JobRunner, type JobHandler } from './jobs/queue.ts';
import { jobHandlers } from './jobs/handlers.ts';
import { serverSecretBox, type SecretBox } from './auth/secrets.ts';
import { dispatcherSettingsFromEnv, startWebhookDispatcher } from './webhooks/delivery.ts';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  jobs: JobRunner;
  url: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  host?: string;
  store?: Store;
  /** Load the demo program when the store is empty (default: yes for the embedded store). */
  demo?: boolean;
  now?: () => Date;
  handlers?: Record<string, JobHandler>;
  jobIntervalMs?: number;
  log?: (line: string) => void;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  registerBusinessHooks();
  const store = options.store ?? openStore();
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const applied = await migrate(store);
  if (store.dialect === 'postgres' && !process.env.PRM_ENCRYPTION_KEY)
    log(
      'PRM_ENCRYPTION_KEY is not set: webhook subscriptions and intake senders cannot be created until it is (e.g. `openssl rand -base64 32`).',
    );
  if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
  const tx = { db: store.db, dialect: store.dialect };
  let logins = await existingDemoLogins(tx);
  const empty = !(await store.db.selectFrom('app_user').select('id').limit(1).executeTakeFirst());
  if (empty && (options.demo ?? store.dialect === 'sqlite')) {
    const summary = await store.db.transaction().execute((trx) => seedDemo({ db: trx, dialect: store.dialect }, now()));
    log(
      `Loaded the demo program: ${Object.entries(summary.counts)
        .map(([name, count]) => `${count} ${name}`)
        .join(', ')}.`,
    );
    logins = summary.logins;
  }
  const host = options.host ?? '127.0.0.1';
  // Plain HTTP is only for a server that listens on loopback; anywhere else it runs behind TLS and the
  // session cookie must be Secure.
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const secureCookies = !loopback && process.env.PRM_INSECURE_COOKIES !== '1';
  const app = await buildApp({ store, now, demoLogins: logins ?? [], secureCookies });
  await app.listen({ port: options.port ?? 3000, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  // The daily jobs chain themselves; this starts the chain once per day whatever the restarts.
  for (const kind of ['tier-evaluation', 'certification-reminder']) {
    const today = now().toISOString().slice(0, 10);
    await scheduleJob(tx, now(), { kind, runAt: now(), payload: {}, dedupeKey: `${kind}:${today}` });
  }
  const jobs = startJobRunner(store, options.handlers ?? jobHandlers, now, options.jobIntervalMs ?? 1000);
  let webhookSecrets: SecretBox | undefined;
  const webhooks = startWebhookDispatcher(store, {
    ...dispatcherSettingsFromEnv(),
    secrets: () => (webhookSecrets ??= serverSecretBox(store)),
    now,
    intervalMs: options.jobIntervalMs ?? 1000,
  });
  return {
    app,
    store,
    jobs,
    url,
    async stop() {
      await jobs.stop();
      await webhooks.stop();
      await app.close();
      await store.close();
    },
  };
}
