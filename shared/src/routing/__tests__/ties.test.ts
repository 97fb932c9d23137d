import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routingChain, strategies, type RoutingPartner } from '../rules.ts';
import { compileRouting } from '../compile.ts';
import { decideLead } from '../route.ts';
import { initialRoutingState } from '../state.ts';

// Three partners alike in everything a strategy compares: weight, credit, capacity, score, place.
const alike = (id: string): RoutingPartner => ({
  id,
  name: id,
  leadWeight: 10,
  leadCapacity: 5,
  latitude: 48.14,
  longitude: 11.58,
  acceptanceRate: 0.5,
  conversionRate: 0.5,
  slaCompliance: 0.5,
});
const partners = [alike('A'), alike('B'), alike('C')];
const lead = { id: 'L-1', latitude: 48.1, longitude: 11.5 };

describe('the documented tie rule: least recently served, then the earlier row', () => {
  for (const strategy of strategies) {
    it(`${strategy}: a tie goes to the partner served least recently`, () => {
      const compiled = compileRouting(
        partners,
        routingChain({ rules: [], strategy, fallback: { kind: 'direct_queue', queue: 'q' } }),
      );
      const state = { ...initialRoutingState(compiled.ids), lastServed: [5, 2, 2], decisions: 6 };
      const decided = decideLead(compiled, lead, state, '2026-11-02T09:00:00Z');
      // A was served at decision 5; B and C at decision 2, so B wins by the earlier row.
      assert.deepEqual(decided.partners, [1]);
    });
    it(`${strategy}: among partners never served, the earlier row wins`, () => {
      const compiled = compileRouting(
        partners,
        routingChain({ rules: [], strategy, fallback: { kind: 'direct_queue', queue: 'q' } }),
      );
      const decided = decideLead(compiled, lead, initialRoutingState(compiled.ids), '2026-11-02T09:00:00Z');
      assert.deepEqual(decided.partners, [0]);
    });
  }
});
