import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ValidationError } from '../../errors.ts';
import { parseRoutingChain, routingChain, type RoutingPartner, type RoutingRule } from '../rules.ts';
import { compileRouting, type CompiledRouting } from '../compile.ts';
import { missingLeadValue, ruleMatches, normalise } from '../conditions.ts';
import { decideLead, decideRoute, routeLead, type PriorOffer } from '../route.ts';
import { applyChange, capacityPeriodOf, initialRoutingState, type RoutingState } from '../state.ts';
import { acceptOffer, declineOffer, expireOffers, newLeadRouting, offerLead } from '../offers.ts';
import { slaDeadline } from '../businessHours.ts';

const tiers = [
  { name: 'silver', rank: 1, leadWeight: 20 },
  { name: 'gold', rank: 2, leadWeight: 30 },
  { name: 'platinum', rank: 3, leadWeight: 50 },
];
const partner = (id: string, extra: Partial<RoutingPartner> = {}): RoutingPartner => ({
  id,
  name: `${id} Ltd`,
  status: 'active',
  tier: 'gold',
  country: 'DE',
  region: 'BY',
  timeZone: 'Europe/Berlin',
  ...extra,
});
const countryRule: RoutingRule = {
  id: 'country',
  sequence: 1,
  condition: 'country',
  operator: 'equals',
  mode: 'required',
};
const chainOf = (rules: RoutingRule[], extra = {}) =>
  routingChain({ rules, tiers, fallback: { kind: 'direct_queue', queue: 'inside sales' }, ...extra });
const lead = { id: 'L-1', country: 'DE', region: 'BY', industry: 'retail', employees: 500, productInterest: 'cloud' };
const monday = '2026-11-02T08:00:00Z';

