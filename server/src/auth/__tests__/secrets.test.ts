import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { secretBox, serverSecretBox } from '../secrets.ts';
import { buildApp } from '../../http/app.ts';
import { createApiToken, createUser } from '../identity.ts';
import { postgresTestStore } from '../../store/__tests__/stores.ts';

describe('secrets at rest', () => {
  it('seals so that only the same key opens, and a changed byte is detected', () => {
    const box = secretBox(randomBytes(32));
    const sealed = box.seal('whsec_abc');
    assert.doesNotMatch(sealed, /whsec_abc/);
    assert.equal(box.open(sealed), 'whsec_abc');
    assert.notEqual(box.seal('whsec_abc'), sealed, 'a fresh IV every time');
    assert.throws(() => secretBox(randomBytes(32)).open(sealed), /not the key it was sealed with/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    parts[3] = body.toString('base64url');
    assert.throws(() => box.open(parts.join('.')), /cannot be decrypted/);
    assert.throws(() => box.open('plain text'), /not in a format/);
  });

  it('takes the key from PRM_ENCRYPTION_KEY, names it when it is the wrong size, and needs it on PostgreSQL', () => {
    const key = randomBytes(32);
    const postgres = { dialect: 'postgres', location: 'postgres://x/y' } as const;
    const sealed = serverSecretBox(postgres, { PRM_ENCRYPTION_KEY: key.toString('hex') }).seal('s');
    assert.equal(serverSecretBox(postgres, { PRM_ENCRYPTION_KEY: key.toString('base64') }).open(sealed), 's');
    assert.throws(
      () => serverSecretBox(postgres, { PRM_ENCRYPTION_KEY: 'c2hvcnQ=' }),
      /PRM_ENCRYPTION_KEY must be 32 bytes/,
    );
    assert.throws(() => serverSecretBox(postgres, {}), /PRM_ENCRYPTION_KEY is required on PostgreSQL/);
  });

  it('keeps a generated key beside the embedded store, readable only by its owner, and reuses it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'prm-secrets-'));
    const store = { dialect: 'sqlite', location: join(folder, 'prm.sqlite') } as const;
    const sealed = serverSecretBox(store, {}).seal('kept');
    const keyFile = join(folder, 'encryption.key');
    assert.equal(Buffer.from(readFileSync(keyFile, 'utf8'), 'base64').length, 32);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(serverSecretBox(store, {}).open(sealed), 'kept');
    assert.throws(() => serverSecretBox({ dialect: 'sqlite', location: ':memory:' }, {}).open(sealed));
  });

  it('answers 503 naming PRM_ENCRYPTION_KEY when a PostgreSQL server without it is asked to keep a secret', async () => {
    const { store, dispose } = await postgresTestStore();
    const saved = process.env.PRM_ENCRYPTION_KEY;
    delete process.env.PRM_ENCRYPTION_KEY;
    try {
      const tx = { db: store.db, dialect: store.dialect };
      const admin = await createUser(tx, new Date(), { email: 'admin@keys.example', name: 'A', role: 'channelAdmin' });
      const { token } = await createApiToken(tx, new Date(), admin, 'keys');
      const app = await buildApp({ store, secureCookies: false });
      const answer = await app.inject({
        method: 'POST',
        url: '/api/intake/senders',
        headers: { authorization: `Bearer ${token}` },
        payload: { name: 'erp' },
      });
      assert.equal(answer.statusCode, 503);
      assert.match(answer.json().detail, /PRM_ENCRYPTION_KEY is required on PostgreSQL/);
      const senders = await store.db.selectFrom('intake_sender').select('id').execute();
      assert.equal(senders.length, 0, 'nothing was stored');
      await app.close();
    } finally {
      if (saved !== undefined) process.env.PRM_ENCRYPTION_KEY = saved;
      await dispose();
    }
  });
});
