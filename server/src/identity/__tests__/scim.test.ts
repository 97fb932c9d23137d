/**
 * SCIM 2.0 provisioning round trips over real HTTP, on SQLite and PostgreSQL, with request bodies
 * shaped as RFC 7644's examples and as Okta and Entra ID send them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createApiToken, sessionCookie, startSession } from '../../auth/identity.ts';
import type { Role } from '@prm/core/schema/roles';
import { randomBytes } from 'node:crypto';
import { secretBox } from '../../auth/secrets.ts';
import { createSubscription } from '../../webhooks/subscriptions.ts';
import { forgetSubscriptions } from '../../webhooks/outbox.ts';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const prm = 'urn:prm:params:scim:schemas:extension:prm:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`SCIM 2.0 on ${dialect}`, () => {
    let h: Harness;
    let partnerA: string;
    const scim = async (method: string, path: string, body?: unknown, token: string | null = h.tokens.channelAdmin) => {
      const response = await fetch(`${h.base}/scim/v2${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    };
    // Okta's "Create User" request (developer.okta.com SCIM 2.0 reference), with the partner in the enterprise extension.
    const oktaUser = (email: string, partner: string | null = partnerA) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise],
      userName: email,
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: email, type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: `00u-${email.toLowerCase()}`,
      groups: [],
      password: 'not used by the PRM 1',
      active: true,
      ...(partner ? { [enterprise]: { organization: partner } } : {}),
    });
    const me = async (headers: Record<string, string>) => (await fetch(`${h.base}/api/auth/me`, { headers })).status;

    before(async () => {
      h = await startHarness(dialect);
      partnerA = h.records.A.get('partner')!;
    });
    after(() => h.close());

    it('writes each SCIM change to a user to the audit log as object user, without secrets, and as user.* events', async () => {
      await h.store.transaction((t) =>
        createSubscription(
          t,
          secretBox(randomBytes(32)),
          new Date(),
          { allowPrivate: true },
          {
            url: 'http://127.0.0.1:9/users',
            eventTypes: ['user.*'],
          },
        ),
      );
      forgetSubscriptions(h.store.db);
      const created = await scim('POST', '/Users', oktaUser('audited@partner-a.example'));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id;
      const patch = (Operations: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: [patchOp], Operations });
      assert.equal((await patch([{ op: 'replace', path: 'displayName', value: 'Audited Person' }])).status, 200);
      assert.equal((await patch([{ op: 'replace', path: 'active', value: false }])).status, 200);
      assert.equal((await patch([{ op: 'replace', path: 'active', value: true }])).status, 200);
      const group = await scim('PATCH', '/Groups/partnerAdmin', {
        schemas: [patchOp],
        Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
      });
      assert.equal(group.status, 204, JSON.stringify(group.body));
      assert.equal((await scim('DELETE', `/Users/${id}`)).status, 204);

      const log = await h.call('channelAdmin', 'GET', `/api/audit-log?object=user&recordId=${id}`);
      const entries = [...log.body.data].reverse();
      assert.deepEqual(
        entries.map((entry: { action: string }) => entry.action),
        ['create', 'invite', 'update', 'deactivate', 'reactivate', 'role_change', 'delete'],
      );
      assert.ok(entries.every((entry: { actorId: string }) => entry.actorId === h.admin.userId));
      assert.equal(entries[0].after.email, 'audited@partner-a.example');
      assert.equal(entries[5].before.role, 'partnerRep');
      assert.equal(entries[5].after.role, 'partnerAdmin');
      assert.equal(entries[6].after, null);
      const text = JSON.stringify(log.body);
      assert.ok(!/password|hash|token|secret/i.test(text), text);
      const events = await h.store.db.selectFrom('webhook_event').select('type').where('record_id', '=', id).execute();
      // Named by the event catalog (webhooks/catalog.ts): a reactivation and a role change are updates.
      assert.deepEqual(
        events.map((event) => event.type).sort(),
        [
          'user.created',
          'user.invited',
          'user.updated',
          'user.deactivated',
          'user.updated',
          'user.updated',
          'user.deleted',
        ].sort(),
      );
    });

    it('creates, reads, filters, pages, patches, deactivates, reactivates and deletes a partner user', async () => {
      const created = await scim('POST', '/Users', oktaUser('Jo.Partner@partner-a.example'));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(created.headers.get('content-type')!, /^application\/scim\+json/);
      const id = created.body.id;
      assert.equal(created.headers.get('location'), `${h.base}/scim/v2/Users/${id}`);
      assert.equal(created.body.userName, 'jo.partner@partner-a.example');
      assert.equal(created.body[enterprise].organization, partnerA);
      assert.equal(created.body[prm].role, 'partnerRep');
      assert.equal(created.body.active, true);

      const read = await scim('GET', `/Users/${id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.name.givenName, 'Test');
      assert.equal(read.body.externalId, created.body.externalId);

      // userName is case-insensitive (RFC 7643 §4.1.1); Okta and Entra look users up this way first.
      const found = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('userName eq "JO.PARTNER@partner-a.example"')}`,
      );
      assert.equal(found.body.totalResults, 1);
      assert.equal(found.body.Resources[0].id, id);
      const none = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@x.example"')}`);
      assert.deepEqual([none.status, none.body.totalResults, none.body.Resources], [200, 0, []]);

      for (const n of [1, 2, 3])
        assert.equal((await scim('POST', '/Users', oktaUser(`page${n}@partner-a.example`))).status, 201);
      const everyone = await scim('GET', '/Users');
      const pageTwo = await scim('GET', '/Users?startIndex=2&count=2');
      assert.equal(pageTwo.body.totalResults, everyone.body.totalResults);
      assert.equal(pageTwo.body.startIndex, 2);
      assert.equal(pageTwo.body.itemsPerPage, 2);
      assert.deepEqual(
        pageTwo.body.Resources.map((user: { id: string }) => user.id),
        everyone.body.Resources.slice(1, 3).map((user: { id: string }) => user.id),
      );
      const complex = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('(userName sw "page" and not (userName ew "3@partner-a.example")) or emails[type eq "work" and value co "jo.partner"]')}&attributes=userName`,
      );
      assert.deepEqual(complex.body.Resources.map((user: { userName: string }) => user.userName).sort(), [
        'jo.partner@partner-a.example',
        'page1@partner-a.example',
        'page2@partner-a.example',
      ]);
      assert.equal(complex.body.Resources[0].emails, undefined, 'attributes=userName leaves emails out');
      const recent = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('meta.lastModified gt "2000-01-01T00:00:00Z" and externalId pr')}`,
      );
      assert.equal(recent.body.totalResults, 4);
      const older = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('meta.lastModified lt "2000-01-01T00:00:00Z"')}`,
      );
      assert.equal(older.body.totalResults, 0);

      // Entra ID's update: capitalised op, path forms, and the email through a value filter.
      const patched = await scim('PATCH', `/Users/${id}`, {
        schemas: [patchOp],
        Operations: [
          { op: 'Replace', path: 'name.givenName', value: 'Joanna' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'joanna@partner-a.example' },
          { op: 'Add', path: 'displayName', value: 'Joanna User' },
          { op: 'remove', path: 'externalId' },
        ],
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.name.givenName, 'Joanna');
      assert.equal(patched.body.userName, 'joanna@partner-a.example');
      assert.equal(patched.body.displayName, 'Joanna User');
      assert.equal(patched.body.externalId, undefined);

      // Entra ID's form for an extension attribute: the URN, a colon, the attribute. Moving the user to
      // partner B by its CRM id (or id) changes which records they see.
      const partnerB = h.records.B.get('partner')!;
      const crmB = `CRM-B-${dialect}`;
      // The CRM id as a CRM sync would have set it on the partner.
      await h.store.db.updateTable('partner').set({ crm_id: crmB }).where('id', '=', partnerB).execute();
      const moved = await scim('PATCH', `/Users/${id}`, {
        schemas: [patchOp],
        Operations: [{ op: 'Add', path: `${enterprise}:organization`, value: crmB }],
      });
      assert.equal(moved.body[enterprise].organization, partnerB);
      const back = await scim('PATCH', `/Users/${id}`, {
        schemas: [patchOp],
        Operations: [{ op: 'replace', value: { [enterprise]: { organization: partnerA } } }],
      });
      assert.equal(back.body[enterprise].organization, partnerA);

      // A real session and a real API token of that user, then deactivation stops both at once.
      const tx = { db: h.store.db, dialect };
      const actor = {
        userId: id,
        email: 'joanna@partner-a.example',
        name: 'Joanna User',
        role: 'partnerRep' as Role,
        partnerId: partnerA,
      };
      const session = await startSession(tx, new Date(), actor);
      const { token } = await createApiToken(tx, new Date(), actor, 'partner script');
      const cookie = { cookie: `${sessionCookie}=${session.id}` };
      const bearer = { authorization: `Bearer ${token}` };
      assert.deepEqual([await me(cookie), await me(bearer)], [200, 200]);
      const deactivated = await scim('PATCH', `/Users/${id}`, {
        schemas: [patchOp],
        Operations: [{ op: 'replace', value: { active: false } }],
      });
      assert.equal(deactivated.body.active, false);
      assert.deepEqual([await me(cookie), await me(bearer)], [401, 401]);

      // Entra ID sends the boolean as text.
      const reactivated = await scim('PATCH', `/Users/${id}`, {
        schemas: [patchOp],
        Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
      });
      assert.equal(reactivated.body.active, true);
      assert.equal(await me(bearer), 401, 'tokens of a deactivated user are gone, not merely paused');

      const replaced = await scim('PUT', `/Users/${id}`, {
        ...oktaUser('joanna@partner-a.example'),
        id,
        name: { givenName: 'Jo', familyName: 'Anna' },
        active: true,
      });
      assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
      assert.equal(replaced.body.name.familyName, 'Anna');

      assert.equal((await scim('DELETE', `/Users/${id}`)).status, 204);
      const gone = await scim('GET', `/Users/${id}`);
      assert.equal(gone.status, 404);
      assert.deepEqual(gone.body.schemas, [errorSchema]);
    });

    it("changes a user's role through group membership, and back when removed", async () => {
      const user = (await scim('POST', '/Users', oktaUser('grouped@partner-a.example'))).body;
      const groups = await scim(
        'GET',
        `/Groups?filter=${encodeURIComponent('displayName eq "PRM Partner Admins"')}&excludedAttributes=members`,
      );
      assert.equal(groups.body.totalResults, 1);
      assert.equal(groups.body.Resources[0].members, undefined);
      const groupId = groups.body.Resources[0].id;
      const added = await scim('PATCH', `/Groups/${groupId}`, {
        schemas: [patchOp],
        Operations: [{ op: 'Add', path: 'members', value: [{ value: user.id }] }],
      });
      assert.equal(added.status, 204, JSON.stringify(added.body));
      assert.equal((await scim('GET', `/Users/${user.id}`)).body[prm].role, 'partnerAdmin');
      const group = await scim('GET', `/Groups/${groupId}`);
      assert.ok(group.body.members.some((member: { value: string }) => member.value === user.id));
      // A vendor role cannot go to a partner's user.
      const wrong = await scim('PATCH', '/Groups/channelManager', {
        schemas: [patchOp],
        Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }],
      });
      assert.deepEqual([wrong.status, wrong.body.scimType], [400, 'invalidValue']);
      assert.match(wrong.body.detail, /members/);
      // Okta's member removal form.
      const removed = await scim('PATCH', `/Groups/${groupId}`, {
        schemas: [patchOp],
        Operations: [{ op: 'remove', path: `members[value eq "${user.id}"]` }],
      });
      assert.equal(removed.status, 204);
      assert.equal((await scim('GET', `/Users/${user.id}`)).body[prm].role, 'partnerRep');
      const renamed = await scim('PATCH', `/Groups/${groupId}`, {
        schemas: [patchOp],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Admins' }],
      });
      assert.deepEqual([renamed.status, renamed.body.scimType], [400, 'mutability']);
    });

    it('refuses bad filters, bad bodies, duplicates and a changed id with the SCIM error and scimType', async () => {
      const badFilter = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq')}`);
      assert.deepEqual(
        [badFilter.status, badFilter.body.scimType, badFilter.body.schemas],
        [400, 'invalidFilter', [errorSchema]],
      );
      const noName = await scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        [enterprise]: { organization: partnerA },
      });
      assert.deepEqual([noName.status, noName.body.scimType], [400, 'invalidValue']);
      assert.match(noName.body.detail, /userName/);
      const unknownPartner = await scim('POST', '/Users', oktaUser('lost@partner-z.example', 'no-such-partner'));
      assert.deepEqual([unknownPartner.status, unknownPartner.body.scimType], [400, 'invalidValue']);
      assert.match(unknownPartner.body.detail, /organization/);
      const noRole = await scim('POST', '/Users', oktaUser('vendor@vendor.example', null));
      assert.equal(noRole.status, 400);
      assert.match(noRole.body.detail, /role/);
      const broken = await scim('POST', '/Users', '{"userName": ');
      assert.deepEqual([broken.status, broken.body.scimType], [400, 'invalidSyntax']);
      const first = await scim('POST', '/Users', oktaUser('twice@partner-a.example'));
      const before = await scim('GET', '/Users');
      const duplicate = await scim('POST', '/Users', { ...oktaUser('TWICE@partner-a.example'), externalId: 'other' });
      assert.deepEqual([duplicate.status, duplicate.body.scimType], [409, 'uniqueness']);
      assert.match(duplicate.body.detail, /userName/);
      assert.equal((await scim('GET', '/Users')).body.totalResults, before.body.totalResults, 'nothing was created');
      const moved = await scim('PUT', `/Users/${first.body.id}`, {
        ...oktaUser('twice@partner-a.example'),
        id: 'another-id',
      });
      assert.deepEqual([moved.status, moved.body.scimType], [400, 'mutability']);
      const idPatch = await scim('PATCH', `/Users/${first.body.id}`, {
        schemas: [patchOp],
        Operations: [{ op: 'replace', path: 'id', value: 'x' }],
      });
      assert.deepEqual([idPatch.status, idPatch.body.scimType], [400, 'mutability']);
      const noSchema = await scim('PATCH', `/Users/${first.body.id}`, { Operations: [] });
      assert.deepEqual([noSchema.status, noSchema.body.scimType], [400, 'invalidSyntax']);
    });

    it("serves only a channelAdmin's token: everyone else, partners included, gets a SCIM 401 or 403", async () => {
      for (const role of ['channelManager', 'salesRep', 'partnerAdmin', 'partnerRep'] as const) {
        for (const [method, path, body] of [
          ['GET', '/Users', undefined],
          ['POST', '/Users', oktaUser(`sneaky-${role}@partner-a.example`)],
          ['GET', '/Groups', undefined],
          [
            'PATCH',
            '/Groups/channelAdmin',
            { schemas: [patchOp], Operations: [{ op: 'add', path: 'members', value: [] }] },
          ],
        ] as const) {
          const answer = await scim(method, path, body, h.tokens[role]);
          assert.equal(answer.status, 403, `${role} ${method} ${path}`);
          assert.deepEqual(answer.body.schemas, [errorSchema]);
          assert.equal(answer.body.status, '403');
        }
      }
      const anonymous = await scim('GET', '/Users', undefined, null);
      assert.equal(anonymous.status, 401);
      const badToken = await scim('GET', '/Users', undefined, 'prm_not-a-token');
      assert.deepEqual([badToken.status, badToken.body.schemas], [401, [errorSchema]]);
      // A signed-in browser of a channelAdmin is not the provider's service account.
      const tx = { db: h.store.db, dialect };
      const session = await startSession(tx, new Date(), h.admin);
      const viaCookie = await fetch(`${h.base}/scim/v2/Users`, {
        headers: { cookie: `${sessionCookie}=${session.id}` },
      });
      assert.equal(viaCookie.status, 401);
    });

    it('refuses to deactivate, delete or demote its own service account, changing nothing', async () => {
      const self = h.admin.userId;
      const off = await scim('PATCH', `/Users/${self}`, {
        schemas: [patchOp],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });
      assert.deepEqual([off.status, off.body.scimType], [400, 'invalidValue']);
      assert.equal((await scim('DELETE', `/Users/${self}`)).status, 400);
      const demoted = await scim('PATCH', '/Groups/channelAdmin', {
        schemas: [patchOp],
        Operations: [{ op: 'remove', path: `members[value eq "${self}"]` }],
      });
      assert.equal(demoted.status, 400);
      const still = await scim('GET', `/Users/${self}`);
      assert.deepEqual([still.body.active, still.body[prm].role], [true, 'channelAdmin']);
    });

    it('describes itself: ServiceProviderConfig, ResourceTypes and Schemas', async () => {
      const config = await scim('GET', '/ServiceProviderConfig');
      assert.equal(config.body.patch.supported, true);
      assert.equal(config.body.filter.supported, true);
      const types = await scim('GET', '/ResourceTypes');
      assert.deepEqual(
        types.body.Resources.map((type: { id: string }) => type.id),
        ['User', 'Group'],
      );
      const schemas = await scim('GET', '/Schemas');
      assert.ok(schemas.body.Resources.some((schema: { id: string }) => schema.id === prm));
    });
  });
}