describe('rule chain validation', () => {
  it('names the rule field and says why when an operator does not fit the condition', () => {
    assert.throws(
      () =>
        parseRoutingChain({
          fallback: { kind: 'direct_queue', queue: 'q' },
          rules: [{ sequence: 1, condition: 'country', operator: 'within_km', mode: 'required' }],
        }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.problems[0].field === 'rules.0.operator' &&
        /use equals or in/.test(error.problems[0].message),
    );
  });
  it('rejects a minimum tier the program does not have', () => {
    assert.throws(
      () =>
        parseRoutingChain({
          fallback: { kind: 'direct_queue', queue: 'q' },
          tiers,
          rules: [{ sequence: 1, condition: 'minimum_tier', operator: 'at_least', value: 'diamond' }],
        }),
      (error: unknown) => error instanceof ValidationError && error.problems[0].field === 'rules.0.value',
    );
  });
});

describe('decideRoute', () => {
  it('sends a lead to fallback when no partner matches a required rule, and says which rule', () => {
    const { decision } = decideRoute(
      { ...lead, country: 'BR' },
      [partner('A')],
      chainOf([countryRule]),
      initialRoutingState(['A']),
      monday,
    );
    assert.equal(decision.outcome, 'fallback');
    assert.equal(decision.fallbackReason, 'required_rule_unmatched');
    assert.match(
      decision.explanation.lines.at(-1)!,
      /Fallback to direct team queue "inside sales": no partner matches required rule country/,
    );
  });
  it('skips an optional rule that nothing matches instead of narrowing to nobody', () => {
    const chain = chainOf([
      countryRule,
      { id: 'fin', sequence: 2, condition: 'industry', operator: 'in', value: ['healthcare'], mode: 'optional' },
    ]);
    const partners = [partner('A', { industries: ['retail'] })];
    const { decision } = decideRoute(lead, partners, chain, initialRoutingState(['A']), monday);
    assert.deepEqual(decision.partners, ['A']);
    assert.equal(decision.explanation.rules[1].outcome, 'skipped');
  });
  it('never offers leads to a partner with weight 0 and explains why', () => {
    const partners = [partner('A', { leadWeight: 0 }), partner('B')];
    const { decision } = decideRoute(lead, partners, chainOf([countryRule]), initialRoutingState(['A', 'B']), monday);
    assert.deepEqual(decision.partners, ['B']);
    assert.ok(decision.explanation.lines.includes('Excluded A Ltd: lead weight 0 (never offered leads)'));
  });
  it('explains the weighted winner with its weight out of the pool total', () => {
    const partners = [
      partner('A', { tier: 'platinum' }),
      partner('B', { tier: 'silver' }),
      partner('C', { tier: 'gold' }),
    ];
    const { decision } = decideRoute(
      lead,
      partners,
      chainOf([countryRule]),
      initialRoutingState(['A', 'B', 'C']),
      monday,
    );
    assert.ok(
      decision.explanation.lines.includes(
        'Winner A Ltd: highest remaining weight 50 of 100 among 3 candidates (weighted)',
      ),
    );
  });
  it('picks the nearest partner when a rule asks for it', () => {
    const partners = [
      partner('far', { latitude: 53.55, longitude: 10 }),
      partner('near', { latitude: 48.14, longitude: 11.58 }),
    ];
    const chain = chainOf([{ ...countryRule, strategy: 'nearest' }]);
    const { decision } = decideRoute(
      { ...lead, latitude: 48.13, longitude: 11.57 },
      partners,
      chain,
      initialRoutingState(['far', 'near']),
      monday,
    );
    assert.deepEqual(decision.partners, ['near']);
  });
  it('takes turns in round robin, least recently served first', () => {
    const partners = [partner('A'), partner('B'), partner('C')];
    const chain = chainOf([countryRule], { strategy: 'round_robin' });
    let state = initialRoutingState(['A', 'B', 'C']);
    const winners: string[] = [];
    for (let k = 0; k < 6; k++) {
      const result = decideRoute({ ...lead, id: `L-${k}` }, partners, chain, state, monday);
      winners.push(result.decision.partners[0]);
      state = result.state;
    }
    assert.deepEqual(winners, ['A', 'B', 'C', 'A', 'B', 'C']);
  });
  it('prefers the best acceptance, conversion and SLA record under best_score', () => {
    const partners = [
      partner('A', { conversionRate: 0.1 }),
      partner('B', { conversionRate: 0.4, acceptanceRate: 0.9 }),
    ];
    const { decision } = decideRoute(
      lead,
      partners,
      chainOf([countryRule], { strategy: 'best_score' }),
      initialRoutingState(['A', 'B']),
      monday,
    );
    assert.deepEqual(decision.partners, ['B']);
  });
  it('does not change the state it is given', () => {
    const state = initialRoutingState(['A', 'B']);
    const copy = structuredClone(state);
    decideRoute(lead, [partner('A'), partner('B')], chainOf([countryRule]), state, monday);
    assert.deepEqual(state, copy);
  });
  it('intersects the leading required rules most selective first, and explains them in that order', () => {
    const activeRule: RoutingRule = {
      id: 'active',
      sequence: 1,
      condition: 'partner_active',
      operator: 'equals',
      mode: 'required',
    };
    const partners = [
      partner('A'),
      partner('B', { country: 'FR' }),
      partner('C', { country: 'FR' }),
      partner('D', { status: 'suspended' }),
    ];
    const { decision } = decideRoute(
      lead,
      partners,
      chainOf([activeRule, { ...countryRule, sequence: 2 }]),
      initialRoutingState(['A', 'B', 'C', 'D']),
      monday,
    );
    assert.deepEqual(decision.partners, ['A']);
    assert.deepEqual(decision.explanation.lines.slice(0, 2), [
      "Rule 2 (required) partner in the lead's country (DE): 2 of 4 partners match",
      'Rule 1 (required) partner is active: 1 of 2 partners match',
    ]);
    assert.ok(decision.explanation.lines.includes('Excluded D Ltd: fails rule 1 (partner is active)'));
  });
  it('decides without changing the state, and applyChange gives the state routeLead returns', () => {
    const partners = [partner('A', { tier: 'platinum' }), partner('B'), partner('C', { tier: 'silver' })];
    const compiled = compileRouting(partners, chainOf([countryRule], { offerTo: 2 }));
    const state = initialRoutingState(compiled.ids);
    const copy = structuredClone(state);
    const decided = decideLead(compiled, lead, state, monday);
    assert.deepEqual(state, copy);
    const pure = routeLead(compiled, lead, state, monday);
    assert.deepEqual(state, copy);
    assert.deepEqual(
      decided.partners.map((i) => compiled.ids[i]),
      pure.decision.partners,
    );
    assert.deepEqual(applyChange(state, decided.change!), pure.state);
    assert.throws(() => applyChange(state, decided.change!), /decided at decision 0, but the state is at 1/);
  });
  it('ignores expired certifications', () => {
    const chain = chainOf([
      {
        id: 'cert',
        sequence: 1,
        condition: 'certification',
        operator: 'in',
        value: ['cloud-architect'],
        mode: 'required',
      },
    ]);
    const partners = [partner('A', { certifications: [{ name: 'cloud-architect', expiresOn: '2026-10-31' }] })];
    const { decision } = decideRoute(lead, partners, chain, initialRoutingState(['A']), monday);
    assert.equal(decision.outcome, 'fallback');
  });
});

describe('offers and re-routing', () => {
  const partners = [partner('A', { tier: 'platinum' }), partner('B'), partner('C', { tier: 'silver' })];
  const chain = chainOf([countryRule], { slaHours: 8, maxAttempts: 2 });
  const compiled = compileRouting(partners, chain);

  it('re-routes a lead to the next partner when the SLA expires, never back to one who declined', () => {
    let step = offerLead(compiled, lead, newLeadRouting(lead.id), initialRoutingState(compiled.ids), monday);
    assert.equal(step.routing.offers[0].partner, 'A');
    assert.equal(step.routing.offers[0].respondBy, '2026-11-02T16:00:00Z');
    step = declineOffer(compiled, lead, step.routing, step.state, 'A', 'no_capacity', null, '2026-11-02T09:02:00Z');
    const second = step.routing.offers[1];
    assert.notEqual(second.partner, 'A');
    step = expireOffers(compiled, lead, step.routing, step.state, '2026-11-03T12:00:00Z');
    assert.equal(step.routing.status, 'fallback', 'two attempts used: fallback');
    assert.match(
      step.routing.decisions.at(-1)!.explanation.lines.join('\n'),
      /Excluded A Ltd: declined this lead at 2026-11-02T09:02:00Z \(no_capacity\)/,
    );
    assert.deepEqual(step.state.open, [0, 0, 0]);
  });
  it("assigns the lead on acceptance and keeps it on the partner's capacity", () => {
    const step = offerLead(compiled, lead, newLeadRouting(lead.id), initialRoutingState(compiled.ids), monday);
    const accepted = acceptOffer(step.routing, step.state, 'A', '2026-11-02T10:00:00Z');
    assert.equal(accepted.routing.status, 'assigned');
    assert.equal(accepted.state.open[0], 1);
  });
  it('in claim mode offers several partners at once and the first to accept wins', () => {
    const claim = compileRouting(partners, chainOf([countryRule], { offerTo: 3 }));
    const step = offerLead(claim, lead, newLeadRouting(lead.id), initialRoutingState(claim.ids), monday);
    assert.equal(step.routing.offers.length, 3);
    const won = acceptOffer(step.routing, step.state, 'C', '2026-11-02T10:00:00Z');
    assert.deepEqual(won.routing.offers.map((offer) => offer.status).sort(), ['accepted', 'withdrawn', 'withdrawn']);
    assert.deepEqual(won.state.open, [0, 0, 1]);
  });
  it('refuses an acceptance after the deadline', () => {
    const step = offerLead(compiled, lead, newLeadRouting(lead.id), initialRoutingState(compiled.ids), monday);
    assert.throws(() => acceptOffer(step.routing, step.state, 'A', '2026-11-02T16:00:01Z'), /expired/);
  });
});

describe('SLA deadline in business hours', () => {
  it("counts a Friday-evening offer from Monday morning in the partner's time zone", () => {
    assert.equal(slaDeadline('2026-11-06T16:00:00Z', 4, 'Europe/Berlin'), '2026-11-09T12:00:00Z');
  });
  it('skips configured holidays', () => {
    const hours = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: ['2026-11-02'] };
    assert.equal(slaDeadline('2026-11-02T08:00:00Z', 8, 'UTC', hours), '2026-11-03T17:00:00Z');
  });
});

