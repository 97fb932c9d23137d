/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the `standardwebhooks` library signs,
 * and subscribers verify with it or any implementation of the specification. Secrets are `whsec_` and
 * base64 of 24 random bytes, the format the specification's libraries generate.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A `whsec_` secret of `bytes` random bytes (the specification allows 24 to 64). */
export function newSigningSecret(bytes = 24): string {
  return `whsec_${randomBytes(bytes).toString('base64')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The three headers for one attempt: the id is the event's, the timestamp is the attempt's own. With
 * several secrets (during a rotation's overlap) the signatures are space-separated, as the
 * specification allows: a verifier holding either secret accepts the delivery.
 */
export function signDelivery(
  secrets: string | readonly string[],
  eventId: string,
  at: Date,
  payload: string,
): SignedHeaders {
  const seconds = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(seconds.getTime() / 1000),
    'webhook-signature': (typeof secrets === 'string' ? [secrets] : secrets)
      .map((secret) => new Webhook(secret).sign(eventId, seconds, payload))
      .join(' '),
  };
}
