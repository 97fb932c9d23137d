/**
 * The labelled set in data/company-name-pairs.json: realistic spellings of real-looking companies and
 * hard negatives (different companies with similar names). "Predicted same" means a score at or above
 * the conflict threshold; the "possible" band is measured too, since that is what a person reviews.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareCustomers, matchThresholds, prepareCustomer } from '../conflicts.ts';

interface LabelledPair {
  a: string;
  b: string;
  same: boolean;
  kind: string;
}

const pairs = JSON.parse(
  readFileSync(join(import.meta.dirname, 'data', 'company-name-pairs.json'), 'utf8'),
) as LabelledPair[];

function measure(threshold: number) {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const mistakes: string[] = [];
  for (const pair of pairs) {
    const { score } = compareCustomers(
      prepareCustomer({ customerName: pair.a }),
      prepareCustomer({ customerName: pair.b }),
    );
    const predicted = score >= threshold;
    if (predicted && pair.same) truePositives += 1;
    else if (predicted) {
      falsePositives += 1;
      mistakes.push(`false positive ${score}: ${pair.a} | ${pair.b}`);
    } else if (pair.same) {
      falseNegatives += 1;
      mistakes.push(`false negative ${score}: ${pair.a} | ${pair.b}`);
    }
  }
  return {
    precision: truePositives / (truePositives + falsePositives),
    recall: truePositives / (truePositives + falseNegatives),
    mistakes,
  };
}

it('has a labelled set large enough to mean something, with hard negatives', () => {
  assert.ok(pairs.length >= 200, `${pairs.length} pairs`);
  assert.ok(pairs.filter((p) => !p.same).length >= 80, 'at least 80 different-company pairs');
  assert.ok(pairs.some((p) => p.a.startsWith('Apple') && p.b.startsWith('Applied') && !p.same));
  assert.ok(pairs.some((p) => p.a.startsWith('Delta Air') && p.b === 'Delta Dental' && !p.same));
});

it('calls the same company the same with precision ≥ 0.98 and recall ≥ 0.95 at the conflict threshold', () => {
  const { precision, recall, mistakes } = measure(matchThresholds.conflict);
  console.log(
    `labelled set: ${pairs.length} pairs; conflict threshold: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
  );
  for (const mistake of mistakes) console.log(`  ${mistake}`);
  assert.ok(precision >= 0.98, `precision ${precision}`);
  assert.ok(recall >= 0.95, `recall ${recall}`);
});

it('puts nearly every true variant in front of a person (recall ≥ 0.98 at the possible threshold)', () => {
  const { precision, recall } = measure(matchThresholds.possible);
  console.log(`possible threshold: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
  assert.ok(recall >= 0.98, `recall ${recall}`);
  assert.ok(precision >= 0.88, `precision ${precision}`);
});
