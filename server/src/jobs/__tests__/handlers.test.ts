/** The job runner's handlers come from every concept's jobs.ts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sourceTree } from '../../http/__tests__/sourceTree.ts';
import { jobHandlers, loadJobHandlers } from '../handlers.ts';

const handling = (exported: string, ...kinds: string[]) =>
  `export const ${exported} = { ${kinds.map((kind) => `'${kind}': async () => 'done'`).join(', ')} };`;

describe('loadJobHandlers', () => {
  it('collects every <concept>/jobs.ts', async () => {
    const root = sourceTree({
      'tiers/jobs.ts': handling('jobHandlers', 'tiers.evaluate'),
      'deals/jobs.ts': handling('jobHandlers', 'deals.expire', 'deals.remind'),
      'jobs/queue.ts': 'export const notHandlers = 1;',
    });
    assert.deepEqual(Object.keys(await loadJobHandlers(root)).sort(), [
      'deals.expire',
      'deals.remind',
      'tiers.evaluate',
    ]);
  });

  it('refuses a job kind handled by two concepts, naming the second', async () => {
    const root = sourceTree({
      'deals/jobs.ts': handling('jobHandlers', 'deals.expire'),
      'mdf/jobs.ts': handling('jobHandlers', 'deals.expire'),
    });
    await assert.rejects(
      loadJobHandlers(root),
      /The job kind deals\.expire is handled twice \(again in server\/src\/mdf\/jobs\.ts\)/,
    );
  });

  it('refuses a jobs file without its handlers, naming it', async () => {
    const root = sourceTree({ 'jobs/handlers.ts': '', 'mdf/jobs.ts': 'export const handlers = {};' });
    await assert.rejects(
      loadJobHandlers(root),
      /server\/src\/mdf\/jobs\.ts must export its job handlers as jobHandlers/,
    );
  });

  it('the server’s handlers hold every concept’s jobs', () => {
    const kinds = ['registration-protection', 'registration-expiry', 'tier-evaluation', 'lead-offer-timeout'];
    for (const kind of kinds) assert.equal(typeof jobHandlers[kind], 'function', kind);
  });
});
