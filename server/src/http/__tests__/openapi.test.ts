/**
 * The OpenAPI document's records and lists: lookups name the collection they point to, and list
 * filters and sorts are declared exactly as the list accepts them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { objectNamed } from '@prm/core/schema/registry';
import { openApiDocument } from '../openapi.ts';
import { loadActions } from '../actions.ts';
import { filterFields, sortFields } from '../listQuery.ts';
import { startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

describe('the OpenAPI document says what records and lists hold', () => {
  let document: Json;
  before(async () => {
    document = openApiDocument(await loadActions());
  });

  it('marks every lookup with the collection and object it points to', () => {
    for (const object of prmObjects) {
      const schema = document.components.schemas[`${object.name[0].toUpperCase()}${object.name.slice(1)}Input`];
      for (const [name, field] of Object.entries(object.fields)) {
        if (field.kind !== 'lookup') continue;
        const target = objectNamed(prmObjects, field.target);
        const property = schema.properties[name];
        assert.deepEqual(
          property['x-prm-lookup'],
          { collection: restCollection(target), object: target.name },
          `${object.name}.${name}`,
        );
        assert.match(property.description, new RegExp(`/api/${restCollection(target)}`), `${object.name}.${name}`);
      }
    }
  });

  it('declares the list filters and sorts the list accepts, and the total in the page', () => {
    for (const object of prmObjects) {
      const list = document.paths[`/api/${restCollection(object)}`].get;
      const names = list.parameters.map((parameter: Json) => parameter.name);
      for (const field of filterFields(object)) assert.ok(names.includes(field), `${object.name}: filter ${field}`);
      const sort = list.parameters.find((parameter: Json) => parameter.name === 'sort');
      assert.deepEqual(
        sort.schema.enum,
        sortFields(object).flatMap((field) => [field, `-${field}`]),
        object.name,
      );
      assert.ok(list.responses['200'].content['application/json'].schema.properties.total, object.name);
    }
  });
});

describe('the OpenAPI document says where validation is not 422', () => {
  it('xAPI operations answer 400 for a bad statement, as the xAPI specification asks, and say so', async () => {
    const document = openApiDocument(await loadActions()) as Json;
    for (const method of ['post', 'put']) {
      const responses = document.paths['/xapi/statements'][method].responses;
      assert.equal(responses['422'], undefined, method);
      assert.match(responses['400'].description, /xAPI specification/, method);
    }
  });
});

describe('a declared filter is one the list accepts', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('every declared filter and sort answers 200 for a channel admin, and an undeclared one 422', async () => {
    const document = (await h.call(null, 'GET', '/api/docs.json')).body;
    for (const object of prmObjects) {
      const path = `/api/${restCollection(object)}`;
      const record = (await h.call('channelAdmin', 'GET', `${path}/${h.records.A.get(object.name)}`)).body;
      for (const parameter of document.paths[path].get.parameters as Json[]) {
        if (parameter.in !== 'query' || ['limit', 'after', 'sort'].includes(parameter.name)) continue;
        const value = record[parameter.name];
        if (value === null || value === undefined) continue;
        const query = `${parameter.name}=${encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value))}`;
        const answer = await h.call('channelAdmin', 'GET', `${path}?${query}`);
        assert.equal(answer.status, 200, `${object.name} ?${query}: ${JSON.stringify(answer.body)}`);
        assert.ok(
          answer.body.data.some((found: Json) => found.id === record.id),
          `${object.name} ?${query} finds the record it was taken from`,
        );
      }
      for (const sort of document.paths[path].get.parameters.find((p: Json) => p.name === 'sort').schema.enum) {
        const answer = await h.call('channelAdmin', 'GET', `${path}?sort=${sort}`);
        assert.equal(answer.status, 200, `${object.name} ?sort=${sort}: ${JSON.stringify(answer.body)}`);
      }
      assert.equal((await h.call('channelAdmin', 'GET', `${path}?notAField=1`)).status, 422);
    }
  });

  it('a filter value the field would not accept is a 422 naming the field', async () => {
    for (const [path, query, field] of [
      ['/api/programs', 'active=maybe', 'active'],
      ['/api/deal-registrations', 'amount=lots', 'amount'],
      ['/api/deal-registrations', 'submittedAt=yesterday', 'submittedAt'],
    ]) {
      const answer = await h.call('channelAdmin', 'GET', `${path}?${query}`);
      assert.equal(answer.status, 422, `${path}?${query}`);
      assert.equal(answer.body.errors[0].field, field);
    }
  });
});