// ---- properties ----
const countries = ['DE', 'FR', 'US'];
const specs = ['cloud', 'security', 'erp'];
const partnerArb = fc.record({
  country: fc.constantFrom(...countries),
  tier: fc.constantFrom('silver', 'gold', 'platinum'),
  specialisations: fc.subarray(specs),
  leadCapacity: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  leadWeight: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  status: fc.constantFrom('active', 'active', 'suspended'),
});
const leadArb = fc.record({ country: fc.constantFrom(...countries, 'BR'), productInterest: fc.constantFrom(...specs) });
const scenario = fc.record({
  partners: fc.array(partnerArb, { minLength: 1, maxLength: 8 }),
  leads: fc.array(leadArb, { minLength: 1, maxLength: 20 }),
  events: fc.array(fc.constantFrom('accept', 'decline', 'expire'), { minLength: 20, maxLength: 80 }),
  strategy: fc.constantFrom('weighted', 'round_robin', 'capacity', 'best_score', 'nearest' as const),
  /** 2: claim mode. */
  offerTo: fc.constantFrom(1, 1, 2),
});
const propertyRules: RoutingRule[] = [
  { id: 'active', sequence: 1, condition: 'partner_active', operator: 'equals', mode: 'required' },
  { id: 'country', sequence: 2, condition: 'country', operator: 'equals', mode: 'required' },
  { id: 'spec', sequence: 3, condition: 'specialisation', operator: 'equals', mode: 'optional' },
];

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function assertWithinCapacity(compiled: CompiledRouting, state: RoutingState) {
  for (let i = 0; i < compiled.ids.length; i++) {
    const open = state.open[i];
    assert.ok(
      open >= 0 && open <= compiled.capacity[i],
      `capacity of ${compiled.ids[i]} exceeded: ${open} of ${compiled.capacity[i]}`,
    );
  }
}

