import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { roles } from '@prm/core/schema/roles';
import {
  registrationTransitions,
  rolesThatMay,
  transitionRegistration,
  type TransitionAction,
} from '@prm/core/deals/lifecycle';
import { NotAllowedError } from '@prm/core/errors';
import { aRegistration, now, policy } from '@prm/core/deals/__tests__/data/registrations';
import { actions } from '../actions.ts';

/** The core's transition behind each API action of registrations. */
const coreAction: Record<string, TransitionAction | 'extend'> = {
  register: 'submit',
  submit: 'submit',
  'start-review': 'startReview',
  approve: 'approve',
  reject: 'reject',
  withdraw: 'withdraw',
  extend: 'extend',
  convert: 'convert',
  win: 'win',
  lose: 'lose',
};

describe('who may perform a registration action', () => {
  it('is, for every action of the API, who the core lets make its transition', () => {
    assert.deepEqual(actions.map((action) => action.name).sort(), Object.keys(coreAction).sort());
    for (const action of actions) {
      const core = coreAction[action.name];
      assert.deepEqual(action.roles, rolesThatMay(core), action.name);
      if (core === 'extend') continue;
      const rule = registrationTransitions.find((candidate) => candidate.action === core)!;
      for (const role of roles)
        assert.equal(action.roles.includes(role), rule.by.includes(role), `${role} on ${action.name}`);
    }
  });

  it('refuses in the core whom the API refuses: a sales rep may not submit a registration', () => {
    assert.ok(!actions.find((action) => action.name === 'submit')!.roles.includes('salesRep'));
    assert.throws(
      () =>
        transitionRegistration(aRegistration(), 'submitted', {
          actor: { kind: 'user', userId: 'u-sales', role: 'salesRep' },
          now,
          policy,
        }),
      NotAllowedError,
    );
  });
});
