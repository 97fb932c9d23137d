/** Every route Fastify registered is in the OpenAPI document, with request and response schemas. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { buildApp } from '../app.ts';
import { testStores } from '../../store/__tests__/stores.ts';

type Json = Record<string, any>;

/** Served, but not API: the document, its page and assets, the root page, the invitation page, its script and stylesheet. */
const notApi = new Set([
  'GET /',
  'GET /api/docs',
  'GET /api/docs.json',
  'GET /api/docs/assets/:file',
  'GET /invitation',
  'GET /invitation/page.js',
  'GET /invitation/page.css',
]);

const openApiPath = (url: string): string => url.replace(/:([A-Za-z]+)/g, '{$1}');
const hasSchema = (response: Json | undefined): boolean =>
  Boolean(response?.content) && Object.values(response!.content as Json).every((media: Json) => media?.schema);

describe('the OpenAPI document covers every route the server serves', () => {
  const routes: { method: string; url: string }[] = [];
  let document: Json;
  let dispose: () => Promise<void>;
  before(async () => {
    const test = await testStores.sqlite();
    dispose = test.dispose;
    const app = await buildApp({
      store: test.store,
      secureCookies: false,
      onRoute: (route: RouteOptions) => {
        for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url! });
      },
    });
    document = (await app.inject({ method: 'GET', url: '/api/docs.json' })).json();
    await app.close();
  });
  after(() => dispose());

  it('lists every registered route, with a request schema where it takes a body and a schema for its 2xx and problem answers', () => {
    assert.ok(routes.length > 50, `only ${routes.length} routes seen`);
    const gaps: string[] = [];
    for (const { method, url } of routes) {
      if (notApi.has(`${method} ${url}`)) continue;
      const operation = document.paths[openApiPath(url)]?.[method.toLowerCase()];
      const where = `${method} ${url}`;
      if (!operation) {
        gaps.push(`${where}: missing`);
        continue;
      }
      const responses = Object.entries(operation.responses ?? {}) as [string, Json][];
      const successes = responses.filter(([status]) => /^[23]/.test(status));
      // A route that exists only to refuse (SCIM's fixed groups) says so instead of having a success answer.
      if (!successes.length && !operation['x-prm-always-refused']) gaps.push(`${where}: no success answer`);
      for (const [status, response] of successes)
        if (/^2/.test(status) && status !== '204' && !hasSchema(response))
          gaps.push(`${where}: ${status} has no schema`);
      const problems = responses.filter(([status]) => /^4/.test(status));
      if (!problems.length) gaps.push(`${where}: no error answer`);
      for (const [status, response] of problems)
        if (!hasSchema(response)) gaps.push(`${where}: ${status} has no schema`);
      if (['POST', 'PUT', 'PATCH'].includes(method) && operation.requestBody && !hasSchema(operation.requestBody))
        gaps.push(`${where}: request body has no schema`);
    }
    assert.deepEqual(gaps, []);
  });

  it('documents no route the server does not serve', () => {
    const served = new Set(routes.map(({ method, url }) => `${method.toLowerCase()} ${openApiPath(url)}`));
    const extra: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Json))
      for (const method of Object.keys(item as Json))
        if (method !== 'parameters' && !served.has(`${method} ${path}`)) extra.push(`${method} ${path}`);
    assert.deepEqual(extra, []);
  });
});
