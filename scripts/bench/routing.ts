/**
 * `npm run bench -- routing [--partners N] [--leads N] [--sample N]`: lead routing over deterministic
 * synthetic data (1,000 partners, 50 rules, 100,000 leads), against a naive baseline in the same run
 * that tests every rule against every partner for every lead (on a sample, extrapolated).
 * Three measured passes over all the leads, each from a fresh state:
 * - decisions: `decideLead` (explanation as structured data) + `applyChange` into a state the loop owns;
 * - with sentences: the same plus `renderDecision` (ids, rule descriptions, sentences) for every lead;
 * - pure API: `routeLead`, which renders the sentences and returns a new state (copies its arrays).
 * Every pass includes the bookkeeping of the run (closing held leads), as the old single pass did.
 * Share deviation: for each partner, its share of the leads it competed for (it was in the final pool)
 * against the mean weight share it held in those pools; partners in fewer than 200 pools are skipped,
 * where one lead alone moves the share by more than 0.5 %.
 */
import { parseArgs } from 'node:util';
import { compileRouting } from '@prm/core/routing/compile';
import { normalise, ruleMatches } from '@prm/core/routing/conditions';
import { decideLead, renderDecision, routeLead } from '@prm/core/routing/route';
import { routingChain, type RoutingLead, type RoutingPartner, type RoutingRule } from '@prm/core/routing/rules';
import { applyChange, closeLead, initialRoutingState, releaseAt, type RoutingState } from '@prm/core/routing/state';
import { seededRandom as prng } from '@prm/core/seededRandom';

const countries = ['US', 'DE', 'GB', 'FR', 'JP', 'BR', 'IN', 'AU', 'CA', 'NL', 'ES', 'IT'];
const specialisations = ['security', 'cloud', 'data_analytics', 'networking', 'erp', 'crm', 'devops'];
const industries = [
  'manufacturing',
  'financial_services',
  'healthcare',
  'retail',
  'public_sector',
  'technology',
  'education',
];
const tiers = [
  { name: 'registered', rank: 1, leadWeight: 10 },
  { name: 'silver', rank: 2, leadWeight: 20 },
  { name: 'gold', rank: 3, leadWeight: 35 },
  { name: 'platinum', rank: 4, leadWeight: 60 },
];

