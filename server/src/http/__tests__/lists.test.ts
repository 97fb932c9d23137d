/** Lists: `sort` (stable, id as the tie-break, cursors that hold the sort key) and `total`, on both stores. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { validInput } from '../../store/__tests__/fixtures.ts';
import { startHarness, type Harness } from './harness.ts';

const registration = objectNamed(prmObjects, 'dealRegistration');
const dialects = process.env.DATABASE_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

interface Listed {
  id: string;
  customerDomain: string | null;
}

/** Every page of a list, following `next`; `between` runs after each page (to write while paging). */
async function walk(
  h: Harness,
  role: 'partnerRep' | 'channelAdmin',
  query: string,
  between: () => Promise<void> = async () => {},
): Promise<{ records: Listed[]; totals: number[] }> {
  const records: Listed[] = [];
  const totals: number[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page = await h.call(
      role,
      'GET',
      `/api/deal-registrations?limit=2&${query}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(page.status, 200, JSON.stringify(page.body));
    records.push(...page.body.data);
    totals.push(page.body.total);
    cursor = page.body.next;
    await between();
  }
  return { records, totals };
}

/** Ascending by domain with empty domains last, then by id: the order the server promises. */
function expectedOrder(records: Listed[]): string[] {
  return [...records]
    .sort(
      (a, b) =>
        Number(a.customerDomain === null) - Number(b.customerDomain === null) ||
        (a.customerDomain ?? '').localeCompare(b.customerDomain ?? '') ||
        a.id.localeCompare(b.id),
    )
    .map((record) => record.id);
}

for (const dialect of dialects) {
  describe(`lists: sort and total (${dialect})`, () => {
    let h: Harness;
    const domains = ['b.example', 'a.example', null, 'b.example', 'c.example', null, 'a.example'];
    before(async () => {
      h = await startHarness(dialect);
      for (const [side, list] of [
        ['A', domains],
        ['B', ['a.example', null, 'z.example']],
      ] as const) {
        for (const [i, domain] of list.entries()) {
          const input = validInput(registration, 100 + i, (target) => h.records[side].get(target)!);
          input.partner = h.records[side].get('partner');
          if (domain) input.customerDomain = domain;
          const created = await h.call('channelAdmin', 'POST', '/api/deal-registrations', input);
          assert.equal(created.status, 201, JSON.stringify(created.body));
        }
      }
    });
    after(() => h.close());

    it('sorts by a field, ascending and descending, stable with id as the tie-break and empty values last', async () => {
      const all = (await walk(h, 'partnerRep', '')).records;
      const ascending = (await walk(h, 'partnerRep', 'sort=customerDomain')).records.map((record) => record.id);
      assert.deepEqual(ascending, expectedOrder(all));
      const descending = (await walk(h, 'partnerRep', 'sort=-customerDomain')).records.map((record) => record.id);
      assert.deepEqual(descending, [...ascending].reverse());
    });

    it('a sorted cursor stays correct when records are written between pages: nothing skipped, nothing twice', async () => {
      const before = (await walk(h, 'partnerRep', 'sort=customerDomain')).records.map((record) => record.id);
      let n = 0;
      const { records } = await walk(h, 'partnerRep', 'sort=customerDomain', async () => {
        // Sorts before every cursor position: a cursor that held only the id would now skip or repeat.
        const input = validInput(registration, 200 + n++, (target) => h.records.A.get(target)!);
        input.partner = h.records.A.get('partner');
        input.customerDomain = '0.example';
        assert.equal((await h.call('channelAdmin', 'POST', '/api/deal-registrations', input)).status, 201);
      });
      assert.deepEqual(
        records.map((record) => record.id),
        before,
      );
    });

    it("total counts the records in the caller's scope that match the filters: a partner's only their own", async () => {
      const admin = await walk(h, 'channelAdmin', '');
      const own = await walk(h, 'partnerRep', '');
      const partnerA = h.records.A.get('partner');
      assert.ok(own.records.length < admin.records.length);
      assert.ok(own.totals.every((total) => total === own.records.length));
      assert.ok(admin.totals.every((total) => total === admin.records.length));
      const filtered = await h.call('partnerRep', 'GET', '/api/deal-registrations?customerDomain=a.example&limit=1');
      assert.equal(filtered.body.total, 2, 'partner B also has a.example; only partner A\u2019s two count');
      const adminFiltered = await h.call(
        'channelAdmin',
        'GET',
        `/api/deal-registrations?customerDomain=a.example&partner=${partnerA}`,
      );
      assert.equal(adminFiltered.body.total, 2);
    });

    it('refuses a sort on a field the role may not read, an unsortable field, and a cursor made for another sort', async () => {
      const hidden = await h.call('partnerRep', 'GET', '/api/deal-registrations?sort=conflictScore');
      assert.equal(hidden.status, 422);
      assert.equal(hidden.body.errors[0].field, 'sort');
      assert.equal((await h.call('channelAdmin', 'GET', '/api/deal-registrations?sort=-conflictScore')).status, 200);
      const longText = await h.call('channelAdmin', 'GET', '/api/deal-registrations?sort=description');
      assert.equal(longText.status, 422);
      assert.equal(longText.body.errors[0].field, 'sort');
      const page = await h.call('partnerRep', 'GET', '/api/deal-registrations?sort=customerDomain&limit=1');
      const other = await h.call(
        'partnerRep',
        'GET',
        `/api/deal-registrations?sort=-customerDomain&after=${encodeURIComponent(page.body.next)}`,
      );
      assert.equal(other.status, 422);
      assert.equal(other.body.errors[0].field, 'after');
      const forged = await h.call(
        'partnerRep',
        'GET',
        '/api/deal-registrations?sort=customerDomain&after=s.bm90LWpzb24',
      );
      assert.equal(forged.status, 422);
      assert.equal(forged.body.errors[0].field, 'after');
    });
  });
}
