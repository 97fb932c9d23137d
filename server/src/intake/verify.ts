/**
 * Is a delivery really from the sender it claims, and fresh? One verifier per signature scheme, chosen
 * by the sender's registration, so a CRM's own scheme (HubSpot's v3 signature, Salesforce's, ...) plugs
 * in beside Standard Webhooks without touching the intake. A verifier answers the delivery's event id,
 * or throws a 401 problem that says what to fix and never what the signature should have been.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { HttpProblem } from '../http/problems.ts';

export interface Delivery {
  /** The body exactly as received: signatures are over bytes, never over re-serialised JSON. */
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** The secrets to try: the current one, and the previous one while a rotation's grace period lasts. */
export type Verifier = (delivery: Delivery, secrets: readonly string[], now: Date) => { eventId: string };

/** How far a delivery's timestamp may be from our clock, either way: replays older than this are refused. */
export const replayWindowSeconds = 5 * 60;

export const schemes = ['standard-webhooks'] as const;
export type Scheme = (typeof schemes)[number];

export const verifiers: Record<Scheme, Verifier> = {
  'standard-webhooks': verifyStandardWebhook,
};

const unauthentic = (detail: string, field: string, message: string) =>
  new HttpProblem(401, 'signature-invalid', 'The delivery is not authentic', detail, [{ field, message }]);

function header(delivery: Delivery, name: string): string | undefined {
  const value = delivery.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Standard Webhooks (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`, keyed by
 * the `whsec_` secret. The headers and the time window are checked here first, against the server's
 * clock, so each failure gets its own message; the signature itself is checked by the standardwebhooks
 * library, which compares in constant time (dist/timing_safe_equal.js XORs every byte; the only early
 * exit is on length, and every v1 signature is 44 characters).
 */
export function verifyStandardWebhook(delivery: Delivery, secrets: readonly string[], now: Date): { eventId: string } {
  const id = header(delivery, 'webhook-id');
  const timestamp = header(delivery, 'webhook-timestamp');
  const signature = header(delivery, 'webhook-signature');
  const missing = [
    ['webhook-id', id],
    ['webhook-timestamp', timestamp],
    ['webhook-signature', signature],
  ].filter(([, value]) => !value);
  if (missing.length)
    throw new HttpProblem(
      401,
      'signature-missing',
      'The delivery is not signed',
      `The delivery is not signed: ${missing.map(([name]) => name).join(', ')} missing. Send the Standard ` +
        'Webhooks headers webhook-id, webhook-timestamp and webhook-signature with every delivery.',
      missing.map(([name]) => ({ field: name!, message: 'is required' })),
    );
  if (!/^[\x21-\x7e]{1,255}$/.test(id!))
    throw unauthentic(
      'webhook-id must be 1 to 255 printable characters without spaces.',
      'webhook-id',
      'must be 1 to 255 printable characters without spaces',
    );
  if (!/^\d{1,12}$/.test(timestamp!))
    throw unauthentic(
      'webhook-timestamp must be the time of sending in whole seconds since 1970.',
      'webhook-timestamp',
      'must be whole seconds since 1970',
    );
  const skew = Number(timestamp) - Math.floor(now.getTime() / 1000);
  if (Math.abs(skew) > replayWindowSeconds)
    throw unauthentic(
      `webhook-timestamp is ${Math.abs(skew)} seconds ${skew < 0 ? 'old' : 'in the future'}, outside the ` +
        `${replayWindowSeconds / 60}-minute window: sign each delivery when sending it, and check the sender's clock.`,
      'webhook-timestamp',
      `must be within ${replayWindowSeconds / 60} minutes of the server's time`,
    );
  // The library hashes the body as a string, and decoding would turn every invalid UTF-8 byte into the
  // same replacement character, so two different bodies could share a signature. JSON is UTF-8
  // (RFC 8259), so anything else is refused before it is verified.
  let body: string;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(delivery.rawBody);
  } catch {
    throw new HttpProblem(400, 'bad-request', 'The body is not UTF-8', 'Send the event as UTF-8 JSON.', [
      { field: 'body', message: 'must be UTF-8 text' },
    ]);
  }
  const headers = { 'webhook-id': id!, 'webhook-timestamp': timestamp!, 'webhook-signature': signature! };
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(body, headers, { jsonParse: false });
      return { eventId: id! };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
    }
  }
  throw unauthentic(
    'No signature in webhook-signature matches this body with the sender’s secret: sign the exact bytes sent, ' +
      'as v1,<base64 HMAC-SHA256 of "id.timestamp.body">, with the secret the PRM gave for this sender.',
    'webhook-signature',
    'does not match this body with the sender’s secret',
  );
}
