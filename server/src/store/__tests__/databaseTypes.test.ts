/**
 * The store's `Database` type (store/database.ts) says what the migrations create: every table, with
 * exactly its columns, on both stores. The PRM tables are generated from the same model as their
 * migrations (scripts/generate/sql.ts), so they are compared with that model; the server's own tables
 * are typed by hand (store/systemTables.ts), so the list below is held to those types by the compiler
 * (a column missing or extra fails \`npm run typecheck\`) and to the migrated tables by this test.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { prmObjects } from '@prm/core/schema/registry';
import { sqlModel } from '../../../../scripts/generate/sql.ts';
import type { SystemTables } from '../systemTables.ts';
import type { Store } from '../database.ts';
import { testStores } from './stores.ts';

const systemColumns: { [Table in keyof SystemTables]: Record<keyof SystemTables[Table], true> } = {
  app_user: {
    id: true,
    email: true,
    name: true,
    role: true,
    partner_id: true,
    password_hash: true,
    active: true,
    external_id: true,
    created_at: true,
    updated_at: true,
    scim_external_id: true,
    given_name: true,
    family_name: true,
  },
  session: { id_hash: true, user_id: true, expires_at: true, created_at: true },
  api_token: { id: true, token_hash: true, user_id: true, name: true, created_at: true, last_used_at: true },
  idempotency_key: {
    user_id: true,
    key: true,
    method: true,
    path: true,
    request_hash: true,
    status_code: true,
    response_body: true,
    created_at: true,
  },
  job: {
    id: true,
    kind: true,
    run_at: true,
    payload: true,
    status: true,
    attempts: true,
    last_error: true,
    locked_until: true,
    dedupe_key: true,
    created_at: true,
    finished_at: true,
  },
  audit_log: {
    id: true,
    at: true,
    actor_id: true,
    actor_role: true,
    object: true,
    record_id: true,
    action: true,
    before: true,
    after: true,
  },
  name_counter: { object: true, value: true },
  routing_state: { program_id: true, state: true, updated_at: true },
  webhook_subscription: {
    id: true,
    url: true,
    description: true,
    event_types: true,
    secret_sealed: true,
    active: true,
    disabled_reason: true,
    lease_owner: true,
    locked_until: true,
    retry_at: true,
    created_at: true,
    updated_at: true,
    previous_secret_sealed: true,
    previous_secret_expires_at: true,
  },
  webhook_event: { id: true, type: true, object: true, record_id: true, payload: true, created_at: true },
  webhook_delivery: {
    id: true,
    event_id: true,
    subscription_id: true,
    status: true,
    attempts: true,
    next_attempt_at: true,
    last_status_code: true,
    last_error: true,
    delivered_at: true,
    created_at: true,
  },
  intake_sender: {
    id: true,
    name: true,
    scheme: true,
    description: true,
    secret_sealed: true,
    previous_secret_sealed: true,
    previous_secret_expires_at: true,
    created_by: true,
    created_at: true,
    updated_at: true,
  },
  intake_event: { sender: true, event_id: true, type: true, status: true, result: true, received_at: true },
  xapi_statement: {
    id: true,
    digest: true,
    outcome: true,
    enrollment_id: true,
    certification_id: true,
    received_by: true,
    received_at: true,
  },
  oidc_login: { id_hash: true, state: true, nonce: true, code_verifier: true, expires_at: true, created_at: true },
  import_file: {
    id: true,
    object: true,
    sha256: true,
    scope: true,
    file_name: true,
    actor_id: true,
    rows: true,
    created: true,
    updated: true,
    unchanged: true,
    imported_at: true,
  },
  user_invitation: {
    id: true,
    user_id: true,
    token_hash: true,
    created_by: true,
    created_at: true,
    expires_at: true,
    used_at: true,
  },
  prm_migrations: { id: true, applied_at: true },
};

const typedTables = (): Map<string, string[]> =>
  new Map([
    ...sqlModel(prmObjects).tables.map((table): [string, string[]] => [table.name, table.columns.map((c) => c.name)]),
    ...Object.entries(systemColumns).map(([table, columns]): [string, string[]] => [table, Object.keys(columns)]),
  ]);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`the Database type against the migrated ${dialect} store`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, dispose } = await testStores[dialect]());
    });
    after(() => dispose());

    it('types every table the migrations create, with exactly its columns', async () => {
      // Other tests' schemas share the PostgreSQL database; only this store's own schema is read.
      const schema =
        dialect === 'postgres'
          ? (await sql<{ name: string }>`select current_schema() as name`.execute(store.db)).rows[0].name
          : undefined;
      const migrated = new Map(
        (await store.db.introspection.getTables())
          .filter((table) => !table.isView && table.schema === schema)
          .map((table): [string, string[]] => [table.name, table.columns.map((column) => column.name).sort()]),
      );
      const typed = typedTables();
      assert.deepEqual([...typed.keys()].sort(), [...migrated.keys()].sort(), 'the same tables');
      for (const [table, columns] of typed)
        assert.deepEqual([...columns].sort(), migrated.get(table), `the columns of ${table}`);
    });
  });
}
