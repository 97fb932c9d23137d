/**
 * Registration timers: reminders before protection ends, and expiry when it has ended. A registration
 * has one timer at a time (`registration-protection`), which sends what is due, expires the window when
 * it has ended, and sets the next timer. A timer re-reads the registration, so one for a window that
 * was extended or closed since does nothing. (`registration-reminder` and `registration-expiry` are
 * the single-purpose timers of earlier versions, still run for stores that hold them.)
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { DealRegistration } from '@prm/core/generated/types';
import { expiryDue, remindersDue, type RegistrationPolicy } from '@prm/core/deals/policy';
import { transitionRegistration } from '@prm/core/deals/lifecycle';
import { systemActor } from '../auth/policy.ts';
import { audit, findRecord, writeUpdate, type Tx } from '../store/repository.ts';
import type { Job, JobHandler } from '../jobs/queue.ts';
import { programOfPartner } from './programOfPartner.ts';
import { scheduleProtectionTimers } from './protection.ts';

const registrations = objectNamed(prmObjects, 'dealRegistration');

interface TimedWindow {
  registration: DealRegistration;
  policy: RegistrationPolicy;
}

/**
 * The registration a timer was set for, with its policy, while the window the timer was set for is
 * still open; null otherwise (a window extended since has its own timer).
 */
async function timedWindow(tx: Tx, job: Job): Promise<TimedWindow | null> {
  const registration = await findRecord(tx, registrations, String(job.payload.registration));
  if (!registration) return null;
  if (registration.status !== 'approved' || registration.protectionEndsAt !== job.payload.protectionEndsAt) return null;
  const { policy } = await programOfPartner(tx, registration.partner);
  return { registration, policy };
}

/** Expires the window when it has ended and the program expires windows by itself; says whether it did. */
async function expireIfDue(tx: Tx, now: Date, { registration, policy }: TimedWindow): Promise<boolean> {
  if (!expiryDue(registration, policy, now.toISOString()).due) return false;
  const expired = transitionRegistration(registration, 'expired', {
    actor: { kind: 'system', name: 'expiry' },
    now: now.toISOString(),
    policy,
  }).registration;
  await writeUpdate(
    tx,
    now,
    systemActor('protection-expiry'),
    registrations,
    registration,
    registration.version,
    { status: expired.status, closedAt: expired.closedAt },
    'expire',
  );
  return true;
}

/** Sends the most urgent reminder that is due and not yet sent for this window. */
async function remindIfDue(tx: Tx, now: Date, { registration, policy }: TimedWindow): Promise<void> {
  const sent = await tx.db
    .selectFrom('audit_log')
    .select('after')
    .where('object', '=', 'dealRegistration')
    .where('record_id', '=', registration.id)
    .where('action', '=', 'protection-reminder')
    .execute();
  const alreadySent = sent
    .map(
      (row) =>
        (typeof row.after === 'string' ? JSON.parse(row.after) : row.after) as {
          daysBeforeEnd: number;
          protectionEndsAt: string;
        },
    )
    .filter((reminder) => reminder.protectionEndsAt === registration.protectionEndsAt)
    .map((reminder) => reminder.daysBeforeEnd);
  // No mailer yet: the reminder is recorded in the audit log, where it is also remembered as sent.
  for (const reminder of remindersDue(registration, policy, now.toISOString(), alreadySent)) {
    const reminderSent = { ...reminder, protectionEndsAt: registration.protectionEndsAt };
    await audit(
      tx,
      now,
      systemActor('protection-reminder'),
      registrations,
      registration.id,
      'protection-reminder',
      null,
      reminderSent,
      {
        reminder: reminderSent,
      },
    );
  }
}

export const registrationExpiry: JobHandler = async (tx, job, now) => {
  const window = await timedWindow(tx, job);
  if (window) await expireIfDue(tx, now, window);
};

export const registrationReminder: JobHandler = async (tx, job, now) => {
  const window = await timedWindow(tx, job);
  if (window) await remindIfDue(tx, now, window);
};

/** The one timer of a window: what is due now, then the next timer (none once the window expired). */
export const registrationProtection: JobHandler = async (tx, job, now) => {
  const window = await timedWindow(tx, job);
  if (!window) return;
  await remindIfDue(tx, now, window);
  if (await expireIfDue(tx, now, window)) return;
  await scheduleProtectionTimers(tx, now, window.registration, window.policy);
};

export const jobHandlers: Record<string, JobHandler> = {
  'registration-protection': registrationProtection,
  'registration-expiry': registrationExpiry,
  'registration-reminder': registrationReminder,
};
