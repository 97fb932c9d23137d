/**
 * Idempotency keys: a POST retried with the same Idempotency-Key gets the first answer, never a second
 * effect. The keys and their answers are kept by store/idempotency.ts.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../../store/repository.ts';
import { claimIdempotencyKey, keepIdempotentAnswer, releaseIdempotencyKey } from '../../store/idempotency.ts';
import { HttpProblem } from '../problems.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { userId: string; key: string } | null;
  }
}

/** Hooks the keys onto every signed-in POST (after authentication, which tells whose key it is). */
export function idempotency(app: FastifyInstance, read: Tx, now: () => Date): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return;
    const value = String(key);
    if (!/^[A-Za-z0-9_.:-]{8,255}$/.test(value)) {
      throw new HttpProblem(
        400,
        'bad-request',
        'Idempotency-Key is not valid',
        'Idempotency-Key must be 8 to 255 letters, digits or _ . : -',
        [{ field: 'Idempotency-Key', message: 'must be 8 to 255 letters, digits or _ . : -' }],
      );
    }
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const userId = request.actor.userId;
    const earlier = await claimIdempotencyKey(read, now(), {
      userId,
      key: value,
      method: request.method,
      path: request.url,
      requestHash,
    });
    if (earlier === null) {
      request.idempotency = { userId, key: value };
      return;
    }
    if (earlier.requestHash !== requestHash) {
      throw new HttpProblem(
        422,
        'idempotency-key-reused',
        'Idempotency-Key was used for another request',
        'Use a new key for a different request.',
        [{ field: 'Idempotency-Key', message: 'was already used for a different request' }],
      );
    }
    if (earlier.statusCode === null) {
      throw new HttpProblem(
        409,
        'idempotency-in-progress',
        'The first request with this key is still running',
        'Retry in a moment.',
      );
    }
    reply.header('Idempotent-Replayed', 'true');
    const isProblem = earlier.statusCode >= 400;
    return reply
      .code(earlier.statusCode)
      .type(isProblem ? 'application/problem+json' : 'application/json')
      .send(earlier.responseBody);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.idempotency) return payload;
    const { userId, key } = request.idempotency;
    request.idempotency = null;
    if (reply.statusCode >= 500) {
      // Nothing was changed, so the key is freed for a retry.
      await releaseIdempotencyKey(read, userId, key);
    } else if (String(reply.getHeader('cache-control') ?? '').includes('no-store')) {
      // The answer holds a secret shown once (a webhook or intake secret): it is not kept in the store,
      // so a retry learns that it succeeded and must rotate the secret to see a new one.
      await keepIdempotentAnswer(read, userId, key, {
        statusCode: 409,
        body: JSON.stringify({
          type: '/problems/idempotency-answer-not-kept',
          title: 'The first answer is not kept',
          status: 409,
          detail: `The first request with this key succeeded (${reply.statusCode}), but its answer held a secret that is shown only once. Rotate the secret to get a new one.`,
        }),
      });
    } else {
      await keepIdempotentAnswer(read, userId, key, {
        statusCode: reply.statusCode,
        body: typeof payload === 'string' ? payload : JSON.stringify(payload ?? null),
      });
    }
    return payload;
  });
}
