/**
 * How the chain picks one partner among those the rules left. Every strategy is deterministic: ties go
 * to the partner served least recently, then to the one earlier in the partner list.
 */
import { distanceKm, hasLocation } from './conditions.ts';
import type { CompiledRouting } from './compile.ts';
import type { RoutingLead, Strategy } from './rules.ts';

/**
 * Working values of the candidates only, aligned with the pool (`credit[k]` belongs to `pool[k]`):
 * route.ts fills them from the state, so a decision never copies or changes the state's arrays.
 */
export interface FairnessWork {
  credit: number[];
  lastServed: number[];
  open: number[];
}

export type WinnerReason =
  | { strategy: 'weighted'; weight: number; totalWeight: number; credit: number }
  | { strategy: 'round_robin'; lastServed: number }
  | { strategy: 'capacity'; open: number; capacity: number | null }
  | { strategy: 'best_score'; score: number }
  | { strategy: 'nearest'; distanceKm: number | null };

export interface Pick {
  /** The winner's position in the pool (not in the partner list). */
  winner: number;
  reason: WinnerReason;
}

/** True when pool member a should win a tie over pool member b (b's partner is `pool[b]`). */
function servedEarlier(pool: ArrayLike<number>, work: FairnessWork, a: number, b: number): boolean {
  return work.lastServed[a] < work.lastServed[b] || (work.lastServed[a] === work.lastServed[b] && pool[a] < pool[b]);
}

/**
 * Smooth weighted round robin (as in nginx): every candidate earns its weight, the richest wins and
 * pays the pool's total. Over any run of leads with the same pool each partner's share stays within
 * one lead of its weight share, without randomness, so replays give the same partners.
 */
function weighted(compiled: CompiledRouting, pool: ArrayLike<number>, work: FairnessWork): Pick {
  let total = 0;
  let best = -1;
  const credit = work.credit;
  for (let k = 0; k < pool.length; k++) {
    const weight = compiled.weight[pool[k]];
    total += weight;
    credit[k] += weight;
    if (best < 0 || credit[k] > credit[best] || (credit[k] === credit[best] && servedEarlier(pool, work, k, best)))
      best = k;
  }
  const before = credit[best];
  credit[best] -= total;
  return {
    winner: best,
    reason: { strategy: 'weighted', weight: compiled.weight[pool[best]], totalWeight: total, credit: before },
  };
}

function roundRobin(pool: ArrayLike<number>, work: FairnessWork): Pick {
  let best = 0;
  for (let k = 1; k < pool.length; k++) if (servedEarlier(pool, work, k, best)) best = k;
  return { winner: best, reason: { strategy: 'round_robin', lastServed: work.lastServed[best] } };
}

/** The most free capacity as a share of the partner's limit; no limit counts as fully free. */
function capacityAware(compiled: CompiledRouting, pool: ArrayLike<number>, work: FairnessWork): Pick {
  const headroom = (k: number) => {
    const capacity = compiled.capacity[pool[k]];
    return Number.isFinite(capacity) ? (capacity - work.open[k]) / Math.max(1, capacity) : 1;
  };
  let best = 0;
  for (let k = 1; k < pool.length; k++) {
    const difference = headroom(k) - headroom(best);
    if (difference > 0 || (difference === 0 && servedEarlier(pool, work, k, best))) best = k;
  }
  const capacity = compiled.capacity[pool[best]];
  return {
    winner: best,
    reason: { strategy: 'capacity', open: work.open[best], capacity: Number.isFinite(capacity) ? capacity : null },
  };
}

function bestScore(compiled: CompiledRouting, pool: ArrayLike<number>, work: FairnessWork): Pick {
  let best = 0;
  for (let k = 1; k < pool.length; k++) {
    const difference = compiled.score[pool[k]] - compiled.score[pool[best]];
    if (difference > 0 || (difference === 0 && servedEarlier(pool, work, k, best))) best = k;
  }
  return { winner: best, reason: { strategy: 'best_score', score: compiled.score[pool[best]] } };
}

/** Partners without a location, or a lead without one, rank after every known distance. */
function nearest(compiled: CompiledRouting, pool: ArrayLike<number>, work: FairnessWork, lead: RoutingLead): Pick {
  const located = hasLocation(lead);
  const distance = (i: number) =>
    located && !Number.isNaN(compiled.latitude[i])
      ? distanceKm(lead.latitude!, lead.longitude!, compiled.latitude[i], compiled.longitude[i])
      : Number.POSITIVE_INFINITY;
  let best = 0;
  let bestDistance = distance(pool[0]);
  for (let k = 1; k < pool.length; k++) {
    const d = distance(pool[k]);
    if (d < bestDistance || (d === bestDistance && servedEarlier(pool, work, k, best))) {
      best = k;
      bestDistance = d;
    }
  }
  return {
    winner: best,
    reason: {
      strategy: 'nearest',
      distanceKm: Number.isFinite(bestDistance) ? Math.round(bestDistance * 10) / 10 : null,
    },
  };
}

/**
 * Picks one winner among a pool of at least one partner (positions in the partner list); `work` holds
 * the pool's fairness values, aligned with the pool. Updates `work.credit` for `weighted`.
 */
export function pickPartner(
  strategy: Strategy,
  compiled: CompiledRouting,
  pool: ArrayLike<number>,
  work: FairnessWork,
  lead: RoutingLead,
): Pick {
  switch (strategy) {
    case 'weighted':
      return weighted(compiled, pool, work);
    case 'round_robin':
      return roundRobin(pool, work);
    case 'capacity':
      return capacityAware(compiled, pool, work);
    case 'best_score':
      return bestScore(compiled, pool, work);
    case 'nearest':
      return nearest(compiled, pool, work, lead);
  }
}
