/** Verdict rules: what each known record means today, and which scored match the verdict rests on. */
import {
  matchThresholds,
  type ConflictSubject,
  type ConflictVerdict,
  type KnownCustomerRecord,
} from './knownCustomers.ts';
import { compareCustomers, matchScore, prepareCustomer, type PreparedCustomer } from './scoring.ts';
import { assessMatch, isShortFormOf, shortFormScore } from './evidence.ts';
import type { WordRarity } from './wordWeights.ts';

export interface ScoredRecord {
  record: KnownCustomerRecord;
  prepared: PreparedCustomer;
  score: number;
}

export interface ConflictDecision {
  verdict: ConflictVerdict;
  /** The known record the verdict rests on; null when nothing came close. */
  match: KnownCustomerRecord | null;
  score: number;
  /** Plain-language reasons: what matched, and why that record holds the customer. */
  reasons: string[];
}

type Hold = { strength: 'holds' | 'soft'; why: string } | null;

function isoDay(instant: string): string {
  return instant.slice(0, 10);
}

/** Whether, at `now`, the record stands between the subject and the customer, and why. */
export function recordHold(record: KnownCustomerRecord, subject: ConflictSubject, now: string): Hold {
  const nowMs = Date.parse(now);
  switch (record.kind) {
    case 'customer':
      return { strength: 'holds', why: `${record.customerName} (${record.id}) is already a customer of the vendor` };
    case 'opportunity':
      return record.open === false
        ? null
        : {
            strength: 'holds',
            why: `opportunity ${record.id} for ${record.customerName} is open in the vendor's pipeline`,
          };
    case 'namedAccount': {
      if (record.reservedUntil != null && record.reservedUntil < isoDay(now)) return null;
      const owner = record.accountOwner ? ` (owner: ${record.accountOwner})` : '';
      const until = record.reservedUntil != null ? ` until ${record.reservedUntil}` : '';
      return {
        strength: 'holds',
        why: `${record.customerName} is a named account reserved to the direct sales team${owner}${until}`,
      };
    }
    case 'registration': {
      if (record.id === subject.id) return null;
      const samePartner = subject.partner != null && record.partner === subject.partner;
      const status = record.status ?? 'draft';
      let why: string | null = null;
      let strength: 'holds' | 'soft' = 'holds';
      if ((status === 'approved' || status === 'converted') && record.protectionEndsAt != null) {
        if (Date.parse(record.protectionEndsAt) > nowMs) {
          why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} is protected until ${isoDay(record.protectionEndsAt)}`;
        }
      } else if (status === 'converted') {
        why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} has been converted to an opportunity`;
      } else if (status === 'submitted' || status === 'in_review') {
        if (isEarlierSubmission(record, subject)) {
          why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} was submitted first (${record.submittedAt ?? 'earlier'}); the first valid registration wins`;
        }
      } else if (status === 'won') {
        why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} was won; the customer may now be an existing customer`;
        strength = 'soft';
      }
      if (why === null) return null;
      if (samePartner)
        return { strength: 'soft', why: `your own ${why.replace(/ by partner \S+/, '')}; this may be a duplicate` };
      return { strength, why };
    }
  }
}

/**
 * Submission order, deterministic even for simultaneous submissions: earlier `submittedAt` first, then
 * the smaller id. Every server that sees the same two registrations picks the same winner.
 */
