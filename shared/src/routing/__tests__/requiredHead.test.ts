import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routingChain, type RoutingPartner, type RoutingRule } from '../rules.ts';
import { decideRoute } from '../route.ts';
import { initialRoutingState } from '../state.ts';

const activeRule: RoutingRule = {
  id: 'active',
  sequence: 10,
  condition: 'partner_active',
  operator: 'equals',
  mode: 'required',
};
const nearbyRule: RoutingRule = {
  id: 'nearby',
  sequence: 20,
  condition: 'distance',
  operator: 'within_km',
  value: ['1500'],
  mode: 'required',
};
const chain = routingChain({
  rules: [activeRule, nearbyRule],
  fallback: { kind: 'direct_queue', queue: 'Inside sales' },
});
// A lead in Geneva; six suspended partners within 1,500 km of it, ten active ones in Sydney.
const geneva = { id: 'L-1', latitude: 46.2044, longitude: 6.1432 };
const nearby = [
  [47.37, 8.54], // Zürich
  [48.86, 2.35], // Paris
  [45.46, 9.19], // Milan
  [48.14, 11.58], // Munich
  [50.85, 4.35], // Brussels
  [41.39, 2.17], // Barcelona
].map(([latitude, longitude], i): RoutingPartner => ({
  id: `N-${i}`,
  name: `Near ${i}`,
  status: 'suspended',
  latitude,
  longitude,
}));
const far = Array.from({ length: 10 }, (_, i): RoutingPartner => ({
  id: `F-${i}`,
  name: `Far ${i}`,
  status: 'active',
  latitude: -33.87,
  longitude: 151.21,
}));

describe('required rules at the head of the chain, with a distance rule', () => {
  it('count a distance rule by the partners really within range, and name the rule that emptied the pool', () => {
    const partners = [...nearby, ...far];
    const { decision } = decideRoute(
      geneva,
      partners,
      chain,
      initialRoutingState(partners.map((p) => p.id)),
      '2026-11-02T09:00:00Z',
    );
    assert.equal(decision.fallbackReason, 'required_rule_unmatched');
    // Six partners are within 1,500 km; the active rule is the one that leaves nobody.
    assert.equal(decision.explanation.fallback?.rule, 'active');
    assert.deepEqual(decision.explanation.lines.slice(0, 2), [
      'Rule 20 (required) partner within 1500 km of the lead: 6 of 16 partners match',
      'Rule 10 (required) partner is active: no partner matches, so the lead goes to fallback',
    ]);
    assert.ok(
      decision.explanation.lines.includes(
        'Fallback to direct team queue "Inside sales": no partner matches required rule active',
      ),
    );
  });
  it('run the distance rule after a rule that admits fewer partners', () => {
    // Two active partners, both near: the active rule (2) goes before the distance rule (all 8 near).
    const partners = [
      ...nearby,
      { ...far[0], latitude: 46.5, longitude: 6.6 },
      { ...far[1], latitude: 46.9, longitude: 7.4 },
    ];
    const { decision } = decideRoute(
      geneva,
      partners,
      chain,
      initialRoutingState(partners.map((p) => p.id)),
      '2026-11-02T09:00:00Z',
    );
    assert.equal(decision.outcome, 'offer');
    assert.deepEqual(decision.explanation.lines.slice(0, 2), [
      'Rule 10 (required) partner is active: 2 of 8 partners match',
      'Rule 20 (required) partner within 1500 km of the lead: 2 of 2 partners match',
    ]);
  });
});
