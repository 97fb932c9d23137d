/** Time to first deal: whole days from onboarding complete (agreement signed) to the first won registration. */
import type { DealRegistration } from '../generated/types.ts';

const DAY = 86_400_000;

export function timeToFirstDeal(
  onboardingCompletedOn: string | null,
  registrations: readonly Pick<DealRegistration, 'status' | 'closedAt'>[],
): { days: number; firstWonAt: string } | null {
  if (onboardingCompletedOn === null) return null;
  let first: string | null = null;
  for (const registration of registrations) {
    if (registration.status !== 'won' || registration.closedAt === null) continue;
    if (first === null || Date.parse(registration.closedAt) < Date.parse(first)) first = registration.closedAt;
  }
  if (first === null) return null;
  // A win recorded before onboarding completed (migrated data) counts as day 0, not a negative time.
  return {
    days: Math.max(0, Math.floor((Date.parse(first) - Date.parse(onboardingCompletedOn)) / DAY)),
    firstWonAt: first,
  };
}
