/**
 * Registration timers: reminders before protection ends, and expiry when it has ended. A registration
 * has one timer at a time (`registration-protection`), which sends what is due, expires the window when
 * it has ended, and sets the next timer. Each step re-reads the registration, so a timer for a window
 * that was extended or closed since does nothing. (`registration-reminder` and `registration-expiry` are
 * the single-purpose timers of earlier versions, still run for stores that hold them.)
 */
import { objectNamed, prmObjects } from '../../../shared/src/schema/registry.ts';
import type { DealRegistration } from '../../../shared/src/generated/types.ts';
import { expiryDue, remindersDue } from '../../../shared/src/deals/policy.ts';
import { transitionRegistration } from '../../../shared/src/deals/lifecycle.ts';
import { audit, findRecord, writeUpdate } from '../store/repository.ts';
import { nextProtectionEvent, policyFor, scheduleProtectionTimers } from '../actions/deals.ts';
import type { JobHandler } from './queue.ts';

const registrations = objectNamed(prmObjects, 'dealRegistration');

export const registrationExpiry: JobHandler = async (tx, job, now) => {
  const record = await findRecord(tx, registrations, String(job.payload.registration));
  if (!record) return;
  const registration = record as unknown as DealRegistration;
  // A window extended since this timer was set has its own timer.
  if (registration.status !== 'approved' || registration.protectionEndsAt !== job.payload.protectionEndsAt) return;
  const { policy } = await policyFor(tx, registration.partner);
  if (!expiryDue(registration, policy, now.toISOString()).due) return;
  const expired = transitionRegistration(registration, 'expired', {
    actor: { kind: 'system', name: 'expiry' },
    now: now.toISOString(),
    policy,
  }).registration;
  await writeUpdate(
    tx,
    now,
    null,
    registrations,
    record,
    record.version,
    { status: expired.status, closedAt: expired.closedAt },
    'expire',
  );
};

export const registrationReminder: JobHandler = async (tx, job, now) => {
  const record = await findRecord(tx, registrations, String(job.payload.registration));
  if (!record) return;
  const registration = record as unknown as DealRegistration;
  if (registration.status !== 'approved' || registration.protectionEndsAt !== job.payload.protectionEndsAt) return;
  const { policy } = await policyFor(tx, registration.partner);
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
    await audit(tx, now, null, registrations, registration.id, 'protection-reminder', null, {
      ...reminder,
      protectionEndsAt: registration.protectionEndsAt,
    });
  }
};

export const registrationProtection: JobHandler = async (tx, job, now) => {
  await registrationReminder(tx, job, now);
  await registrationExpiry(tx, job, now);
  const record = await findRecord(tx, registrations, String(job.payload.registration));
  if (!record) return;
  const registration = record as unknown as DealRegistration;
  if (registration.status !== 'approved' || registration.protectionEndsAt !== job.payload.protectionEndsAt) return;
  const { policy } = await policyFor(tx, registration.partner);
  if (nextProtectionEvent(registration, policy, now.getTime()) !== null)
    await scheduleProtectionTimers(tx, now, registration, policy);
};

export const dealJobHandlers: Record<string, JobHandler> = {
  'registration-protection': registrationProtection,
  'registration-expiry': registrationExpiry,
  'registration-reminder': registrationReminder,
};
