/**
 * What every route group gets from the app (app.ts): the store, the clock, the server's secrets, the
 * signed-in actor, and transactions. The integration doors (webhooks, intake, single sign-on, SCIM,
 * import and export, xAPI) register their own routes with it, as the app's own groups do.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/policy.ts';
import type { SecretBox } from '../auth/secrets.ts';
import type { Store } from '../store/database.ts';
import type { Tx } from '../store/repository.ts';

export interface Doors {
  store: Store;
  /** Reads, and single statements, outside any transaction. */
  read: Tx;
  now: () => Date;
  /** The server's secret box, made when first asked for. */
  secrets: () => SecretBox;
  /** The signed-in actor, or a 401 problem. */
  requireActor: (request: FastifyRequest) => Actor;
  /** A write transaction that answers once committed (group commit on the embedded store). */
  inTransaction: <T>(work: (trx: Tx) => Promise<T>) => Promise<T>;
}
