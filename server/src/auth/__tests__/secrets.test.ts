import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { secretBox, serverSecretBox } from '../secrets.ts';

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
});
