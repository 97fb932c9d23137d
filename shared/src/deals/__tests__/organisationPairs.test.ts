/**
 * The labelled set in data/organisation-pairs.json (real names: data/README.md): every known
 * organisation indexed at once, as `prm conflicts` does, and each incoming spelling checked against all
 * of them. The rules were tuned on the "tune" half; the targets are asserted on the "holdout" half,
 * which was only read for reporting.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConflict, createConflictIndex, upsertRecord } from '../conflictIndex.ts';
import { now } from './data/registrations.ts';
import type { OrganisationPair } from './data/organisationPairs.ts';

const pairs = JSON.parse(
  readFileSync(join(import.meta.dirname, 'data', 'organisation-pairs.json'), 'utf8'),
) as OrganisationPair[];

const index = createConflictIndex();
for (const pair of pairs)
  upsertRecord(index, {
    id: pair.id,
    kind: 'customer',
    customerName: pair.known.name,
    customerCountry: pair.known.country,
    customerDomain: pair.known.domain,
  });

const shortFormKinds = new Set(['short form', 'initials']);

function measure(half: OrganisationPair['half']) {
  let same = 0;
  let found = 0;
  let short = 0;
  let shortFound = 0;
  let different = 0;
  let falseConflicts = 0;
  let reviews = 0;
  const byKind: Record<string, { pairs: number; none: number; possible: number; conflict: number }> = {};
  const mistakes: string[] = [];
  pairs.forEach((pair, i) => {
    if (pair.half !== half) return;
    const decision = checkConflict(
      index,
      {
        id: `incoming-${i}`,
        customerName: pair.incoming.name,
        customerCountry: pair.incoming.country,
        customerDomain: pair.incoming.domain,
      },
      now,
    );
    const kind = (byKind[`${pair.same ? 'same' : 'different'}: ${pair.kind}`] ??= {
      pairs: 0,
      none: 0,
      possible: 0,
      conflict: 0,
    });
    kind.pairs += 1;
    kind[decision.verdict] += 1;
    const describe = `${decision.verdict} ${decision.score}: ${pair.known.name} (${pair.known.country}) | ${pair.incoming.name} (${pair.incoming.country ?? '-'}) → ${decision.match?.customerName ?? ''}`;
    if (pair.same) {
      same += 1;
      const hit = decision.verdict !== 'none' && decision.match?.id === pair.id;
      if (hit) found += 1;
      else mistakes.push(`missed ${pair.kind}: ${describe}`);
      if (shortFormKinds.has(pair.kind)) {
        short += 1;
        if (hit) shortFound += 1;
      }
    } else {
      different += 1;
      if (decision.verdict !== 'none') {
        reviews += 1;
        mistakes.push(`${pair.kind}: ${describe}`);
      }
      if (decision.verdict === 'conflict') falseConflicts += 1;
    }
  });
  return {
    recall: found / same,
    falseConflictRate: falseConflicts / different,
    reviewRate: reviews / different,
    shortFormRecall: shortFound / short,
    counts: { same, different, short },
    byKind,
    mistakes,
  };
}

function report(half: OrganisationPair['half']) {
  const m = measure(half);
  console.log(
    `organisation pairs, ${half} half (${m.counts.same} same, ${m.counts.different} different, ${m.counts.short} short forms): ` +
      `recall ${m.recall.toFixed(3)}, false conflict ${(m.falseConflictRate * 100).toFixed(2)}%, ` +
      `review rate ${(m.reviewRate * 100).toFixed(1)}%, short-form and alias recall ${m.shortFormRecall.toFixed(3)}`,
  );
  for (const [kind, counts] of Object.entries(m.byKind).sort()) console.log(`  ${kind}: ${JSON.stringify(counts)}`);
  if (process.env.PAIRS_MISTAKES) for (const mistake of m.mistakes) console.log(`  ${mistake}`);
  return m;
}

it('has a labelled set of real names large enough to mean something, with every kind of hard negative', () => {
  assert.ok(pairs.length >= 3000, `${pairs.length} pairs`);
  for (const kind of ['shares a word', 'one letter apart', 'words reordered', 'namesake in another country'])
    assert.ok(pairs.filter((p) => !p.same && p.kind === kind).length >= 50, kind);
  for (const kind of ['legal form', 'typo', 'abbreviation', 'short form', 'initials'])
    assert.ok(pairs.filter((p) => p.same && p.kind === kind).length >= 50, kind);
  assert.ok(pairs.filter((p) => p.half === 'holdout').length >= 1500, 'a held-out half');
});

it('reports the tuning half (the rules were fitted on it; not a target)', () => {
  report('tune');
});

it('meets the targets on the held-out half: recall ≥ 0.96, false conflict ≤ 0.5 %, review ≤ 10 %, short forms ≥ 0.6', () => {
  const m = report('holdout');
  assert.ok(m.recall >= 0.96, `recall ${m.recall}`);
  assert.ok(m.falseConflictRate <= 0.005, `false conflict rate ${m.falseConflictRate}`);
  assert.ok(m.reviewRate <= 0.1, `review rate ${m.reviewRate}`);
  assert.ok(m.shortFormRecall >= 0.6, `short-form and alias recall ${m.shortFormRecall}`);
});
