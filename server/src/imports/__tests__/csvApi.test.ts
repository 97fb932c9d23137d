import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { sqlTableName } from '@prm/core/hosts/sql';
import type { Role } from '@prm/core/schema/roles';
import { externalIdField } from '../importColumns.ts';
import { rowCount } from '../../store/__tests__/stores.ts';

const sixObjects = ['partner', 'lead', 'dealRegistration', 'opportunity', 'salesOrder', 'invoice'] as const;
const metadata = ['createdAt', 'updatedAt', 'version'];

type Table = { header: string[]; rows: string[][] };

const table = (csv: string): Table => {
  const [header, ...rows] = parse(csv, { bom: true }) as string[][];
  return { header, rows };
};
const csvOf = ({ header, rows }: Table) => stringify([header, ...rows]);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`CSV import and export over HTTP (${dialect})`, () => {
    let h: Harness;
    let A: string;
    let B: string;

    const exportCsv = async (role: Role, collection: string) => {
      const response = await fetch(`${h.base}/api/exports/${collection}`, {
        headers: { authorization: `Bearer ${h.tokens[role]}` },
      });
      assert.equal(response.status, 200, await response.clone().text());
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(
        response.headers.get('content-disposition') ?? '',
        new RegExp(`attachment; filename="${collection}.csv"`),
      );
      return response.text();
    };
    const importCsv = (role: Role, collection: string, csv: string, query = '') =>
      h.call(role, 'POST', `/api/imports/${collection}${query}`, csv, { 'content-type': 'text/csv' });
    const count = (table: string) => rowCount(h.store.db, table);
    const auditCount = () => count('audit_log');
    const listAll = async (role: Role, collection: string) => {
      const records: Array<{ id: string }> = [];
      let after = '';
      do {
        const page = await h.call(role, 'GET', `/api/${collection}?limit=200${after ? `&after=${after}` : ''}`);
        assert.equal(page.status, 200);
        records.push(...page.body.data);
        after = page.body.next ?? '';
      } while (after);
      return records;
    };

    before(async () => {
      h = await startHarness(dialect);
      A = h.records.A.get('partner')!;
      B = h.records.B.get('partner')!;
    });
    after(() => h.close());

    for (const name of sixObjects) {
      const object = objectNamed(prmObjects, name);
      const collection = restCollection(object);
      it(`exports ${collection} and imports them back: the same file changes nothing, copies equal the originals`, async () => {
        const exported = table(await exportCsv('channelAdmin', collection));
        assert.equal(exported.rows.length, await count(sqlTableName(object)));
        const audits = await auditCount();
        const same = await importCsv('channelAdmin', collection, csvOf(exported));
        assert.equal(same.status, 200, JSON.stringify(same.body));
        assert.deepEqual(
          {
            status: same.body.status,
            created: same.body.created,
            updated: same.body.updated,
            unchanged: same.body.unchanged,
          },
          { status: 'imported', created: 0, updated: 0, unchanged: exported.rows.length },
        );
        assert.equal(await auditCount(), audits, 'an unchanged row writes no audit entry');

        // The same rows without their keys (and with new external ids) are created as new records.
        const column = (header: string) => exported.header.indexOf(header);
        const external = externalIdField(object);
        const copies = exported.rows.map((row) =>
          row.map((cell, i) => {
            const header = exported.header[i];
            if (header === 'id' || header === 'crmId') return '';
            if (header === external) return `copy-${cell}`;
            return cell;
          }),
        );
        const created = await importCsv('channelAdmin', collection, csvOf({ header: exported.header, rows: copies }));
        assert.equal(created.status, 200, JSON.stringify(created.body));
        assert.equal(created.body.created, exported.rows.length);
        const after = table(await exportCsv('channelAdmin', collection));
        assert.deepEqual(after.header, exported.header);
        const autoNumbered = Boolean(object.nameField && 'autoNumber' in object.nameField);
        const compared = exported.header.filter(
          (header) => !['id', ...metadata].includes(header) && !(autoNumbered && header === 'name'),
        );
        // Records created in the same millisecond have ids in no particular order: compare as sets.
        const values = (rows: string[][]) =>
          rows.map((row) => JSON.stringify(compared.map((header) => row[column(header)]))).sort();
        const originalIds = new Set(exported.rows.map((row) => row[0]));
        assert.deepEqual(values(after.rows.filter((row) => !originalIds.has(row[0]))), values(copies));
      });
    }

    it('names the line and field of every bad row, and writes nothing: a bad row at the end of 5,000', async () => {
      const header = ['erpOrderId', 'name', 'partner', 'customerName', 'orderedOn', 'currency', 'amount', 'status'];
      const rows = Array.from({ length: 5000 }, (_, i) => [
        `BULK-${i}`,
        `SO-${i}`,
        i % 2 ? A : B,
        `Customer ${i}`,
        '2026-05-01',
        'USD',
        String(1000 + i),
        'open',
      ]);
      rows[4999][6] = '12.50';
      rows[4998][4] = '2026-02-30';
      const before = { orders: await count('sales_order'), audit: await auditCount() };
      const response = await importCsv('channelAdmin', 'sales-orders', csvOf({ header, rows }));
      assert.equal(response.status, 422, JSON.stringify(response.body));
      assert.equal(response.body.type, '/problems/import-rejected');
      assert.deepEqual(response.body.errors, [
        { field: 'line 5000, orderedOn', message: 'must be a date as YYYY-MM-DD' },
        {
          field: 'line 5001, amount',
          message: 'must be a whole number of minor units (cents), e.g. 125000 for 1,250.00',
        },
      ]);
      assert.deepEqual({ orders: await count('sales_order'), audit: await auditCount() }, before);

      // Fixed, the file imports; the very same file again is recognised and writes nothing.
      rows[4999][6] = '1250';
      rows[4998][4] = '2026-02-28';
      const fixed = csvOf({ header, rows });
      const imported = await importCsv('channelAdmin', 'sales-orders', fixed);
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      assert.equal(imported.body.created, 5000);
      const afterImport = { orders: await count('sales_order'), audit: await auditCount() };
      assert.equal(afterImport.orders, before.orders + 5000);
      const again = await importCsv('channelAdmin', 'sales-orders', fixed);
      assert.equal(again.body.status, 'already imported');
      assert.deepEqual({ orders: await count('sales_order'), audit: await auditCount() }, afterImport);

      // One changed row updates exactly that record, once.
      rows[17][6] = '777777';
      const changed = await importCsv('channelAdmin', 'sales-orders', csvOf({ header, rows }));
      assert.deepEqual(
        { created: changed.body.created, updated: changed.body.updated, unchanged: changed.body.unchanged },
        { created: 0, updated: 1, unchanged: 4999 },
      );
      assert.equal(await auditCount(), afterImport.audit + 1);
      const order = await h.store.db
        .selectFrom('sales_order')
        .select(['amount', 'version'])
        .where('erp_order_id', '=', 'BULK-17')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { amount: Number(order.amount), version: Number(order.version) },
        { amount: 777777, version: 2 },
      );
    });

    it('reports a row that breaks a unique value among valid rows, and writes none of them', async () => {
      const orders = table(await exportCsv('channelAdmin', 'sales-orders'));
      const at = (header: string) => orders.header.indexOf(header);
      const [first, second] = orders.rows;
      const changedAmount = first.map((cell, i) => (i === at('amount') ? '4242' : cell));
      const takenId = second.map((cell, i) => (i === at('erpOrderId') ? first[at('erpOrderId')] : cell));
      const fresh = first.map((cell, i) => (i === at('id') ? '' : i === at('erpOrderId') ? 'FRESH-1' : cell));
      const before = { orders: await count('sales_order'), audit: await auditCount() };
      const response = await importCsv(
        'channelAdmin',
        'sales-orders',
        csvOf({ header: orders.header, rows: [changedAmount, takenId, fresh] }),
      );
      assert.equal(response.status, 422, JSON.stringify(response.body));
      assert.equal(response.body.errors.length, 1, JSON.stringify(response.body.errors));
      assert.equal(response.body.errors[0].field, 'line 3, erpOrderId');
      assert.match(response.body.errors[0].message, /Another sales order already has this value/);
      assert.deepEqual({ orders: await count('sales_order'), audit: await auditCount() }, before);
      const stored = await h.store.db
        .selectFrom('sales_order')
        .select('amount')
        .where('id', '=', first[at('id')])
        .executeTakeFirstOrThrow();
      assert.equal(String(stored.amount), first[at('amount')]);
    });

    it('matches leads by crmId, so a CRM’s re-export updates them instead of adding more (BOM and CRLF tolerated)', async () => {
      const leads = (status: string) =>
        `\uFEFFcrmId,name,company,email,country\r\n` +
        `00Q000000000001,Dana Buyer,Buyer AG,dana@buyer.example,DE\r\n` +
        `00Q000000000002,Eli Buyer,"Buyer, Two",eli@buyer.example,${status}\r\n`;
      const first = await importCsv('channelManager', 'leads', leads('FR'));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.created, 2);
      const changed = await importCsv('channelManager', 'leads', leads('BE'));
      assert.deepEqual(
        { created: changed.body.created, updated: changed.body.updated, unchanged: changed.body.unchanged },
        { created: 0, updated: 1, unchanged: 1 },
      );
      const stored = await h.store.db
        .selectFrom('lead')
        .select(['crm_id', 'name', 'company', 'country'])
        .where('crm_id', 'in', ['00Q000000000001', '00Q000000000002'])
        .orderBy('crm_id')
        .execute();
      assert.deepEqual(stored, [
        { crm_id: '00Q000000000001', name: 'Dana Buyer', company: 'Buyer AG', country: 'DE' },
        { crm_id: '00Q000000000002', name: 'Eli Buyer', company: 'Buyer, Two', country: 'BE' },
      ]);
    });

    it('refuses a column that is not a field, naming it, before reading any row', async () => {
      const response = await importCsv('channelAdmin', 'invoices', 'erpInvoiceId,amout\nI-1,100\n');
      assert.equal(response.status, 422);
      assert.equal(response.body.errors.length, 1);
      assert.equal(response.body.errors[0].field, 'line 1, amout');
      assert.match(response.body.errors[0].message, /is not a field of invoices/);
      const malformed = await importCsv('channelAdmin', 'invoices', 'erpInvoiceId,amount\n"I-1,100\n');
      assert.equal(malformed.status, 422);
      assert.match(malformed.body.errors[0].message, /malformed CSV/);
      const json = await h.call('channelAdmin', 'POST', '/api/imports/invoices', { erpInvoiceId: 'x' });
      assert.equal(json.status, 415);
    });

    it('gives a partner user only its own partner’s rows and the fields it may read', async () => {
      for (const role of ['partnerAdmin', 'partnerRep'] as const) {
        for (const name of ['dealRegistration', 'lead', 'salesOrder', 'invoice', 'opportunity'] as const) {
          const object = objectNamed(prmObjects, name);
          const exported = table(await exportCsv(role, restCollection(object)));
          const api = await listAll(role, restCollection(object));
          assert.deepEqual(
            [...exported.header].sort(),
            Object.keys(api[0]).sort(),
            `${role} ${name}: the same fields as the API`,
          );
          const owner = exported.header.indexOf(object.partnerField!);
          assert.ok(exported.rows.length > 0);
          assert.ok(
            exported.rows.every((row) => row[owner] === A),
            `${role} sees only partner A’s ${name}`,
          );
          assert.deepEqual(
            exported.rows.map((row) => row[0]),
            api.map((record) => record.id),
          );
        }
        const deals = table(await exportCsv(role, 'deal-registrations'));
        assert.ok(!deals.header.includes('conflictReasons') && !deals.header.includes('conflictScore'));
      }
      const partners = table(await exportCsv('partnerRep', 'partners'));
      assert.deepEqual(
        partners.rows.map((row) => row[0]),
        [A],
      );
    });

    it('never lets a partner import into another partner', async () => {
      const header = [
        'partner',
        'customerName',
        'customerDomain',
        'customerCountry',
        'opportunityName',
        'currency',
        'amount',
        'expectedCloseOn',
      ];
      const theirs = [B, 'Someone Else GmbH', 'else.example', 'DE', 'Rollout', 'USD', '5000', '2027-01-31'];
      const before = { deals: await count('deal_registration'), audit: await auditCount() };
      const response = await importCsv('partnerAdmin', 'deal-registrations', csvOf({ header, rows: [theirs] }));
      assert.equal(response.status, 422, JSON.stringify(response.body));
      assert.deepEqual(response.body.errors, [{ field: 'line 2, partner', message: 'must be your own partner' }]);

      const bRegistration = h.records.B.get('dealRegistration')!;
      const byId = await importCsv(
        'partnerAdmin',
        'deal-registrations',
        csvOf({ header: ['id', 'customerName'], rows: [[bRegistration, 'Taken over']] }),
      );
      assert.equal(byId.status, 422);
      assert.equal(byId.body.errors[0].field, 'line 2, id');
      assert.deepEqual({ deals: await count('deal_registration'), audit: await auditCount() }, before);
      const stored = await h.store.db
        .selectFrom('deal_registration')
        .select('customer_name')
        .where('id', '=', bRegistration)
        .executeTakeFirstOrThrow();
      assert.notEqual(stored.customer_name, 'Taken over');

      // Their own partner is filled in for them; sales orders are the ERP's and read-only to partners.
      const own = await importCsv(
        'partnerAdmin',
        'deal-registrations',
        csvOf({ header: header.slice(1), rows: [theirs.slice(1)] }),
      );
      assert.equal(own.status, 200, JSON.stringify(own.body));
      const mine = await h.store.db
        .selectFrom('deal_registration')
        .select('partner_id')
        .where('customer_name', '=', 'Someone Else GmbH')
        .execute();
      assert.deepEqual(
        mine.map((row) => row.partner_id),
        [A],
      );
      const orders = await importCsv('partnerRep', 'sales-orders', 'erpOrderId\nX-1\n');
      assert.equal(orders.status, 403);
      const anonymous = await h.call(null, 'POST', '/api/imports/sales-orders', 'erpOrderId\nX-1\n', {
        'content-type': 'text/csv',
      });
      assert.equal(anonymous.status, 401);
    });

    it('exports every metric per partner and period, the same figures as the scorecard API', async () => {
      const header = [
        'partner',
        'customerName',
        'customerCountry',
        'opportunityName',
        'currency',
        'amount',
        'expectedCloseOn',
        'status',
        'submittedAt',
        'closedAt',
        'protectionEndsAt',
        'attribution',
      ];
      const won = (partner: string, amount: number) => [
        partner,
        `Won ${amount}`,
        'DE',
        'Platform',
        'USD',
        String(amount),
        '2026-08-15',
        'won',
        '2026-07-10T09:00:00.000Z',
        '2026-08-15T00:00:00.000Z',
        '2026-12-31T00:00:00.000Z',
        'sourced',
      ];
      const imported = await importCsv(
        'channelAdmin',
        'deal-registrations',
        csvOf({ header, rows: [won(A, 300_000), won(B, 1_000_000)] }),
      );
      assert.equal(imported.status, 200, JSON.stringify(imported.body));

      const metrics = async (role: Role, query: string) => {
        const response = await fetch(`${h.base}/api/exports/metrics?${query}`, {
          headers: { authorization: `Bearer ${h.tokens[role]}` },
        });
        assert.equal(response.status, 200, await response.clone().text());
        return table(await response.text());
      };
      const manager = await metrics('channelManager', 'from=2026-07&to=2026-09&grain=quarter');
      assert.deepEqual(manager.header, [
        'partnerId',
        'partnerName',
        'tier',
        'period',
        'periodStart',
        'periodEnd',
        'metric',
        'value',
        'unit',
        'currency',
      ]);
      const partnersSeen = new Set(manager.rows.map((row) => row[0]));
      assert.ok(partnersSeen.has(A) && partnersSeen.has(B));
      const scorecard = await h.call(
        'channelManager',
        'GET',
        `/api/partners/scorecard?from=2026-07-01&to=2026-09-30&partner=${A}`,
      );
      assert.equal(scorecard.status, 200, JSON.stringify(scorecard.body));
      const ofA = new Map(
        manager.rows.filter((row) => row[0] === A && row[3] === '2026-Q3').map((row) => [row[6], row[7]]),
      );
      for (const [metric, value] of Object.entries(scorecard.body.totals))
        assert.equal(ofA.get(metric), String(value), `totals.${metric}`);
      for (const [metric, value] of Object.entries(scorecard.body.rates)) {
        if (typeof value === 'object' && value !== null) continue; // money rates repeat the totals
        assert.equal(ofA.get(metric), value === null ? '' : String(value), `rates.${metric}`);
      }
      assert.equal(ofA.get('sourcedRevenue'), '300000');

      const monthly = await metrics('channelAdmin', 'from=2026-07&to=2026-09');
      assert.deepEqual([...new Set(monthly.rows.map((row) => row[3]))], ['2026-07', '2026-08', '2026-09']);
      const august = monthly.rows.find((row) => row[0] === A && row[3] === '2026-08' && row[6] === 'sourcedRevenue')!;
      assert.deepEqual(august.slice(7), ['300000', 'money', 'USD']);

      for (const role of ['partnerAdmin', 'partnerRep'] as const) {
        const own = await metrics(role, 'from=2026-07&to=2026-09&grain=quarter');
        assert.ok(own.rows.length > 0);
        assert.deepEqual([...new Set(own.rows.map((row) => row[0]))], [A], `${role} sees only its own partner`);
      }
      const bad = await h.call('channelAdmin', 'GET', '/api/exports/metrics?from=2026-13&to=2026-09&grain=week');
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((error: { field: string }) => error.field),
        ['from', 'grain'],
      );
    });
  });
}
