/**
 * Partner applications: an application sent without signing in is scored at once (the core's fit
 * score); a reviewer's decision is the core's, and accepting creates the partner in onboarding.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { decideApplication } from '@prm/core/onboarding/applicationReview';
import { fitScore, type FitScoreConfig } from '@prm/core/onboarding/fitScore';
import type { ActionContext } from '../http/actions.ts';
import { createRecord } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';

/** Below this fit score a reviewer must say why they accept. */
export const minimumFitScore = 50;

/** How applications are scored until the program's own weights are configured in the admin settings. */
export const defaultFitScoreConfig: FitScoreConfig = {
  weights: { size: 20, revenue: 25, territory: 25, partnerType: 15, specialisations: 15 },
  employeesForFullMarks: 200,
  revenueForFullMarks: { amount: 1_000_000_000, currency: 'USD' },
  targetCountries: ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'SE', 'ES', 'IT', 'JP', 'AU'],
  preferredPartnerTypes: ['system_integrator', 'managed_service_provider', 'reseller'],
  wantedSpecialisations: ['security', 'cloud', 'data_analytics'],
};

export const pick = <T extends object>(record: T, keys: Array<keyof T>) =>
  Object.fromEntries(keys.map((key) => [key, record[key]]));

/** What an applicant sends (the form's fields). */
export type ApplicationForm = Pick<
  RecordOf<'partnerApplication'>,
  'companyName' | 'website' | 'country' | 'partnerType' | 'contactName' | 'contactEmail'
> &
  Partial<Pick<RecordOf<'partnerApplication'>, 'employees' | 'currency' | 'annualRevenue' | 'specialisations'>>;

/** Stores the application, scored; answers what the applicant may see: what they sent and its number. */
export async function submitApplication({ tx, actor, now }: ActionContext, form: ApplicationForm) {
  const score = fitScore(
    {
      employees: form.employees ?? null,
      annualRevenue: form.annualRevenue ?? null,
      currency: form.currency ?? 'USD',
      country: form.country,
      partnerType: form.partnerType,
      specialisations: form.specialisations ?? null,
    },
    defaultFitScoreConfig,
  );
  const application = await createRecord(
    tx,
    now,
    actor,
    objectNamed(prmObjects, 'partnerApplication'),
    { ...form, status: 'submitted', fitScore: score.score },
    { authorizedByProgramRules: true },
  );
  // The applicant sees what they sent and their application number, never the score or review data.
  const sent = Object.keys(form) as Array<keyof typeof application>;
  const applicantSees: Array<keyof typeof application> = [
    'id',
    'name',
    'status',
    'createdAt',
    'updatedAt',
    'version',
    ...sent,
  ];
  return { record: pick(application, applicantSees) };
}

/** The application's changes after the reviewer's verdict; accepting creates the partner, in onboarding. */
export async function decideOnApplication(
  { tx, actor, now }: ActionContext,
  application: RecordOf<'partnerApplication'>,
  verdict: { verdict: 'accept' | 'reject'; reason?: string },
) {
  const decided = decideApplication(
    application,
    { verdict: verdict.verdict, reviewer: actor.name, reason: verdict.reason },
    minimumFitScore,
    now.toISOString(),
  );
  const changes: Record<string, unknown> = pick(decided, ['status', 'reviewedBy', 'reviewedAt', 'decisionReason']);
  if (decided.status === 'accepted') {
    const partner = await createRecord(
      tx,
      now,
      actor,
      objectNamed(prmObjects, 'partner'),
      {
        name: application.companyName,
        website: application.website,
        country: application.country,
        partnerType: application.partnerType,
        status: 'onboarding',
        joinedOn: now.toISOString().slice(0, 10),
      },
      { authorizedByProgramRules: true },
    );
    changes.partner = partner.id;
  }
  return changes;
}
