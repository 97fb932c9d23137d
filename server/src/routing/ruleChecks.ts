/**
 * A routing rule is saved only when the program's chain, with it, still validates in the core
 * (shared/src/routing/rules.ts): a rule that cannot route is refused where it is written, naming its
 * own field, instead of failing later under whoever's lead it meets. Rules stored before a change
 * they depend on (a tier renamed) are listed by storedChainProblems for the vendor to fix.
 */
import type { FieldProblem } from '@prm/core/errors';
import type { Program } from '@prm/core/generated/types';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { recordOf, type StoredRecord } from '../store/records.ts';
import type { Tx } from '../store/repository.ts';
import { allPrograms, chainProblems, findProgram, storedRoutingRules } from './chain.ts';

const routingRules = objectNamed(prmObjects, 'routingRule');

/** A rule without a program is in no chain: it is checked alone, against no tiers. */
const noProgram = { id: '', name: '(no program)' } as Program;

export async function routingRuleProblems(tx: Tx, record: StoredRecord): Promise<FieldProblem[]> {
  // Checked as if active, so switching it on later cannot break the chain either.
  const rule = { ...recordOf(routingRules, record), active: true };
  const program = (rule.program && (await findProgram(tx, rule.program))) || noProgram;
  const others =
    program === noProgram ? [] : (await storedRoutingRules(tx, program.id)).filter((r) => r.id !== rule.id);
  return (await chainProblems(tx, program, [...others, rule]))
    .filter((problem) => problem.rule?.id === rule.id)
    .map(({ field, message }) => ({ field, message }));
}

export interface StoredRuleProblem {
  program: string;
  routingRule: string | null;
  name: string | null;
  field: string;
  message: string;
}

/** What is wrong with the stored chain of every program, each problem on its rule. */
export async function storedChainProblems(tx: Tx): Promise<StoredRuleProblem[]> {
  const problems: StoredRuleProblem[] = [];
  for (const program of await allPrograms(tx)) {
    for (const { rule, field, message } of await chainProblems(tx, program, await storedRoutingRules(tx, program.id)))
      problems.push({ program: program.id, routingRule: rule?.id ?? null, name: rule?.name ?? null, field, message });
  }
  return problems;
}
