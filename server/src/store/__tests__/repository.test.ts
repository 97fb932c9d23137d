import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prmObjects, objectNamed } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import type { Actor } from '../../auth/policy.ts';
import { ForbiddenError } from '../../auth/policy.ts';
import {
  createRecord,
  deleteRecord,
  getRecord,
  listRecords,
  NotFoundError,
  updateRecord,
  VersionConflictError,
  IntegrityError,
  type Tx,
} from '../repository.ts';
import type { Store } from '../database.ts';
import { testStores } from './stores.ts';
import { validInput } from './fixtures.ts';

const now = new Date('2026-11-26T10:00:00Z');
const admin: Actor = {
  userId: 'u-admin',
  name: 'Ada',
  email: 'ada@vendor.example',
  role: 'channelAdmin',
  partnerId: null,
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`the data-access layer on ${dialect}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let tx: Tx;
    before(async () => {
      ({ store, dispose } = await testStores[dialect]());
      tx = { db: store.db, dialect };
    });
    after(() => dispose());

    it('creates, reads, lists and round-trips every field type of every object', async () => {
      const ids = new Map<string, string>();
      const lookupId = (target: string) => ids.get(target)!;
      for (const object of prmObjects) {
        const input = validInput(object, 1, lookupId, true);
        const created = await createRecord(tx, now, admin, object, input);
        ids.set(object.name, created.id);
        const read = await getRecord(tx, admin, object, created.id);
        for (const [field, value] of Object.entries(input))
          assert.deepEqual(read[field], value, `${object.name}.${field}`);
        assert.equal(read.version, 1);
        assert.equal(read.createdAt, now.toISOString());
        if (object.nameField && 'autoNumber' in object.nameField) assert.match(String(read.name), /\d{3,}$/);
      }
      const page = await listRecords(tx, admin, objectNamed(prmObjects, 'partner'));
      assert.equal(page.records.length, 1);
    });

    it('numbers auto-named records in sequence', async () => {
      const course = objectNamed(prmObjects, 'npsResponse');
      const partner = (await listRecords(tx, admin, objectNamed(prmObjects, 'partner'))).records[0];
      const a = await createRecord(tx, now, admin, course, {
        partner: partner.id,
        score: 9,
        respondedAt: now.toISOString(),
      });
      const b = await createRecord(tx, now, admin, course, {
        partner: partner.id,
        score: 3,
        respondedAt: now.toISOString(),
      });
      assert.equal(Number(String(b.name).slice(-6)), Number(String(a.name).slice(-6)) + 1);
    });

    it('refuses an update made against an old version, and keeps the newer one', async () => {
      const program = objectNamed(prmObjects, 'program');
      const record = await createRecord(tx, now, admin, program, { name: 'EMEA program', currency: 'EUR' });
      const updated = await updateRecord(tx, now, admin, program, record.id, 1, { protectionDays: 60 });
      assert.equal(updated.version, 2);
      await assert.rejects(
        updateRecord(tx, now, admin, program, record.id, 1, { protectionDays: 120 }),
        VersionConflictError,
      );
      assert.equal((await getRecord(tx, admin, program, record.id)).protectionDays, 60);
    });

    it('reports bad input by field and changes nothing', async () => {
      const program = objectNamed(prmObjects, 'program');
      const before = (await listRecords(tx, admin, program, { limit: 200 })).records.length;
      await assert.rejects(
        createRecord(tx, now, admin, program, { name: 'X', currency: 'euro', protectionDays: 0 }),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.deepEqual(error.problems.map((p) => p.field).sort(), ['currency', 'protectionDays']);
          return true;
        },
      );
      assert.equal((await listRecords(tx, admin, program, { limit: 200 })).records.length, before);
    });

    it('refuses a lookup to a record that does not exist', async () => {
      const tier = objectNamed(prmObjects, 'tier');
      await assert.rejects(
        createRecord(tx, now, admin, tier, { name: 'Gold', program: 'missing', rank: 3, currency: 'USD' }),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.deepEqual(error.problems, [
            { field: 'program', message: 'must be the id of a partner program you can see' },
          ]);
          return true;
        },
      );
    });

    it('refuses to delete a record others still refer to', async () => {
      const program = objectNamed(prmObjects, 'program');
      const tier = objectNamed(prmObjects, 'tier');
      const record = await createRecord(tx, now, admin, program, { name: 'APJ program', currency: 'USD' });
      await createRecord(tx, now, admin, tier, { name: 'Silver', program: record.id, rank: 2, currency: 'USD' });
      await assert.rejects(deleteRecord(tx, now, admin, program, record.id, 1), IntegrityError);
    });

    it('keeps partners to their own records', async () => {
      const partnerObject = objectNamed(prmObjects, 'partner');
      const registration = objectNamed(prmObjects, 'dealRegistration');
      const mine = await createRecord(tx, now, admin, partnerObject, { name: 'Mine Ltd' });
      const theirs = await createRecord(tx, now, admin, partnerObject, { name: 'Theirs Ltd' });
      const rep: Actor = {
        userId: 'u-rep',
        name: 'Rae',
        email: 'rae@mine.example',
        role: 'partnerRep',
        partnerId: mine.id,
      };
      const input = {
        customerName: 'Acme',
        customerCountry: 'DE',
        opportunityName: 'Acme deal',
        currency: 'EUR',
        amount: 10_000,
        expectedCloseOn: '2027-01-31',
      };
      const own = await createRecord(tx, now, rep, registration, input);
      assert.equal(own.partner, mine.id, 'the server sets the partner user\u2019s own partner');
      const other = await createRecord(tx, now, admin, registration, { ...input, partner: theirs.id });
      await assert.rejects(getRecord(tx, rep, registration, other.id), NotFoundError);
      assert.deepEqual(
        (await listRecords(tx, rep, registration)).records.map((r) => r.id),
        [own.id],
      );
      await assert.rejects(createRecord(tx, now, rep, registration, { ...input, partner: theirs.id }), ForbiddenError);
      await assert.rejects(updateRecord(tx, now, rep, registration, own.id, 1, { status: 'approved' }), ForbiddenError);
    });

    it('writes who changed what, before and after, to the audit log', async () => {
      const program = objectNamed(prmObjects, 'program');
      const record = await createRecord(tx, now, admin, program, { name: 'Audit program', currency: 'USD' });
      await updateRecord(tx, now, admin, program, record.id, 1, { leadSlaHours: 8 });
      const rows = await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('record_id', '=', record.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.action),
        ['create', 'update'],
      );
      const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
      assert.equal(parse(rows[1].before).leadSlaHours, 24);
      assert.equal(parse(rows[1].after).leadSlaHours, 8);
      assert.equal(rows[1].actor_id, admin.userId);
    });
  });
}
