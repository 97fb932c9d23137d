/**
 * The fit score of an application: each criterion scores 0–1, weighted by the program's configuration,
 * scaled to 0–100. A weight of 0 switches a criterion off. The breakdown travels with the score so the
 * reviewer sees why an application scored as it did.
 */
import type { PartnerApplication } from '../generated/types.ts';
import { ValidationError, type FieldProblem } from '../errors.ts';
import type { Money } from '../money.ts';

export type FitCriterion = 'size' | 'revenue' | 'territory' | 'partnerType' | 'specialisations';

export interface FitScoreConfig {
  weights: Record<FitCriterion, number>;
  /** Employees at which size scores full marks; fewer score proportionally. */
  employeesForFullMarks: number;
  revenueForFullMarks: Money;
  targetCountries: string[];
  preferredPartnerTypes: PartnerApplication['partnerType'][];
  wantedSpecialisations: string[];
}

export type ScoredApplication = Pick<
  PartnerApplication,
  'employees' | 'annualRevenue' | 'currency' | 'country' | 'partnerType' | 'specialisations'
>;

export interface FitScore {
  score: number;
  breakdown: Array<{ criterion: FitCriterion; weight: number; value: number }>;
}

export function fitScore(application: ScoredApplication, config: FitScoreConfig): FitScore {
  const problems: FieldProblem[] = [];
  for (const [criterion, weight] of Object.entries(config.weights)) {
    if (!(weight >= 0)) problems.push({ field: `weights.${criterion}`, message: 'A weight is 0 or more.' });
  }
  const totalWeight = Object.values(config.weights).reduce((sum, weight) => sum + weight, 0);
  if (totalWeight === 0) problems.push({ field: 'weights', message: 'At least one criterion needs a weight above 0.' });
  if (application.annualRevenue !== null && (application.currency ?? 'USD') !== config.revenueForFullMarks.currency) {
    problems.push({ field: 'currency', message: `Revenue is scored in ${config.revenueForFullMarks.currency}.` });
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const capped = (value: number) => Math.max(0, Math.min(1, value));
  const offered = (application.specialisations ?? '')
    .split(/[,;\n]/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const values: Record<FitCriterion, number> = {
    size: capped((application.employees ?? 0) / config.employeesForFullMarks),
    revenue: capped((application.annualRevenue ?? 0) / config.revenueForFullMarks.amount),
    territory: config.targetCountries.includes(application.country) ? 1 : 0,
    partnerType: config.preferredPartnerTypes.includes(application.partnerType) ? 1 : 0,
    specialisations:
      config.wantedSpecialisations.length === 0
        ? 0
        : config.wantedSpecialisations.filter((s) => offered.includes(s.toLowerCase())).length /
          config.wantedSpecialisations.length,
  };
  const breakdown = (Object.keys(values) as FitCriterion[]).map((criterion) => ({
    criterion,
    weight: config.weights[criterion],
    value: values[criterion],
  }));
  const weighted = breakdown.reduce((sum, item) => sum + item.weight * item.value, 0);
  return { score: Math.round((100 * weighted) / totalWeight), breakdown };
}
