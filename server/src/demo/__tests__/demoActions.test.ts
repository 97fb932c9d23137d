/**
 * Every action the server declares, walked once on a freshly seeded demo (what a newcomer clicks after
 * `npm start`), as a role allowed to take it: each succeeds on some demo record, and none answers 5xx
 * or blames the program's configuration. A demo record that stops an action (a routing rule naming a
 * tier that does not exist) fails here instead of on the newcomer's first click.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { roleDefinitions, type Role } from '@prm/core/schema/roles';
import { buildApp } from '../../http/app.ts';
import { loadActions, type ActionDefinition } from '../../http/actions.ts';
import { secretBox } from '../../auth/secrets.ts';
import { createApiToken } from '../../auth/identity.ts';
import type { Actor } from '../../auth/policy.ts';
import { testStores } from '../../store/__tests__/stores.ts';
import type { Store } from '../../store/database.ts';
import { seedDemo } from '../seed.ts';

const now = new Date('2026-11-26T10:00:00Z');
const actions = await loadActions();

type Call = (role: Role, method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** A body a person would send; ids are read from the demo as the caller sees it. */
async function bodyFor(action: ActionDefinition, role: Role, call: Call): Promise<Record<string, unknown>> {
  const first = async (collection: string, where = '') =>
    (await call(role, 'GET', `/api/${collection}?limit=200${where}`)).body.data[0]?.id;
  switch (`${action.object}.${action.name}`) {
    case 'dealRegistration.register':
      return {
        customerName: 'Newcomer Industries',
        customerDomain: 'newcomer-industries.example',
        customerCountry: 'DE',
        opportunityName: 'Newcomer firewall refresh',
        currency: 'USD',
        amount: 1_500_000,
        expectedCloseOn: '2027-03-31',
        product: 'Security Suite',
      };
    case 'dealRegistration.approve':
    case 'dealRegistration.reject':
    case 'dealRegistration.withdraw':
    case 'partnerApplication.decide':
      return { ...(action.name === 'decide' ? { verdict: 'accept' } : {}), reason: 'Checked with the customer.' };
    case 'dealRegistration.extend':
      return { days: 30, reason: 'The customer’s board meets in April.' };
    case 'enrollment.complete':
      return { score: 90 };
    case 'fundRequest.decide':
      return { verdict: 'approve', approvedAmount: 100, decisionReason: 'Fits the plan.' };
    case 'fundClaim.submit':
      return { proofOfPerformanceUrl: 'https://files.example/attendees.csv' };
    case 'fundClaim.decide':
      return { verdict: 'approve' };
    case 'fundClaim.pay':
      return { paymentReference: 'PAY-1' };
    case 'fundRequest.request':
      return {
        mdfAllocation: await first('mdf-allocations'),
        activityName: 'Newcomer webinar',
        activityType: 'webinar',
        activityStart: '2026-12-01',
        activityEnd: '2026-12-01',
        currency: 'USD',
        requestedAmount: 10_000,
        expectedLeads: 10,
      };
    case 'fundClaim.claim':
      return {
        fundRequest: await first('fund-requests', '&status=approved'),
        currency: 'USD',
        claimedAmount: 1_000,
        proofOfPerformanceUrl: 'https://files.example/attendees.csv',
      };
    case 'partner.metrics':
    case 'partner.scorecard':
      return { from: '2026-07-01', to: '2026-09-30' };
    case 'partnerApplication.apply':
      return {
        companyName: 'Newcomer Partners GmbH',
        website: 'https://newcomer-partners.example',
        country: 'DE',
        partnerType: 'reseller',
        contactName: 'Nora Newcomer',
        contactEmail: 'nora@newcomer-partners.example',
      };
    case 'agreement.sign':
      return { typedName: 'Pat Partner', versionShown: '' };
    case 'leadOffer.decline':
      return { declineReason: 'no_capacity' };
    case 'tier.simulate':
      return { tiers: [{ id: await first('tiers'), minWonDeals: 1 }] };
    case 'partner.change-tier':
      return { verdict: 'reject', reason: 'Not this quarter.' };
    default:
      return {};
  }
}

/** Partner users first where partners may act (what the portal shows first), then the vendor's roles. */
const rolesFor = (action: ActionDefinition): Role[] =>
  action.roles.length === 0
    ? ['channelAdmin']
    : [...action.roles].sort(
        (a, b) => Number(roleDefinitions[b].isPartnerUser) - Number(roleDefinitions[a].isPartnerUser),
      );

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`every action on the fresh demo (${dialect})`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let call: Call;
    before(async () => {
      ({ store, dispose } = await testStores[dialect]());
      await store.transaction((tx) => seedDemo(tx, now));
      const tokens = new Map<string, string>();
      const users = await store.db.selectFrom('app_user').selectAll().orderBy('email').execute();
      for (const user of users) {
        if (tokens.has(user.role)) continue;
        const actor = { userId: user.id, role: user.role, partnerId: user.partner_id ?? null } as unknown as Actor;
        tokens.set(user.role, (await createApiToken({ db: store.db, dialect }, now, actor, 'walk')).token);
      }
      app = await buildApp({ store, now: () => now, secureCookies: false, secrets: secretBox(randomBytes(32)) });
      call = async (role, method, path, body) => {
        const answer = await app.inject({
          method: method as 'GET',
          url: method === 'GET' && body ? `${path}?${new URLSearchParams(body as Record<string, string>)}` : path,
          headers: { authorization: `Bearer ${tokens.get(role)}` },
          ...(method === 'GET' ? {} : { payload: body as Record<string, unknown> }),
        });
        return { status: answer.statusCode, body: answer.json() };
      };
    });
    after(async () => {
      await app.close();
      await dispose();
    });

    it('has no routing rule the vendor must fix', async () => {
      const answer = await call('channelAdmin', 'GET', '/api/routing-rules/problems');
      assert.deepEqual(answer.body, { problems: [] });
    });

    for (const action of actions) {
      it(`${action.object}.${action.name}, as the first allowed role with demo records to act on`, async () => {
        const object = prmObjects.find((candidate) => candidate.name === action.object)!;
        const path = `/api/${restCollection(object)}`;
        const answers: { role: Role; status: number; body: any }[] = [];
        for (const role of rolesFor(action)) {
          const body = await bodyFor(action, role, call);
          // The role sees nothing to name in the body (no approved request of its own): the next role.
          if (Object.values(body).some((value) => value === undefined)) continue;
          if (action.on === 'collection') {
            answers.push({ role, ...(await call(role, action.method, `${path}/${action.name}`, body)) });
            break;
          }
          const records = (await call(role, 'GET', `${path}?limit=200`)).body.data as {
            id: string;
            agreementVersion?: string;
          }[];
          for (const record of records.slice(0, 40)) {
            const sent = action.name === 'sign' ? { ...body, versionShown: record.agreementVersion } : body;
            const answer = { role, ...(await call(role, 'POST', `${path}/${record.id}/${action.name}`, sent)) };
            answers.push(answer);
            if (answer.status < 300) break;
          }
          if (answers.length) break;
        }
        assert.ok(answers.length > 0, 'the demo has records to act on');
        for (const answer of answers) {
          const said = `${answer.role}: ${answer.status} ${JSON.stringify(answer.body)}`;
          assert.ok(answer.status < 500, said);
          // A 409 says the record's state does not allow it (a budget already allocated): a true answer.
          // A 422 to a valid body is the demo's data at fault, as the configuration's problem would be.
          assert.notEqual(answer.status, 422, said);
          assert.notEqual(answer.body?.type, '/problems/program-configuration', said);
        }
      });
    }
  });
}
