/**
 * Idempotency keys: the first answer to a POST sent with a key is kept, so a retry with the same key
 * gets that answer again and never causes a second effect (http/plugins/idempotency.ts reads and
 * writes them here).
 */
import type { Tx } from './groupCommit.ts';

export interface IdempotentRequest {
  userId: string;
  key: string;
  method: string;
  path: string;
  /** What the request said (method, path, body), hashed: the same key for another request is refused. */
  requestHash: string;
}

/** The earlier request with the key: its hash, and its answer once it has one. */
export interface EarlierRequest {
  requestHash: string;
  statusCode: number | null;
  responseBody: string | null;
}

/**
 * Takes the key for this request, or, when someone took it first, tells what that request was and
 * answered: `null` means the key is this request's own now.
 */
export async function claimIdempotencyKey(
  tx: Tx,
  at: Date,
  request: IdempotentRequest,
): Promise<EarlierRequest | null> {
  const inserted = await tx.db
    .insertInto('idempotency_key')
    .values({
      user_id: request.userId,
      key: request.key,
      method: request.method,
      path: request.path,
      request_hash: request.requestHash,
      created_at: at.toISOString(),
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return null;
  const earlier = await tx.db
    .selectFrom('idempotency_key')
    .selectAll()
    .where('user_id', '=', request.userId)
    .where('key', '=', request.key)
    .executeTakeFirstOrThrow();
  return {
    requestHash: earlier.request_hash,
    statusCode: earlier.status_code === null ? null : Number(earlier.status_code),
    responseBody: earlier.response_body,
  };
}

/** Frees the key (the request changed nothing), so a retry runs again. */
export async function releaseIdempotencyKey(tx: Tx, userId: string, key: string): Promise<void> {
  await tx.db.deleteFrom('idempotency_key').where('user_id', '=', userId).where('key', '=', key).execute();
}

/** Keeps the answer a retry with the key will get. */
export async function keepIdempotentAnswer(
  tx: Tx,
  userId: string,
  key: string,
  answer: { statusCode: number; body: string },
): Promise<void> {
  await tx.db
    .updateTable('idempotency_key')
    .set({ status_code: answer.statusCode, response_body: answer.body })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .execute();
}
