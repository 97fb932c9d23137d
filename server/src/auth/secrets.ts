/**
 * Secrets the server must be able to read back (webhook signing secrets, intake senders' secrets) are
 * kept encrypted at rest with AES-256-GCM, so a copy of the database alone reveals none of them.
 *
 * The key comes from PRM_ENCRYPTION_KEY (32 bytes, base64 or hex). Without it, the embedded store keeps
 * a generated key in a file beside its data file (mode 0600), so `npm start` needs no set-up; a server
 * on PostgreSQL must be given the key, since it has no local data folder of its own.
 * node:crypto does the cryptography; this file only chooses the format: `v1.<iv>.<tag>.<ciphertext>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

function parseKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new Error(`${origin} must be 32 bytes, written as 64 hex digits or base64 (it is ${key.length} bytes).`);
  return key;
}

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('The encryption key must be 32 bytes.');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined)
        throw new Error('The stored secret is not in a format this server can read.');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('The stored secret cannot be decrypted: PRM_ENCRYPTION_KEY is not the key it was sealed with.');
      }
    },
  };
}

/**
 * The server's secret box for a store: PRM_ENCRYPTION_KEY, or for the embedded store a key file beside
 * its data file, created on first use (an in-memory store's secrets live no longer than the process,
 * and so may its key).
 */
export function serverSecretBox(
  store: { dialect: 'sqlite' | 'postgres'; location: string },
  env: { PRM_ENCRYPTION_KEY?: string } = process.env,
): SecretBox {
  if (env.PRM_ENCRYPTION_KEY) return secretBox(parseKey(env.PRM_ENCRYPTION_KEY, 'PRM_ENCRYPTION_KEY'));
  if (store.dialect === 'postgres')
    throw new Error(
      'PRM_ENCRYPTION_KEY is required on PostgreSQL: set it to 32 random bytes, e.g. `openssl rand -base64 32`.',
    );
  if (store.location === ':memory:') return secretBox(randomBytes(32));
  const keyFile = join(dirname(store.location), 'encryption.key');
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    // `wx`: if another process created it first, that key wins and this write fails harmlessly.
    try {
      writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return secretBox(parseKey(readFileSync(keyFile, 'utf8'), keyFile));
}
