/** A real server on loopback over a test store, with a user and a bearer token for every role. */
import type { FastifyInstance } from 'fastify';
import { prmObjects } from '@prm/core/schema/registry';
import type { PrmObject } from '@prm/core/schema/object';
import { roles, roleDefinitions, type Role } from '@prm/core/schema/roles';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../app.ts';
import { secretBox } from '../../auth/secrets.ts';
import { createApiToken, createUser } from '../../auth/identity.ts';
import { createRecord, type Tx } from '../../store/repository.ts';
import type { Actor } from '../../auth/policy.ts';
import { testStores } from '../../store/__tests__/stores.ts';
import { validInput } from '../../store/__tests__/fixtures.ts';
import type { Store } from '../../store/database.ts';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export interface Harness {
  app: FastifyInstance;
  store: Store;
  base: string;
  tokens: Record<Role, string>;
  /** Records of every object belonging to partner A (the partner users' own) and to partner B. */
  records: { A: Map<string, string>; B: Map<string, string> };
  admin: Actor;
  call(
    role: Role | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  /** The same as `call`, with any bearer token (users a test creates itself), or none. */
  callAs(
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  close(): Promise<void>;
}

export async function startHarness(
  dialect: 'sqlite' | 'postgres' = 'sqlite',
  now = () => new Date('2026-11-26T10:00:00Z'),
): Promise<Harness> {
  const { store, dispose } = await testStores[dialect]();
  const tx: Tx = { db: store.db, dialect };
  const admin = await createUser(tx, now(), {
    email: 'admin@vendor.example',
    name: 'Ada Admin',
    role: 'channelAdmin',
    password: 'admin password 1',
  });
  const records = { A: new Map<string, string>(), B: new Map<string, string>() };
  const shared = new Map<string, string>();
  for (const side of ['A', 'B'] as const) {
    const ids = records[side];
    const lookupId = (target: string) => ids.get(target) ?? shared.get(target)!;
    let n = side === 'A' ? 1 : 1001;
    for (const object of prmObjects) {
      // Program data (no partner field, no parent owning it) is created once and shared by both partners.
      const programData = !object.partnerField && !object.ownedThrough;
      if (programData && shared.has(object.name)) {
        ids.set(object.name, shared.get(object.name)!);
        continue;
      }
      const input = validInput(object, n++, lookupId);
      // Give every partner-owned record its owner, even where the partner field is optional.
      if (object.partnerField && object.partnerField !== 'id') input[object.partnerField] = ids.get('partner');
      const record = await createRecord(tx, now(), admin, object, input);
      ids.set(object.name, record.id);
      if (programData) shared.set(object.name, record.id);
    }
  }
  const tokens = {} as Record<Role, string>;
  for (const role of roles) {
    const user =
      role === 'channelAdmin'
        ? admin
        : await createUser(tx, now(), {
            email: `${role.toLowerCase()}@example.com`,
            name: roleDefinitions[role].label,
            role,
            partnerId: roleDefinitions[role].isPartnerUser ? records.A.get('partner') : null,
            password: `${role} password 1`,
          });
    tokens[role] = (await createApiToken(tx, now(), user, `${role} token`)).token;
  }
  const app = await buildApp({ store, now, secureCookies: false, secrets: secretBox(randomBytes(32)) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const callAs: Harness['callAs'] = async (token, method, path, body, headers = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (HTML pages)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    app,
    store,
    base,
    tokens,
    records,
    admin,
    call(role, method, path, body, headers = {}) {
      return callAs(role ? tokens[role] : null, method, path, body, headers);
    },
    callAs,
    async close() {
      await app.close();
      await dispose();
    },
  };
}

export const ownerOf = (object: PrmObject, record: Record<string, unknown>): unknown =>
  object.partnerField === 'id' ? record.id : object.partnerField ? record[object.partnerField] : undefined;

/** The audit entries of these records, oldest first, as stored. */
export function auditEntries(h: Harness, recordIds: string[]) {
  return h.store.db.selectFrom('audit_log').selectAll().where('record_id', 'in', recordIds).orderBy('id').execute();
}

/**
 * Who wrote each audit entry of these records, oldest first, as [record id, action, who]: who is
 * `system:<reason>` for the program acting on its own account, `a <role>` for a person.
 */
export async function auditAuthors(h: Harness, recordIds: string[]): Promise<Array<[string, string, string]>> {
  return (await auditEntries(h, recordIds)).map((row) => [
    row.record_id,
    row.action,
    row.actor_role === 'system' ? String(row.actor_id) : `a ${row.actor_role}`,
  ]);
}
