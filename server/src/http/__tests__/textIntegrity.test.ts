/**
 * Text is stored as it was sent or refused: bodies that are not UTF-8 and strings holding half a
 * character (a lone UTF-16 surrogate) are refused naming the body or the field, at every door that
 * parses a body, and lengths count characters as the schema means them (255 emoji fit 255).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';
import { submissionProblems } from '@prm/core/deals/submission';

const registration = {
  customerDomain: 'text-integrity.example',
  customerCountry: 'DE',
  opportunityName: 'Text integrity firewall refresh',
  currency: 'USD',
  amount: 1_500_000,
  expectedCloseOn: '2027-03-31',
  product: 'Security Suite',
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`text integrity (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(() => h.close());

    const send = (path: string, body: Buffer | string, contentType = 'application/json') =>
      fetch(`${h.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.partnerRep}`, 'content-type': contentType },
        body,
      });
    const count = async () =>
      (await h.call('channelAdmin', 'GET', '/api/deal-registrations?limit=200')).body.data.length;

    it('refuses half a character in a JSON string, naming the field, and stores nothing', async () => {
      const before = await count();
      const json = JSON.stringify({ ...registration, customerName: 'Acme PLACEHOLDER' }).replace(
        'PLACEHOLDER',
        '\\ud83d',
      );
      for (const path of ['/api/deal-registrations', '/api/deal-registrations/register']) {
        const answer = await send(path, json);
        const body: any = await answer.json();
        assert.equal(answer.status, 422, JSON.stringify(body));
        assert.deepEqual(
          body.errors.map((e: { field: string }) => e.field),
          ['customerName'],
        );
        assert.match(body.errors[0].message, /half of a character/);
      }
      const nested = await send(
        '/api/deal-registrations',
        JSON.stringify({ ...registration, 'x\ud800': 1 }).replace('\ud800', '\\udc00'),
      );
      assert.equal(nested.status, 422);
      assert.equal(await count(), before);
    });

    it('refuses a body that is not UTF-8 instead of storing U+FFFD', async () => {
      const before = await count();
      const json = Buffer.from(JSON.stringify({ ...registration, customerName: 'Acme XX' }));
      const at = json.indexOf('XX');
      json[at] = 0xc3; // a two-byte sequence cut short
      json[at + 1] = 0x28;
      for (const path of ['/api/deal-registrations', '/api/deal-registrations/register']) {
        const answer = await send(path, json);
        const body: any = await answer.json();
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.deepEqual(body.errors, [{ field: '(body)', message: 'is not valid UTF-8: send text encoded as UTF-8' }]);
      }
      const csv = Buffer.concat([
        Buffer.from('erpInvoiceId,name\nINV-\xff'.replace('\xff', '')),
        Buffer.from([0xff]),
        Buffer.from(',x\n'),
      ]);
      const imported = await fetch(`${h.base}/api/imports/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.channelAdmin}`, 'content-type': 'text/csv' },
        body: csv,
      });
      const report: any = await imported.json();
      assert.equal(imported.status, 400, JSON.stringify(report));
      assert.deepEqual(
        report.errors.map((e: { field: string }) => e.field),
        ['line 0, (file)'],
      );
      const scim = await fetch(`${h.base}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.channelAdmin}`, 'content-type': 'application/scim+json' },
        body: Buffer.from([0x7b, 0xff, 0x7d]),
      });
      assert.equal(scim.status, 400);
      assert.equal(await count(), before);
    });

    it('counts characters, not UTF-16 units: 255 emoji fit a 255-character field and come back as sent', async () => {
      const emoji = '\u{1F600}'.repeat(255);
      const created = await h.call('partnerRep', 'POST', '/api/deal-registrations', {
        ...registration,
        customerDomain: 'emoji.example',
        customerName: emoji,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const read = await h.call('partnerRep', 'GET', `/api/deal-registrations/${created.body.id}`);
      assert.equal(read.body.customerName, emoji);
      const tooLong = await h.call('partnerRep', 'POST', '/api/deal-registrations', {
        ...registration,
        customerName: `${emoji}\u{1F600}`,
      });
      assert.equal(tooLong.status, 422);
      assert.deepEqual(tooLong.body.errors, [{ field: 'customerName', message: 'must be at most 255 characters' }]);
    });
  });
}

describe('registration submission rules', () => {
  it('counts a name’s length in characters, as the schema declares it', () => {
    const problems = submissionProblems({ customerName: `Acme ${'\u{1F600}'.repeat(251)}` }, '2026-11-26T10:00:00Z');
    assert.ok(
      problems.some((p) => p.field === 'customerName' && p.message === 'Use at most 255 characters (this has 256).'),
      JSON.stringify(problems),
    );
    const fits = submissionProblems({ customerName: `Acme ${'\u{1F600}'.repeat(250)}` }, '2026-11-26T10:00:00Z');
    assert.ok(!fits.some((p) => p.field === 'customerName'), JSON.stringify(fits));
  });
});
