/**
 * Fuzzed bad input on every endpoint (fast-check): the answer is a 4xx problem document naming a
 * field, never a 5xx, and nothing is changed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { sqlTableName } from '@prm/core/hosts/sql';
import { validInput } from '../../store/__tests__/fixtures.ts';
import { startHarness, type Harness } from './harness.ts';
import { rowCount } from '../../store/__tests__/stores.ts';

const junk = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
  fc.constantFrom(
    '',
    ' ',
    '2027-02-30',
    'not-an-email',
    'javascript:alert(1)',
    '<script>x</script>',
    '1e400',
    'NaN',
    '-1',
    '99999999999999999999',
  ),
);

async function counts(h: Harness): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const object of prmObjects) result[object.name] = await rowCount(h.store.db, sqlTableName(object));
  return result;
}

describe('bad input on every endpoint', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  for (const object of prmObjects) {
    const path = `/api/${restCollection(object)}`;
    it(`${object.name}: a corrupted field on create or update is a 4xx naming a field, never a 5xx, and changes nothing`, async () => {
      const fieldNames = Object.keys(object.fields);
      const before = await counts(h);
      const id = h.records.A.get(object.name)!;
      const original = (await h.call('channelAdmin', 'GET', `${path}/${id}`)).body;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fieldNames, 'name', 'unknownField'),
          junk,
          fc.boolean(),
          async (field, value, update) => {
            const input = validInput(object, 7, (target) => h.records.A.get(target)!);
            input[field] = value;
            const response = update
              ? await h.call(
                  'channelAdmin',
                  'PATCH',
                  `${path}/${id}`,
                  { [field]: value },
                  { 'if-match': `"${original.version}"` },
                )
              : await h.call('channelAdmin', 'POST', path, input);
            assert.ok(
              response.status < 500,
              `${response.status} for ${field}=${JSON.stringify(value)}: ${JSON.stringify(response.body)}`,
            );
            if (response.status >= 400) {
              assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
              assert.ok(
                Array.isArray(response.body.errors) && response.body.errors.length > 0,
                JSON.stringify(response.body),
              );
              for (const problem of response.body.errors) assert.equal(typeof problem.field, 'string');
            } else {
              // The value happened to be valid: undo, so the record stays as it was for the next run.
              if (update) {
                const restore = await h.call(
                  'channelAdmin',
                  'PATCH',
                  `${path}/${id}`,
                  { [field]: original[field] ?? null },
                  { 'if-match': response.headers.get('etag')! },
                );
                original.version = restore.body?.version ?? original.version;
              } else {
                await h.call('channelAdmin', 'DELETE', `${path}/${response.body.id}`, undefined, {
                  'if-match': response.headers.get('etag')!,
                });
              }
            }
            const current = (await h.call('channelAdmin', 'GET', `${path}/${id}`)).body;
            original.version = current.version;
          },
        ),
        { numRuns: 40, seed: 42 },
      );
      assert.deepEqual(await counts(h), before);
    });
  }

  it('bodies that are not JSON objects are refused with the reason', async () => {
    for (const body of ['{not json', '[]', '"text"', '42', 'null']) {
      const response = await h.call('channelAdmin', 'POST', '/api/programs', body);
      assert.ok([400, 422].includes(response.status), `${body}: ${response.status}`);
      assert.ok(response.body.errors.length > 0);
    }
    const wrongType = await h.call('channelAdmin', 'POST', '/api/programs', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(wrongType.status, 415);
    assert.equal(wrongType.body.errors[0].field, 'Content-Type');
  });
});