function simulate(input: Scenario) {
  const partners = input.partners.map((p, i) => partner(`P${i}`, p));
  const compiled = compileRouting(
    partners,
    chainOf(propertyRules, { strategy: input.strategy, maxAttempts: 3, offerTo: input.offerTo }),
  );
  let state = initialRoutingState(compiled.ids);
  const log: string[] = [];
  const routings = input.leads.map((l, k) => {
    const routed = { ...l, id: `L${k}` };
    const step = offerLead(compiled, routed, newLeadRouting(routed.id), state, monday);
    state = step.state;
    assertWithinCapacity(compiled, state);
    return { lead: routed, routing: step.routing };
  });
  let clock = Date.parse(monday);
  input.events.forEach((event, e) => {
    clock += 3_600_000;
    const item = routings[e % routings.length];
    const open = item.routing.offers.find((offer) => offer.status === 'offered');
    if (!open) return;
    const now = new Date(clock).toISOString();
    let step;
    if (event === 'accept' && Date.parse(open.respondBy) >= clock)
      step = acceptOffer(item.routing, state, open.partner, now);
    else if (event === 'decline' && Date.parse(open.respondBy) >= clock)
      step = declineOffer(compiled, item.lead, item.routing, state, open.partner, 'no_capacity', null, now);
    else
      step = expireOffers(
        compiled,
        item.lead,
        item.routing,
        state,
        new Date(Math.max(clock, Date.parse(open.respondBy))).toISOString(),
      );
    item.routing = step.routing;
    state = step.state;
    assertWithinCapacity(compiled, state);
    log.push(`${item.lead.id}:${event}:${open.partner}`);
  });
  return { compiled, state, routings, log };
}

