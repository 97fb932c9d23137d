/**
 * The protection timer of an approved registration: one job at the next reminder or the expiry, which
 * does what is due and sets the next one (jobs.ts). One row per registration rather than one per
 * reminder: registering is the hottest write there is. An extended window gets a timer of its own.
 */
import type { DealRegistration } from '@prm/core/generated/types';
import type { RegistrationPolicy } from '@prm/core/deals/policy';
import type { Tx } from '../store/repository.ts';
import { scheduleJobs, type NewJob } from '../jobs/queue.ts';

/**
 * When the next thing happens to an approved registration's window after `after` (ms): a reminder
 * before it ends, or its expiry when the program expires registrations automatically; null if nothing.
 */
function nextProtectionEvent(registration: DealRegistration, policy: RegistrationPolicy, after: number): number | null {
  if (!registration.protectionEndsAt) return null;
  const ends = Date.parse(registration.protectionEndsAt);
  const times = policy.reminderDaysBeforeEnd.map((days) => ends - days * 86_400_000);
  if (policy.autoExpire) times.push(ends);
  const upcoming = times.filter((at) => at > after);
  return upcoming.length ? Math.min(...upcoming) : null;
}

export async function scheduleProtectionTimers(
  tx: Tx,
  now: Date,
  registration: DealRegistration,
  policy: RegistrationPolicy,
): Promise<void> {
  const at = nextProtectionEvent(registration, policy, now.getTime());
  if (at === null) return;
  const job: NewJob = {
    kind: 'registration-protection',
    runAt: new Date(at),
    payload: { registration: registration.id, protectionEndsAt: registration.protectionEndsAt },
    dedupeKey: `registration-protection:${registration.id}:${registration.protectionEndsAt}:${at}`,
  };
  await scheduleJobs(tx, now, [job]);
}