export function compareSubmissionOrder(
  a: { id: string; submittedAt?: string | null },
  b: { id: string; submittedAt?: string | null },
): number {
  const at = a.submittedAt != null ? Date.parse(a.submittedAt) : Number.POSITIVE_INFINITY;
  const bt = b.submittedAt != null ? Date.parse(b.submittedAt) : Number.POSITIVE_INFINITY;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isEarlierSubmission(record: KnownCustomerRecord, subject: ConflictSubject): boolean {
  if (record.submittedAt == null) return false;
  if (subject.submittedAt == null) return true;
  return compareSubmissionOrder(record, subject) < 0;
}

const verdictRank: Record<ConflictVerdict, number> = { none: 0, possible: 1, conflict: 2 };

/**
 * The verdict for a subject given scored candidates (from the index or a scan). Ties are broken by
 * score, then by who was first, then by id, so the same known customers always give the same answer.
 */
export function decideConflict(
  subject: ConflictSubject,
  preparedSubject: PreparedCustomer,
  found: readonly ScoredRecord[],
  now: string,
  rarity: WordRarity,
): ConflictDecision {
  // Strongest first, so that once a match is settled the weaker ones need not be assessed at all.
  const byScore = [...found].sort((x, y) => y.score - x.score);
  let best: { verdict: ConflictVerdict; candidate: ScoredRecord; why: string } | null = null;
  const beyondReach = (score: number) => {
    if (best === null) return false;
    // `isBetter` is a strict total order, so a candidate that could not beat the best so far even with
    // the strongest hold cannot beat the final one: its evidence and hold need not be worked out.
    const reachable = verdictRank[score >= matchThresholds.conflict ? 'conflict' : 'possible'];
    const bestRank = verdictRank[best.verdict];
    return reachable < bestRank || (reachable === bestRank && score < best.candidate.score);
  };
  for (const match of byScore) {
    // What its evidence can make of a match is at most its score, or a short form's (`assessMatch`).
    if (beyondReach(Math.max(match.score, shortFormScore))) continue;
    const assessed = assessMatch(preparedSubject, match.prepared, match.score, rarity);
    if (assessed.score < matchThresholds.possible || beyondReach(assessed.score)) continue;
    const candidate = assessed.score === match.score ? match : { ...match, score: assessed.score };
    const hold = recordHold(candidate.record, subject, now);
    if (hold === null) continue;
    const verdict: ConflictVerdict =
      candidate.score >= matchThresholds.conflict && hold.strength === 'holds' ? 'conflict' : 'possible';
    if (best === null || isBetter(verdict, candidate, best.verdict, best.candidate)) {
      best = { verdict, candidate, why: hold.why };
    }
  }
  if (best === null) {
    return {
      verdict: 'none',
      match: null,
      score: 0,
      reasons: ['no protected registration, open opportunity, customer or named account matches this customer'],
    };
  }
  const { reasons } = compareCustomers(preparedSubject, best.candidate.prepared, true);
  const decidedBy = found.find((match) => match.record === best.candidate.record)!;
  const { why } = assessMatch(preparedSubject, decidedBy.prepared, decidedBy.score, rarity, true);
  if (why !== null) reasons.unshift(why);
  const lead =
    best.verdict === 'conflict'
      ? 'same customer'
      : best.candidate.score >= matchThresholds.conflict
        ? 'same customer, but a person should decide'
        : 'possibly the same customer; a person should look';
  return {
    verdict: best.verdict,
    match: best.candidate.record,
    score: best.candidate.score,
    reasons: [`${lead}: ${best.why}`, ...reasons],
  };
}

function isBetter(
  verdict: ConflictVerdict,
  candidate: ScoredRecord,
  bestVerdict: ConflictVerdict,
  best: ScoredRecord,
): boolean {
  if (verdictRank[verdict] !== verdictRank[bestVerdict]) return verdictRank[verdict] > verdictRank[bestVerdict];
  if (candidate.score !== best.score) return candidate.score > best.score;
  return compareSubmissionOrder(candidate.record, best.record) < 0;
}

/** The plain scan: every known record scored. The reference the index must agree with, and fine for a few known customers. */
export function checkConflictsByScan(
  subject: ConflictSubject,
  known: readonly { record: KnownCustomerRecord; prepared: PreparedCustomer }[],
  now: string,
): ConflictDecision {
  const preparedSubject = prepareCustomer(subject);
  const scored: ScoredRecord[] = [];
  for (const entry of known) {
    const score = matchScore(preparedSubject, entry.prepared);
    if (
      score >= matchThresholds.possible ||
      isShortFormOf(preparedSubject, entry.prepared) ||
      isShortFormOf(entry.prepared, preparedSubject)
    )
      scored.push({ ...entry, score });
  }
  return decideConflict(subject, preparedSubject, scored, now, rarityAmong(known));
}

/** Word rarity counted over a list of known records, as the index counts it from its word lists. */
export function rarityAmong(known: readonly { prepared: PreparedCustomer }[]): WordRarity {
  const counted = new Map<string, number>();
  return {
    records: known.length,
    holding(word) {
      let count = counted.get(word);
      if (count === undefined) {
        count = 0;
        for (const entry of known) if (entry.prepared.words.includes(word)) count += 1;
        counted.set(word, count);
      }
      return count;
    },
  };
}
