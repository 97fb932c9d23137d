/** loadActions finds every concept's declarations: <concept>/actions.ts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sourceTree } from './sourceTree.ts';
import { loadActions } from '../actions.ts';

const declaring = (...names: string[]) =>
  `export const actions = ${JSON.stringify(names.map((name) => ({ name, object: 'x', on: 'record' })))};`;

describe('loadActions', () => {
  it('reads every <concept>/actions.ts, in the order of the concepts, and nothing else', async () => {
    const root = sourceTree({
      'tiers/actions.ts': declaring('evaluate'),
      'deals/actions.ts': declaring('approve', 'reject'),
      'actions/old.ts': declaring('stale'),
      'mdf/actions.ts': declaring('request'),
      'mdf/fundRequests.ts': 'export const notActions = 1;',
      'store/records.ts': 'export const nothing = 1;',
    });
    const names = (await loadActions(root)).map((action) => action.name);
    assert.deepEqual(names, ['approve', 'reject', 'request', 'evaluate']);
  });

  it('refuses a declarations file without its actions, naming it', async () => {
    const root = sourceTree({ 'mdf/actions.ts': 'export const action = {};' });
    await assert.rejects(loadActions(root), /server\/src\/mdf\/actions\.ts must export an array named actions/);
  });

  it('finds the server’s own actions, each concept’s once', async () => {
    const actions = await loadActions();
    const keys = actions.map((action) => `${action.object}/${action.name}`);
    assert.ok(keys.includes('dealRegistration/approve'), 'the deals’ actions');
    assert.ok(keys.includes('leadOffer/accept'), 'the routing actions');
    assert.equal(new Set(keys).size, keys.length);
  });
});
