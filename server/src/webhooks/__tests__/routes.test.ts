import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { roles, type Role } from '@prm/core/schema/roles';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { isBlockedAddress } from '../ssrf.ts';
import { forgetSubscriptions } from '../outbox.ts';
import { eventCatalog } from '../catalog.ts';

const base = '/api/webhooks/subscriptions';

describe('webhook subscriptions API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite');
  });
  after(() => h.close());

  const create = (body: unknown) => h.call('channelAdmin', 'POST', base, body);

  it('creates a subscription and shows its whsec_ secret only on creation and rotation', async () => {
    const made = await create({
      url: 'https://93.184.216.34/hooks',
      eventTypes: ['dealRegistration.*'],
      description: 'CRM',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.secret, /^whsec_/);
    assert.equal(made.headers.get('cache-control'), 'no-store');
    assert.equal(made.headers.get('location'), `${base}/${made.body.id}`);
    assert.deepEqual(made.body.eventTypes, ['dealRegistration.*']);
    assert.equal(made.body.active, true);
    const stored = await h.store.db
      .selectFrom('webhook_subscription')
      .selectAll()
      .where('id', '=', made.body.id)
      .executeTakeFirstOrThrow();
    assert.ok(!String(stored.secret_sealed).includes(made.body.secret.slice(6)), 'sealed at rest');
    const read = await h.call('channelAdmin', 'GET', `${base}/${made.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, undefined);
    assert.ok(!JSON.stringify((await h.call('channelAdmin', 'GET', base)).body).includes('whsec_'));
    const rotated = await h.call('channelAdmin', 'POST', `${base}/${made.body.id}/rotate-secret`);
    assert.equal(rotated.status, 200);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, made.body.secret);
    const changed = await h.call('channelAdmin', 'PATCH', `${base}/${made.body.id}`, {
      active: false,
      eventTypes: ['*'],
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.active, false);
    assert.deepEqual(changed.body.eventTypes, ['*']);
    assert.equal((await h.call('channelAdmin', 'DELETE', `${base}/${made.body.id}`)).status, 204);
    const gone = await h.call('channelAdmin', 'GET', `${base}/${made.body.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.deepEqual(
      { type: gone.body.type, title: gone.body.title, detail: gone.body.detail },
      {
        type: '/problems/not-found',
        title: 'No such subscription',
        detail: `No webhook subscription has the id ${made.body.id}.`,
      },
    );
  });

  it('names the field of bad input and stores nothing', async () => {
    const before = (await h.call('channelAdmin', 'GET', base)).body.data.length;
    const cases: [unknown, string][] = [
      [{ eventTypes: ['*'] }, 'url'],
      [{ url: 'https://93.184.216.34/', eventTypes: [] }, 'eventTypes'],
      [{ url: 'https://93.184.216.34/', eventTypes: ['deal registration approved'] }, 'eventTypes.0'],
      [{ url: 'https://93.184.216.34/', eventTypes: ['*'], active: 'yes' }, 'active'],
      [{ url: 'https://93.184.216.34/', eventTypes: ['*'], secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const answer = await create(body);
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.ok(
        answer.body.errors?.some((p: { field: string }) => p.field === field),
        `${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`,
      );
    }
    assert.equal((await h.call('channelAdmin', 'GET', base)).body.data.length, before);
  });

  it('answers bad input with 422 naming the field, and its document says 422, never 400', async () => {
    const made = await create({ url: 'https://93.184.216.34/q', eventTypes: ['*'] });
    const deliveries = `${base}/${made.body.id}/deliveries`;
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=201', 'limit'],
      ['?after=abc', 'after'],
      ['?colour=red', 'colour'],
    ]) {
      const answer = await h.call('channelAdmin', 'GET', `${deliveries}${query}`);
      assert.equal(answer.status, 422, `${query}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(
        answer.body.errors.map((p: { field: string }) => p.field),
        [field],
        query,
      );
    }
    const unknownKeys = await h.call('channelAdmin', 'PATCH', `${base}/${made.body.id}`, { colour: 'red', size: 2 });
    assert.deepEqual(
      unknownKeys.body.errors.map((p: { field: string }) => p.field),
      ['colour', 'size'],
    );
    const document = (await h.call(null, 'GET', '/api/docs.json')).body;
    const operations = Object.entries(document.paths as Record<string, Record<string, { responses?: object }>>)
      .filter(([path]) => path.startsWith('/api/webhooks/'))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => method !== 'parameters')
          .map(([method, operation]) => [`${method} ${path}`, Object.keys(operation.responses ?? {})] as const),
      );
    assert.ok(operations.length >= 7);
    for (const [operation, statuses] of operations) assert.ok(!statuses.includes('400'), operation);
    for (const [operation, statuses] of operations)
      if (/^(post|patch) .*subscriptions(\/\{id\})?$|deliveries/.test(operation))
        assert.ok(statuses.includes('422'), operation);
    await h.call('channelAdmin', 'DELETE', `${base}/${made.body.id}`);
  });

  it('rejects subscriber URLs on loopback, private, link-local and reserved addresses, naming `url`', async () => {
    for (const url of [
      'http://example.com/hooks',
      'https://127.0.0.1/hooks',
      'https://localhost/hooks',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://user:password@example.com/',
      'not a url',
      'https://no-such-host.invalid/',
    ]) {
      const answer = await create({ url, eventTypes: ['*'] });
      assert.equal(answer.status, 422, url);
      assert.equal(answer.body.errors[0].field, 'url', url);
      assert.match(answer.body.errors[0].message, /https|loopback|absolute|user name|does not resolve/, url);
    }
    const made = await create({ url: 'https://93.184.216.34/ok', eventTypes: ['*'] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const patched = await h.call('channelAdmin', 'PATCH', `${base}/${made.body.id}`, { url: 'https://192.168.0.10/' });
    assert.equal(patched.status, 422);
    assert.equal(patched.body.errors[0].field, 'url');
    assert.equal((await h.call('channelAdmin', 'GET', `${base}/${made.body.id}`)).body.url, 'https://93.184.216.34/ok');
    await h.call('channelAdmin', 'DELETE', `${base}/${made.body.id}`);
  });

  it('classifies addresses: public ones pass, the special ranges (IPv4-mapped too) do not', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])
      assert.equal(isBlockedAddress(address), false, address);
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.127.0.1',
      '0.1.2.3',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fc00::1',
      'fdff::1',
      'fe80::1',
      'ff02::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      'not-an-ip',
    ])
      assert.equal(isBlockedAddress(address), true, address);
  });

  it('lets only the channel admin reach any webhooks endpoint', async () => {
    const made = await create({ url: 'https://93.184.216.34/authz', eventTypes: ['*'] });
    const id = made.body.id;
    const endpoints: [string, string, unknown?][] = [
      ['POST', base, { url: 'https://93.184.216.34/x', eventTypes: ['*'] }],
      ['GET', base],
      ['GET', `${base}/${id}`],
      ['PATCH', `${base}/${id}`, { description: 'taken over' }],
      ['POST', `${base}/${id}/rotate-secret`],
      ['GET', `${base}/${id}/deliveries`],
      ['POST', `${base}/${id}/replay`, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }],
      ['DELETE', `${base}/${id}`],
    ];
    for (const [method, path, body] of endpoints) {
      for (const role of roles.filter((r) => r !== 'channelAdmin') as Role[]) {
        const answer = await h.call(role, method, path, body);
        assert.equal(answer.status, 403, `${role} ${method} ${path}`);
        assert.ok(!JSON.stringify(answer.body).includes('93.184.216.34'), `${role} learns nothing of the subscription`);
      }
      assert.equal((await h.call(null, method, path, body)).status, 401, `anonymous ${method} ${path}`);
    }
    const after = await h.call('channelAdmin', 'GET', `${base}/${id}`);
    assert.equal(after.body.description, null, 'nothing changed');
    for (const [method, path, body] of endpoints) {
      const answer = await h.call('channelAdmin', method, path, body);
      assert.ok([200, 201, 202, 204].includes(answer.status), `channelAdmin ${method} ${path}: ${answer.status}`);
    }
  });
});

describe('event types of real changes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite');
  });
  after(() => h.close());

  it('announces a tier change and a registration’s submission and approval', async () => {
    const made = await h.call('channelAdmin', 'POST', base, { url: 'https://93.184.216.34/all', eventTypes: ['*'] });
    assert.equal(made.status, 201);
    forgetSubscriptions(h.store.db);
    const program = (
      await h.call('channelAdmin', 'POST', '/api/programs', {
        name: 'P',
        currency: 'USD',
        extensionPolicy: 'once',
        extensionDays: 30,
      })
    ).body;
    const gold = (
      await h.call('channelAdmin', 'POST', '/api/tiers', {
        name: 'Gold',
        program: program.id,
        rank: 3,
        currency: 'USD',
        protectionDays: 120,
        autoApproveUpTo: 5_000_000,
        registeredDealUplift: 5,
      })
    ).body;
    const partnerPath = `/api/partners/${h.records.A.get('partner')}`;
    const etag = (await h.call('channelAdmin', 'GET', partnerPath)).headers.get('etag')!;
    const enrolled = await h.call(
      'channelAdmin',
      'PATCH',
      partnerPath,
      { program: program.id, tier: gold.id, status: 'active' },
      { 'if-match': etag },
    );
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
    const registered = await h.call('partnerRep', 'POST', '/api/deal-registrations/register', {
      customerName: 'Acme Corporation',
      customerDomain: 'acme.example',
      customerCountry: 'DE',
      opportunityName: 'Acme refresh',
      currency: 'USD',
      amount: 1_500_000,
      expectedCloseOn: '2027-03-31',
      product: 'Security Suite',
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const types = async (recordId: string) =>
      (
        await h.store.db
          .selectFrom('webhook_event')
          .select(['type', 'payload'])
          .where('record_id', '=', recordId)
          .orderBy('created_at')
          .execute()
      ).map((e) => e.type);
    assert.deepEqual(await types(h.records.A.get('partner')!), ['partner.tierChanged']);
    const registrationTypes = await types(registered.body.record.id);
    assert.ok(registrationTypes.includes('dealRegistration.approved'), registrationTypes.join());
    assert.ok(
      registrationTypes.every((type) => type.startsWith('dealRegistration.')),
      registrationTypes.join(),
    );
    const audit = await h.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('record_id', '=', registered.body.record.id)
      .execute();
    assert.deepEqual(
      audit.map((entry) => entry.action),
      ['register'],
    );
    assert.deepEqual(
      registrationTypes,
      ['dealRegistration.created', 'dealRegistration.approved'],
      'registered and approved at once: created, and the status it landed in',
    );
    const known = new Set(eventCatalog().map((entry) => entry.type));
    const all = await h.store.db.selectFrom('webhook_event').select('type').execute();
    assert.deepEqual(
      all.filter((event) => !known.has(event.type)),
      [],
      'every event sent is in the catalog',
    );
  });
});
