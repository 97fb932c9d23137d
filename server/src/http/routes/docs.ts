/** The OpenAPI document, its browsable page and assets, and the root page. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ActionDefinition } from '../actions.ts';
import { docsAsset, docsPage } from '../docs.ts';
import { openApiDocument } from '../openapi.ts';
import { HttpProblem } from '../problems.ts';
import { rootPage, type DemoLogin } from '../rootPage.ts';

export function docsRoutes(app: FastifyInstance, actions: readonly ActionDefinition[], demoLogins: DemoLogin[]): void {
  const document = openApiDocument(actions);
  app.get('/api/docs.json', async () => document);
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage()));
  app.get('/api/docs/assets/:file', async (request, reply: FastifyReply) => {
    const asset = docsAsset((request.params as { file: string }).file);
    if (!asset) throw new HttpProblem(404, 'not-found', 'Not found', 'No such documentation asset.');
    return reply.type(asset.type).send(asset.content);
  });
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(rootPage(demoLogins)));
}
