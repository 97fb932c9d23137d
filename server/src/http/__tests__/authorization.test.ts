/**
 * The authorization matrix, generated from the schema and the routes: every object's endpoints, for
 * every role, against the role's own partner's records and another partner's. Expectations are read
 * straight from the schema's access declarations, not from the policy code under test.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prmObjects } from '../../../../shared/src/schema/registry.ts';
import type { PrmObject } from '../../../../shared/src/schema/object.ts';
import { restCollection } from '../../../../shared/src/hosts/rest.ts';
import { roles, roleDefinitions, type Access, type Role } from '../../../../shared/src/schema/roles.ts';
import { validInput } from '../../store/__tests__/fixtures.ts';
import { startHarness, ownerOf, type Harness } from './harness.ts';
import { loadActions } from '../actions.ts';

const actions = await loadActions();

const rank: Record<Access, number> = { none: 0, read: 1, edit: 2 };
const declared = (object: PrmObject, role: Role): Access => object.access[role] ?? 'none';
const declaredField = (object: PrmObject, name: string, role: Role): Access => {
  const own = object.fields[name].access?.[role] ?? declared(object, role);
  return rank[own] < rank[declared(object, role)] ? own : declared(object, role);
};
const scoped = (object: PrmObject, role: Role) => roleDefinitions[role].isPartnerUser && Boolean(object.partnerField);

describe('authorization matrix: every endpoint × every role × own and other partner', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  for (const object of prmObjects) {
    const path = `/api/${restCollection(object)}`;
    for (const role of roles) {
      const access = declared(object, role);
      it(`${object.name} as ${role} (${access}${scoped(object, role) ? ', own partner only' : ''})`, async () => {
        const mine = h.records.A.get(object.name)!;
        const theirs = h.records.B.get(object.name)!;

        const list = await h.call(role, 'GET', `${path}?limit=200`);
        if (access === 'none') {
          assert.equal(list.status, 403, 'list is refused');
        } else {
          assert.equal(list.status, 200);
          const ids = list.body.data.map((r: { id: string }) => r.id);
          assert.ok(ids.includes(mine), 'sees its own partner\u2019s record');
          if (scoped(object, role)) {
            assert.ok(!ids.includes(theirs), 'never sees another partner\u2019s record');
            for (const record of list.body.data) assert.equal(ownerOf(object, record), h.records.A.get('partner'));
          } else assert.ok(ids.includes(theirs));
        }

        const own = await h.call(role, 'GET', `${path}/${mine}`);
        assert.equal(own.status, access === 'none' ? 403 : 200);
        if (own.status === 200) {
          const visible = Object.keys(object.fields)
            .filter((name) => declaredField(object, name, role) !== 'none')
            .sort();
          const returned = Object.keys(own.body)
            .filter((key) => key in object.fields)
            .sort();
          assert.deepEqual(returned, visible, 'returns exactly the fields the role may read');
        }

        const other = await h.call(role, 'GET', `${path}/${theirs}`);
        assert.equal(other.status, access === 'none' ? 403 : scoped(object, role) ? 404 : 200);

        const versionOfTheirs = (await h.call('channelAdmin', 'GET', `${path}/${theirs}`)).headers.get('etag')!;
        const patch = await h.call(role, 'PATCH', `${path}/${theirs}`, {}, { 'if-match': versionOfTheirs });
        assert.equal(patch.status, access !== 'edit' ? 403 : scoped(object, role) ? 404 : 200);

        const remove = await h.call(role, 'DELETE', `${path}/${theirs}`, undefined, { 'if-match': '"999"' });
        const mayDelete = access === 'edit' && roleDefinitions[role].mayDelete;
        assert.equal(remove.status, !mayDelete ? 403 : scoped(object, role) ? 404 : 412);

        const input = validInput(object, 5000 + roles.indexOf(role), (target) => h.records.A.get(target)!);
        const sentFields = Object.keys(input).filter(
          (name) => name !== 'name' && !(roleDefinitions[role].isPartnerUser && name === object.partnerField),
        );
        const mayCreate = access === 'edit' && sentFields.every((name) => declaredField(object, name, role) === 'edit');
        const created = await h.call(role, 'POST', path, input);
        assert.equal(created.status, mayCreate ? 201 : 403, JSON.stringify(created.body));
        if (created.status === 403 && access === 'edit') {
          assert.ok(created.body.errors.length > 0, 'names the fields the role may not set');
        }
      });
    }
  }

  for (const action of actions) {
    const object = prmObjects.find((o) => o.name === action.object)!;
    const path = `/api/${restCollection(object)}`;
    for (const role of roles) {
      const allowed = (action.on === 'collection' && action.public) || action.roles.includes(role);
      it(`action ${action.object}.${action.name} as ${role} (${allowed ? 'allowed' : 'refused'})`, async () => {
        if (action.on === 'collection') {
          const response = await h.call(
            role,
            action.method,
            `${path}/${action.name}`,
            action.method === 'POST' ? {} : undefined,
          );
          if (!allowed) assert.equal(response.status, 403);
          else
            assert.ok(
              response.status !== 403 && response.status < 500,
              `${response.status} ${JSON.stringify(response.body)}`,
            );
          return;
        }
        const other = await h.call(role, 'POST', `${path}/${h.records.B.get(object.name)}/${action.name}`, {});
        assert.equal(other.status, !allowed ? 403 : scoped(object, role) ? 404 : other.status);
        assert.ok(other.status < 500, JSON.stringify(other.body));
        const own = await h.call(role, 'POST', `${path}/${h.records.A.get(object.name)}/${action.name}`, {});
        if (!allowed) assert.equal(own.status, 403);
        else
          assert.ok(
            ![401, 403, 404].includes(own.status) && own.status < 500,
            `${own.status} ${JSON.stringify(own.body)}`,
          );
      });
    }
  }

  it('a partner user cannot point a record at another partner\u2019s records', async () => {
    const enrollment = prmObjects.find((o) => o.name === 'enrollment')!;
    const input = { partnerContact: h.records.B.get('partnerContact'), course: h.records.A.get('course') };
    const response = await h.call('partnerRep', 'POST', `/api/${restCollection(enrollment)}`, input);
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors, [
      { field: 'partnerContact', message: 'must be the id of a partner contact you can see' },
    ]);
  });

  it('refuses a request without credentials, and the audit log to everyone but admins', async () => {
    assert.equal((await h.call(null, 'GET', '/api/partners')).status, 401);
    for (const role of roles) {
      assert.equal((await h.call(role, 'GET', '/api/audit-log')).status, role === 'channelAdmin' ? 200 : 403);
    }
  });
});
