/**
 * The authorization matrix, generated from the schema and the routes: every object's endpoints, for
 * every role, against the role's own partner's records and another partner's. Expectations are read
 * straight from the schema's access declarations, not from the policy code under test.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prmObjects } from '@prm/core/schema/registry';
import type { PrmObject } from '@prm/core/schema/object';
import { restCollection } from '@prm/core/hosts/rest';
import { roles, roleDefinitions, type Access, type Role } from '@prm/core/schema/roles';
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
const scoped = (object: PrmObject, role: Role) =>
  roleDefinitions[role].isPartnerUser && Boolean(object.partnerField || object.ownedThrough);
/** The lookup's target object, as the schema declares it. */
const targetOf = (object: PrmObject, lookup: string) => {
  const field = object.fields[lookup];
  return prmObjects.find((candidate) => field.kind === 'lookup' && candidate.name === field.target)!;
};

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
            for (const record of list.body.data) {
              if (object.ownedThrough) {
                const parent = targetOf(object, object.ownedThrough).name;
                assert.equal(record[object.ownedThrough], h.records.A.get(parent), 'only rows of its own parents');
              } else if (object.emptyPartnerMeansEveryPartner && ownerOf(object, record) === null) continue;
              else assert.equal(ownerOf(object, record), h.records.A.get('partner'));
            }
          } else assert.ok(ids.includes(theirs));
        }

        const exported = await h.call(role, 'GET', `/api/exports/${restCollection(object)}`);
        assert.equal(exported.status, access === 'none' ? 403 : 200, 'the CSV export, as the list');
        if (access !== 'none') {
          assert.ok(String(exported.body).includes(mine), 'exports its own partner\u2019s record');
          assert.equal(String(exported.body).includes(theirs), !scoped(object, role), 'exports what it may list');
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

  for (const object of prmObjects.filter((candidate) => candidate.emptyPartnerMeansEveryPartner)) {
    const children = prmObjects.filter((child) => child.ownedThrough && targetOf(child, child.ownedThrough) === object);
    it(`${object.name} with an empty partner is offered to every partner, with its ${children.map((c) => c.name).join(', ') || 'no children'}`, async () => {
      const offered = await h.call('channelAdmin', 'POST', `/api/${restCollection(object)}`, {
        ...validInput(object, 7000, (target) => h.records.B.get(target)!),
        [object.partnerField!]: null,
      });
      assert.equal(offered.status, 201, JSON.stringify(offered.body));
      const made = [{ object, id: offered.body.id }];
      for (const child of children) {
        const input = validInput(child, 7001, (target) => h.records.B.get(target)!);
        const created = await h.call('channelAdmin', 'POST', `/api/${restCollection(child)}`, {
          ...input,
          [child.ownedThrough!]: offered.body.id,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        made.push({ object: child, id: created.body.id });
      }
      for (const role of roles) {
        for (const { object: shown, id } of made) {
          const path = `/api/${restCollection(shown)}`;
          const readable = declared(shown, role) !== 'none';
          assert.equal(
            (await h.call(role, 'GET', `${path}/${id}`)).status,
            readable ? 200 : 403,
            `${role} ${shown.name}`,
          );
          if (!readable) continue;
          const ids = (await h.call(role, 'GET', `${path}?limit=200`)).body.data.map((r: { id: string }) => r.id);
          assert.ok(ids.includes(id), `${role} lists the ${shown.name} offered to every partner`);
        }
      }
    });
  }

  for (const object of prmObjects.filter((candidate) => candidate.parents)) {
    it(`${object.name} takes its partner from ${object.parents!.join(', ')}, and refuses another`, async () => {
      const path = `/api/${restCollection(object)}`;
      const input = validInput(object, 8000 + prmObjects.indexOf(object), (target) => h.records.A.get(target)!);
      for (const lookup of object.parents!) input[lookup] = h.records.A.get(targetOf(object, lookup).name);
      const field = object.partnerField!;
      const mismatched = await h.call('channelAdmin', 'POST', path, {
        ...input,
        [field]: h.records.B.get('partner'),
      });
      assert.equal(mismatched.status, 422, JSON.stringify(mismatched.body));
      assert.deepEqual(
        [...new Set(mismatched.body.errors.map((e: { field: string }) => e.field))],
        [field],
        JSON.stringify(mismatched.body),
      );
      const { [field]: _left, ...withoutPartner } = input;
      const derived = await h.call('channelAdmin', 'POST', path, withoutPartner);
      assert.equal(derived.status, 201, JSON.stringify(derived.body));
      assert.equal(derived.body[field], h.records.A.get('partner'), 'the partner of its parents');
      const moved = await h.call(
        'channelAdmin',
        'PATCH',
        `${path}/${derived.body.id}`,
        { [field]: h.records.B.get('partner') },
        { 'if-match': derived.headers.get('etag')! },
      );
      assert.equal(moved.status, 422, JSON.stringify(moved.body));
    });
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
