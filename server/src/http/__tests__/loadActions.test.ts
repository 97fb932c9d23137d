/** loadActions finds every concept's declarations: <concept>/actions.ts, and actions/<concept>.ts while they move. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sourceTree } from './sourceTree.ts';
import { loadActions } from '../actions.ts';

const declaring = (...names: string[]) =>
  `export const actions = ${JSON.stringify(names.map((name) => ({ name, object: 'x', on: 'record' })))};`;

describe('loadActions', () => {
  it('reads <concept>/actions.ts and actions/<concept>.ts, in the order of the concepts', async () => {
    const root = sourceTree({
      'tiers/actions.ts': declaring('evaluate'),
      'actions/deals.ts': declaring('approve', 'reject'),
      'mdf/actions.ts': declaring('request'),
      'mdf/fundRequests.ts': 'export const notActions = 1;',
      'store/records.ts': 'export const nothing = 1;',
    });
    const names = (await loadActions(root)).map((action) => action.name);
    assert.deepEqual(names, ['approve', 'reject', 'request', 'evaluate']);
  });

  it('keeps both files of a concept caught mid-move', async () => {
    const root = sourceTree({ 'actions/deals.ts': declaring('approve'), 'deals/actions.ts': declaring('register') });
    assert.deepEqual((await loadActions(root)).map((action) => action.name).sort(), ['approve', 'register']);
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