function generate(partnerCount: number, leadCount: number) {
  const random = prng(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const partners: RoutingPartner[] = Array.from({ length: partnerCount }, (_, i) => ({
    id: `P-${i}`,
    name: `Partner ${i}`,
    status: random() < 0.95 ? 'active' : 'suspended',
    tier: pick(tiers).name,
    country: pick(countries),
    region: `R${Math.floor(random() * 4)}`,
    postalCode: String(10000 + Math.floor(random() * 90000)),
    latitude: -60 + random() * 120,
    longitude: -180 + random() * 360,
    specialisations: specialisations.filter(() => random() < 0.4),
    industries: industries.filter(() => random() < 0.4),
    segment: pick(['smb', 'mid_market', 'enterprise']),
    certifications: random() < 0.5 ? [{ name: `cert-${Math.floor(random() * 5)}`, expiresOn: '2030-01-01' }] : [],
    leadCapacity: 40 + Math.floor(random() * 40),
    acceptsLeads: random() < 0.98,
    conversionRate: random() * 0.4,
  }));
  const rules: RoutingRule[] = [
    { id: 'active', sequence: 1, condition: 'partner_active', operator: 'equals', mode: 'required' },
    { id: 'country', sequence: 2, condition: 'country', operator: 'equals', mode: 'required' },
  ];
  const optional: Omit<RoutingRule, 'id' | 'sequence'>[] = [
    { condition: 'specialisation', operator: 'equals', mode: 'optional' },
    { condition: 'region', operator: 'equals', mode: 'optional' },
    { condition: 'industry', operator: 'equals', mode: 'optional' },
    { condition: 'company_size', operator: 'equals', mode: 'optional' },
    { condition: 'certification', operator: 'in', value: ['cert-0', 'cert-1'], mode: 'optional' },
    { condition: 'minimum_tier', operator: 'at_least', value: ['silver'], mode: 'optional' },
    { condition: 'postal_prefix', operator: 'starts_with', value: ['1'], mode: 'optional' },
    { condition: 'distance', operator: 'within_km', value: ['3000'], mode: 'optional' },
    { condition: 'specialisation', operator: 'in', value: ['security', 'cloud'], mode: 'optional' },
    { condition: 'industry', operator: 'in', value: ['retail', 'technology'], mode: 'optional' },
  ];
  for (let r = 0; rules.length < 50; r++)
    rules.push({ ...optional[r % optional.length], id: `rule-${rules.length + 1}`, sequence: rules.length + 1 });
  const chain = routingChain({ rules, tiers, fallback: { kind: 'direct_queue', queue: 'direct' } });
  const leads: RoutingLead[] = Array.from({ length: leadCount }, (_, i) => ({
    id: `L-${i}`,
    country: pick(countries),
    region: `R${Math.floor(random() * 4)}`,
    postalCode: String(10000 + Math.floor(random() * 90000)),
    latitude: -60 + random() * 120,
    longitude: -180 + random() * 360,
    industry: pick(industries),
    employees: Math.floor(random() ** 3 * 5000),
    productInterest: pick(specialisations),
  }));
  return { partners, chain, leads };
}

/** Every rule against every partner for every lead, then the same weighted pick. */
function naiveRoute(
  partners: RoutingPartner[],
  rules: RoutingRule[],
  lead: RoutingLead,
  nowMs: number,
  credit: number[],
  weights: number[],
) {
  const context = { tierRanks: new Map(tiers.map((tier) => [normalise(tier.name), tier.rank])), nowMs };
  let pool = partners.map((_, i) => i).filter((i) => partners[i].acceptsLeads !== false);
  for (const rule of rules) {
    const matched = pool.filter((i) => ruleMatches(rule, lead, partners[i], context));
    if (matched.length > 0) pool = matched;
    else if (rule.mode === 'required') return -1;
  }
  let best = -1;
  let total = 0;
  for (const i of pool) {
    total += weights[i];
    credit[i] += weights[i];
    if (best < 0 || credit[i] > credit[best]) best = i;
  }
  if (best >= 0) credit[best] -= total;
  return best;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      partners: { type: 'string', default: '1000' },
      leads: { type: 'string', default: '100000' },
      sample: { type: 'string', default: '2000' },
    },
  });
  const { partners, chain, leads } = generate(Number(values.partners), Number(values.leads));
  const now = '2026-11-02T09:00:00Z';
  const nowMs = Date.parse(now);
  const compiled = compileRouting(partners, chain);
  const n = partners.length;

  const options = { listExclusionsUpTo: 10 };
  // Leads are accepted at once and closed 2,000 leads later, so capacity binds but frees again.
  const heldFor = 2000;
  /** One pass over the leads; returns the time per decision (ns) and the run's total time. */
  const measure = (mode: 'decide' | 'render' | 'pure', count: number) => {
    let state: RoutingState = initialRoutingState(compiled.ids);
    const durations = new Float64Array(count);
    const held = new Int32Array(count);
    let heldFrom = 0;
    let heldTo = 0;
    let fallback = 0;
    let sentences = 0;
    const started = process.hrtime.bigint();
    for (let k = 0; k < count; k++) {
      const lead = leads[k % leads.length];
      const t0 = process.hrtime.bigint();
      let winner: number | undefined;
      if (mode === 'pure') {
        const result = routeLead(compiled, lead, state, now, options);
        state = result.state;
        sentences += result.decision.explanation.lines.length;
        winner = result.decision.partners.length > 0 ? compiled.positionOf.get(result.decision.partners[0]) : undefined;
      } else {
        const decided = decideLead(compiled, lead, state, now, options);
        if (mode === 'render') sentences += renderDecision(compiled, lead, decided, now).explanation.lines.length;
        if (decided.change !== null) applyChange(state, decided.change);
        winner = decided.partners[0];
      }
      durations[k] = Number(process.hrtime.bigint() - t0);
      if (winner === undefined) fallback += 1;
      else held[heldTo++] = winner;
      if (heldTo - heldFrom > heldFor) {
        const close = held[heldFrom++];
        state = mode === 'pure' ? closeLead(state, compiled.ids[close]) : releaseAt(state, close);
      }
    }
    const elapsedNs = Number(process.hrtime.bigint() - started);
    return { durations, elapsedNs, fallback, sentences };
  };

  // Warm up the JIT on every path (its own fresh states), so the measured runs start cold only in data.
  measure('decide', 5000);
  measure('render', 5000);
  measure('pure', 5000);
  const decided = measure('decide', leads.length);
  const rendered = measure('render', leads.length);
  const pure = measure('pure', leads.length);
  const fallback = decided.fallback;

  // Fairness is measured in a further, untimed pass that records each final pool (the change lists the
  // new credit of every partner in the weighted pool).
  const state = initialRoutingState(compiled.ids);
  const wins = new Float64Array(n);
  const competed = new Float64Array(n);
  const expected = new Float64Array(n);
  const held: number[] = [];
  for (let k = 0; k < leads.length; k++) {
    const result = decideLead(compiled, leads[k], state, now, { listExclusionsUpTo: 0 });
    const change = result.change;
    if (change !== null) {
      const reason = result.trace.winners[0].reason;
      if (reason.strategy === 'weighted') {
        for (const i of change.creditOf) {
          competed[i] += 1;
          expected[i] += compiled.weight[i] / reason.totalWeight;
        }
        wins[result.partners[0]] += 1;
      }
      applyChange(state, change);
      held.push(result.partners[0]);
    }
    if (held.length > heldFor) releaseAt(state, held.shift()!);
  }
  let maxDeviation = 0;
  let worst = '';
  for (let i = 0; i < n; i++) {
    if (competed[i] < 200) continue;
    const deviation = Math.abs(wins[i] / competed[i] - expected[i] / competed[i]);
    if (deviation > maxDeviation) {
      maxDeviation = deviation;
      worst = `${compiled.ids[i]} (${wins[i]} of ${competed[i]} leads, expected ${expected[i].toFixed(1)})`;
    }
  }

  const sample = Math.min(Number(values.sample), leads.length);
  const credit = new Array<number>(n).fill(0);
  const weights = Array.from(compiled.weight);
  const naiveStart = process.hrtime.bigint();
  for (let k = 0; k < sample; k++) naiveRoute(partners, chain.rules, leads[k], nowMs, credit, weights);
  const naiveNs = Number(process.hrtime.bigint() - naiveStart);

  const summary = (run: { durations: Float64Array; elapsedNs: number }) => {
    const sorted = Array.from(run.durations).sort((a, b) => a - b);
    return {
      rate: run.durations.length / (run.elapsedNs / 1e9),
      p50: sorted[Math.floor(sorted.length / 2)] / 1000,
      p99: sorted[Math.floor(sorted.length * 0.99)] / 1000,
    };
  };
  const fast = summary(decided);
  const words = summary(rendered);
  const whole = summary(pure);
  const naiveRate = sample / (naiveNs / 1e9);
  const line = (what: string, figures: { rate: number; p50: number; p99: number }) =>
    `  ${what}: ${Math.round(figures.rate).toLocaleString('en')} leads/s, p50 ${figures.p50.toFixed(1)} µs, p99 ${figures.p99.toFixed(1)} µs per decision`;
  console.log(`routing: ${n} partners, ${chain.rules.length} rules, ${leads.length} leads (${fallback} to fallback)`);
  console.log(line('decisions (explanation as data, state applied in place)', fast));
  console.log(
    line('with sentences rendered for every decision', words) +
      ` (${rendered.sentences.toLocaleString('en')} sentences)`,
  );
  console.log(line('pure routeLead (sentences, new state per decision)', whole));
  console.log(
    `  naive (every rule x every partner, ${sample} leads): ${Math.round(naiveRate).toLocaleString('en')} leads/s`,
  );
  console.log(
    `  ratio to naive: decisions ${(fast.rate / naiveRate).toFixed(1)}x, with sentences ${(words.rate / naiveRate).toFixed(1)}x, pure ${(whole.rate / naiveRate).toFixed(1)}x`,
  );
  console.log(`  largest share deviation from weight: ${(maxDeviation * 100).toFixed(2)} % ${worst}`);
  console.log(
    `  target >= 50,000 leads/s (decisions): ${fast.rate >= 50_000 ? 'pass' : 'FAIL'}; with sentences: ${words.rate >= 50_000 ? 'pass' : 'FAIL'}; target share deviation <= 2 %: ${maxDeviation <= 0.02 ? 'pass' : 'FAIL'}`,
  );
}