describe('routing properties', () => {
  it('never offers a lead twice to a partner that declined or timed out, and never exceeds capacity', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { routings } = simulate(input);
        for (const { routing } of routings) {
          const refused = new Set<string>();
          for (const offer of routing.offers) {
            assert.ok(
              !refused.has(offer.partner),
              `${offer.partner} was offered ${routing.lead} again after refusing it`,
            );
            if (offer.status === 'declined' || offer.status === 'expired') refused.add(offer.partner);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
  it('leaves every lead assigned or in fallback once every offer is answered or expired', () => {
    // The counterexample of the flaky failure: L10's offer expires, it is re-routed, and the final
    // expiry pass re-routes it again; expiring at one fixed instant then never expired the new offer.
    const reRoutedTwice: Scenario = {
      partners: [0, 1, 2].map(() => ({
        country: 'DE',
        tier: 'silver',
        specialisations: [],
        leadCapacity: null,
        leadWeight: null,
        status: 'active',
      })),
      leads: Array.from({ length: 11 }, () => ({ country: 'DE', productInterest: 'cloud' })),
      events: [...new Array<'accept'>(10).fill('accept'), 'expire', ...new Array<'accept'>(9).fill('accept')],
      strategy: 'weighted',
      offerTo: 1,
    };
    fc.assert(
      fc.property(scenario, (input) => {
        const simulated = simulate(input);
        const { compiled, routings } = simulated;
        let state = simulated.state;
        for (const item of routings) {
          // A re-routed offer is made when the previous round expires, so its deadline is later still:
          // each pass expires at the latest deadline of the offers still open. (Expiring at one fixed
          // instant left a lead re-routed at that instant 'offered' for ever: the flaky failure.)
          for (let round = 0; item.routing.status === 'offered' && round <= 3; round++) {
            const open = item.routing.offers.filter((offer) => offer.status === 'offered');
            const deadline = Math.max(...open.map((offer) => Date.parse(offer.respondBy)));
            const step = expireOffers(compiled, item.lead, item.routing, state, new Date(deadline).toISOString());
            item.routing = step.routing;
            state = step.state;
            assertWithinCapacity(compiled, state);
          }
          assert.ok(item.routing.status === 'assigned' || item.routing.status === 'fallback', item.routing.status);
          assert.ok(item.routing.attempts <= 3);
        }
        // Every open offer and held lead counts once against its partner, and nothing else does.
        const held = new Array<number>(compiled.ids.length).fill(0);
        for (const { routing } of routings) {
          for (const offer of routing.offers) {
            if (offer.status === 'offered' || offer.status === 'accepted')
              held[compiled.positionOf.get(offer.partner)!] += 1;
          }
        }
        assert.deepEqual(state.open, held);
      }),
      { numRuns: 150, examples: [[reRoutedTwice]] },
    );
  });
  it('replays the same input to the same decisions', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const first = simulate(input);
        const second = simulate(input);
        assert.deepEqual(
          second.routings.map((item) => item.routing),
          first.routings.map((item) => item.routing),
        );
        assert.deepEqual(second.state, first.state);
      }),
      { numRuns: 100 },
    );
  });
  it('gives each partner a share of leads within 2 % of its weight share', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 12 }), (weights) => {
        const partners = weights.map((w, i) => partner(`P${i}`, { leadWeight: w }));
        const compiled = compileRouting(partners, chainOf([countryRule]));
        let state = initialRoutingState(compiled.ids);
        const wins = new Array<number>(weights.length).fill(0);
        const leads = 1000;
        for (let k = 0; k < leads; k++) {
          const result = routeLead(compiled, { ...lead, id: `L${k}` }, state, monday);
          state = result.state;
          wins[compiled.positionOf.get(result.decision.partners[0])!] += 1;
        }
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((w, i) =>
          assert.ok(
            Math.abs(wins[i] / leads - w / total) <= 0.02,
            `partner ${i}: ${wins[i]} of ${leads} for weight ${w}/${total}`,
          ),
        );
      }),
      { numRuns: 100 },
    );
  });
  it('decides on exactly the pool the plain conditions give, rule by rule in chain order', () => {
    const located = fc.record({
      latitude: fc.double({ min: 45, max: 55, noNaN: true }),
      longitude: fc.double({ min: 0, max: 15, noNaN: true }),
    });
    const richPartner = fc.record({
      country: fc.constantFrom('DE', 'FR', ''),
      region: fc.constantFrom('BY', 'BE'),
      postalCode: fc.constantFrom('80331', '80999', '10115', ''),
      location: fc.option(located, { nil: null }),
      tier: fc.constantFrom('silver', 'gold', 'platinum'),
      specialisations: fc.subarray(specs),
      industries: fc.subarray(['retail', 'finance']),
      segment: fc.constantFrom('smb', 'mid_market', 'enterprise'),
      certification: fc.constantFrom(null, '2026-10-31', '2027-12-31'),
      status: fc.constantFrom('active', 'active', 'suspended'),
      acceptsLeads: fc.constantFrom(true, true, false),
      leadWeight: fc.constantFrom(null, null, 0, 7),
      leadCapacity: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      periodCapacity: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      open: fc.integer({ min: 0, max: 2 }),
      periodCount: fc.integer({ min: 0, max: 2 }),
    });
    const ruleChoices: Omit<RoutingRule, 'id' | 'sequence' | 'mode'>[] = [
      { condition: 'partner_active', operator: 'equals' },
      { condition: 'country', operator: 'equals' },
      { condition: 'country', operator: 'in', value: ['FR'] },
      { condition: 'region', operator: 'equals' },
      { condition: 'postal_prefix', operator: 'starts_with', value: ['2'] },
      { condition: 'postal_prefix', operator: 'starts_with', value: ['5'] },
      { condition: 'distance', operator: 'within_km', value: ['300'] },
      { condition: 'specialisation', operator: 'equals' },
      { condition: 'specialisation', operator: 'in', value: ['erp', 'security'] },
      { condition: 'industry', operator: 'equals' },
      { condition: 'company_size', operator: 'equals' },
      { condition: 'minimum_tier', operator: 'at_least', value: ['gold'] },
      { condition: 'certification', operator: 'in', value: ['cloud-architect'] },
    ];
    const ruleArb = fc.array(fc.record({ choice: fc.nat(ruleChoices.length - 1), required: fc.boolean() }), {
      maxLength: 7,
    });
    const leadArb2 = fc.record({
      country: fc.constantFrom('DE', 'FR', null),
      region: fc.constantFrom('BY', null),
      postalCode: fc.constantFrom('80000', '10000', null),
      location: fc.option(located, { nil: null }),
      industry: fc.constantFrom('retail', null),
      employees: fc.constantFrom(50, 500, 5000, null),
      productInterest: fc.constantFrom(...specs, null),
    });
    fc.assert(
      fc.property(
        fc.array(richPartner, { minLength: 1, maxLength: 12 }),
        ruleArb,
        leadArb2,
        fc.array(fc.record({ partner: fc.nat(11), status: fc.constantFrom('declined', 'expired', 'offered') }), {
          maxLength: 3,
        }),
        fc.boolean(),
        (ps, picked, l, past, samePeriod) => {
          const partners = ps.map((p, i) =>
            partner(`P${i}`, {
              ...p,
              latitude: p.location?.latitude ?? null,
              longitude: p.location?.longitude ?? null,
              certifications: p.certification === null ? [] : [{ name: 'cloud-architect', expiresOn: p.certification }],
            }),
          );
          const rules = picked.map(({ choice, required }, r): RoutingRule => ({
            ...ruleChoices[choice],
            id: `r${r}`,
            sequence: r + 1,
            mode: required ? 'required' : 'optional',
          }));
          const compiled = compileRouting(partners, chainOf(rules));
          const routed = {
            id: 'L',
            ...l,
            latitude: l.location?.latitude ?? null,
            longitude: l.location?.longitude ?? null,
          };
          const nowMs = Date.parse(monday);
          const state: RoutingState = {
            ...initialRoutingState(compiled.ids),
            open: ps.map((p) => p.open),
            periodCount: ps.map((p) => p.periodCount),
            period: samePeriod ? capacityPeriodOf(nowMs, 'week') : null,
          };
          const history: PriorOffer[] = past
            .filter((o) => o.partner < ps.length)
            .map((o) => ({ partner: `P${o.partner}`, status: o.status, at: monday }));

          // The reference: the chain's meaning with the plain conditions, every rule in chain order.
          const context = { tierRanks: new Map(tiers.map((t) => [normalise(t.name), t.rank])), nowMs };
          const refused = new Set(history.map((o) => o.partner));
          const eligible = partners
            .map((p, i) => i)
            .filter((i) => {
              const p = partners[i];
              // Every tier has a weight above 0: only a partner's own leadWeight 0 means never.
              return (
                p.acceptsLeads !== false &&
                p.leadWeight !== 0 &&
                !refused.has(p.id) &&
                state.open[i] < (p.leadCapacity ?? Infinity) &&
                !(samePeriod && state.periodCount[i] >= (p.periodCapacity ?? Infinity))
              );
            });
          let pool: number[] | null = null;
          let expected = 'offer';
          for (const rule of rules) {
            const matched: number[] =
              missingLeadValue(rule, routed) !== null
                ? []
                : (pool ?? eligible).filter((i) => ruleMatches(rule, routed, partners[i], context));
            if (matched.length > 0) pool = matched;
            else if (rule.mode === 'required') {
              expected = 'required_rule_unmatched';
              break;
            }
          }
          pool ??= eligible;
          if (expected === 'offer' && pool.length === 0) expected = 'no_eligible_partner';

          const decided = decideLead(compiled, routed, state, monday, { history });
          assert.equal(decided.trace.fallbackReason ?? 'offer', expected);
          if (expected === 'offer') {
            // Weighted: every pool member's credit moves, so the change names the pool.
            assert.deepEqual(
              [...decided.change!.creditOf].sort((a, b) => a - b),
              pool,
            );
            assert.equal(decided.trace.winners[0].candidates, pool.length);
          } else assert.equal(decided.change, null);
        },
      ),
      { numRuns: 400 },
    );
  });
  it('compiled rules admit exactly the partners the plain condition admits', () => {
    const ruleArb = fc.constantFrom<RoutingRule>(
      countryRule,
      { id: 'r', sequence: 1, condition: 'region', operator: 'equals', mode: 'required' },
      { id: 's', sequence: 1, condition: 'specialisation', operator: 'equals', mode: 'required' },
      { id: 't', sequence: 1, condition: 'minimum_tier', operator: 'at_least', value: ['gold'], mode: 'required' },
      { id: 'c', sequence: 1, condition: 'company_size', operator: 'equals', mode: 'required' },
    );
    fc.assert(
      fc.property(fc.array(partnerArb, { minLength: 1, maxLength: 10 }), leadArb, ruleArb, (ps, l, rule) => {
        const partners = ps.map((p, i) => partner(`P${i}`, { ...p, segment: i % 2 ? 'enterprise' : 'smb' }));
        const compiled = compileRouting(partners, chainOf([rule]));
        const routedLead = { ...l, id: 'L', region: 'BY', employees: 2000 };
        const context = {
          tierRanks: new Map(tiers.map((t) => [normalise(t.name), t.rank])),
          nowMs: Date.parse(monday),
        };
        partners.forEach((p, i) => {
          const compiledRule = compiled.rules[0];
          assert.equal(
            compiledRule.test(i, compiledRule.leadKey(routedLead), routedLead, context.nowMs),
            ruleMatches(rule, routedLead, p, context),
          );
        });
      }),
      { numRuns: 200 },
    );
  });
});
