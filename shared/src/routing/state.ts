/**
 * Fairness state: plain, JSON-serialisable data, aligned with the partner list (`partnerIds`); a state
 * from another partner list is re-aligned by id. Two ways to carry it from decision to decision:
 * - pure: `routeLead` returns a new state and leaves the one passed in unchanged (it copies the arrays);
 * - owned: `decideLead` reads the state without changing it and returns a small `StateChange`;
 *   `applyChange(state, change)` then writes that change into the state object the caller owns, and
 *   `releaseAt` frees capacity in place. Nothing else holds on to the state between calls.
 */
import type { CompiledRouting } from './compile.ts';
import type { RoutingChain } from './rules.ts';

export interface RoutingState {
  partnerIds: string[];
  /** Smooth weighted round-robin credit per partner (the `weighted` strategy). */
  credit: number[];
  /** Decision number at which the partner last received an offer; -1 = never (round-robin position). */
  lastServed: number[];
  /** Open offers plus held (accepted, not yet closed) leads. */
  open: number[];
  /** Offers received in the current capacity period. */
  periodCount: number[];
  /** The capacity period `periodCount` belongs to (days, weeks or months since 1970, UTC). */
  period: number | null;
  /** Decisions made so far: the clock that round robin counts in. */
  decisions: number;
}

export function initialRoutingState(partnerIds: string[]): RoutingState {
  const n = partnerIds.length;
  return {
    partnerIds,
    credit: new Array<number>(n).fill(0),
    lastServed: new Array<number>(n).fill(-1),
    open: new Array<number>(n).fill(0),
    periodCount: new Array<number>(n).fill(0),
    period: null,
    decisions: 0,
  };
}

/** Maps a state onto the compiled partner order; partners new to the state start fresh. */
export function alignState(state: RoutingState, compiled: CompiledRouting): RoutingState {
  if (state.partnerIds === compiled.ids) return state;
  if (sameIds(state.partnerIds, compiled.ids)) return { ...state, partnerIds: compiled.ids };
  const fresh = initialRoutingState(compiled.ids);
  state.partnerIds.forEach((id, from) => {
    const to = compiled.positionOf.get(id);
    if (to === undefined) return;
    fresh.credit[to] = state.credit[from];
    fresh.lastServed[to] = state.lastServed[from];
    fresh.open[to] = state.open[from];
    fresh.periodCount[to] = state.periodCount[from];
  });
  return { ...fresh, period: state.period, decisions: state.decisions };
}

const dayMs = 86_400_000;
/** 1970-01-05 was a Monday: weeks counted from it start on Mondays, as ISO weeks do. */
const firstMondayMs = 4 * dayMs;

export function capacityPeriodOf(nowMs: number, period: RoutingChain['capacityPeriod']): number {
  if (period === 'day') return Math.floor(nowMs / dayMs);
  if (period === 'week') return Math.floor((nowMs - firstMondayMs) / (7 * dayMs));
  const date = new Date(nowMs);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/**
 * What one decision changes in the state, as absolute values: the new credit of every partner whose
 * credit moved (the weighted pool), and the winners, each of which gets one more open offer and one
 * more offer this period and is marked served at decision number `decision`. Positions are in the
 * compiled partner order (`partnerIds`). Valid only for the state it was decided on.
 */
export interface StateChange {
  partnerIds: string[];
  /** The state's `decisions` when the change was decided; `applyChange` checks it. */
  decision: number;
  /** The capacity period of the decision; a different period in the state starts counting afresh. */
  period: number;
  creditOf: number[];
  credit: number[];
  winners: number[];
}

/**
 * Writes a decision's change into the state object the caller owns and returns that object. The state
 * must be the one the change was decided on (same partner order, no decision applied since): applying
 * a change twice or to another state throws rather than corrupting the fairness counts.
 */
export function applyChange(state: RoutingState, change: StateChange): RoutingState {
  if (state.decisions !== change.decision) {
    throw new RangeError(
      `this change was decided at decision ${change.decision}, but the state is at ${state.decisions}`,
    );
  }
  if (state.partnerIds !== change.partnerIds && !sameIds(state.partnerIds, change.partnerIds)) {
    throw new RangeError('the state is aligned with another partner list; align it first (alignState)');
  }
  for (let k = 0; k < change.creditOf.length; k++) state.credit[change.creditOf[k]] = change.credit[k];
  if (state.period !== change.period) {
    state.periodCount.fill(0);
    state.period = change.period;
  }
  for (const i of change.winners) {
    state.lastServed[i] = change.decision;
    state.open[i] += 1;
    state.periodCount[i] += 1;
  }
  state.decisions = change.decision + 1;
  return state;
}

/** The pure form of `applyChange`: a new state; the one passed in is not changed. */
export function withChange(state: RoutingState, change: StateChange): RoutingState {
  const copy: RoutingState = {
    ...state,
    credit: change.creditOf.length > 0 ? state.credit.slice() : state.credit,
    lastServed: state.lastServed.slice(),
    open: state.open.slice(),
    periodCount: state.periodCount.slice(),
  };
  return applyChange(copy, change);
}

function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Frees one open offer or held lead of the partner at position i, in the state the caller owns. */
export function releaseAt(state: RoutingState, i: number): RoutingState {
  if (i >= 0 && i < state.open.length && state.open[i] > 0) state.open[i] -= 1;
  return state;
}

/** Releases one open offer or held lead of a partner (declined, expired, withdrawn, or lead closed). */
export function releaseCapacity(state: RoutingState, partnerId: string): RoutingState {
  const i = state.partnerIds.indexOf(partnerId);
  if (i < 0 || state.open[i] === 0) return state;
  const open = state.open.slice();
  open[i] -= 1;
  return { ...state, open };
}

/** A lead the partner held was converted or closed: it no longer counts against the partner's capacity. */
export const closeLead = releaseCapacity;
