/** Certifications: earned by completing a course, valid for the course's months, reminded before they lapse. */
import { DateTime } from 'luxon';
import type { Certification } from '../generated/types.ts';
import type { CourseRules, EnrollmentRecord } from './completions.ts';

export type CertificationRecord = Pick<
  Certification,
  'partner' | 'partnerContact' | 'course' | 'name' | 'earnedOn' | 'expiresOn' | 'status' | 'renewalReminderSentAt'
>;

/** The certification a completed enrollment earns, or `null` if the course grants none. */
export function certificationEarned(enrollment: EnrollmentRecord, course: CourseRules): CertificationRecord | null {
  if (enrollment.status !== 'completed' || enrollment.completedAt === null || course.grantsCertification === null)
    return null;
  const earned = DateTime.fromISO(enrollment.completedAt, { zone: 'utc' });
  return {
    partner: enrollment.partner,
    partnerContact: enrollment.partnerContact,
    course: course.id,
    name: course.grantsCertification,
    earnedOn: earned.toISODate()!,
    expiresOn:
      course.certificationValidMonths === null
        ? null
        : earned.plus({ months: course.certificationValidMonths }).toISODate()!,
    status: 'active',
    renewalReminderSentAt: null,
  };
}

/** Current on `today` (an ISO date): active and not past its last valid day. */
export function isCurrent(
  certification: Pick<Certification, 'status' | 'expiresOn' | 'earnedOn'>,
  today: string,
): boolean {
  return (
    certification.status === 'active' &&
    certification.earnedOn <= today &&
    (certification.expiresOn === null || today <= certification.expiresOn)
  );
}

/** Active certifications whose expiry date has passed, to be marked expired. */
export function dueToExpire<C extends CertificationRecord>(certifications: readonly C[], today: string): C[] {
  return certifications.filter((c) => c.status === 'active' && c.expiresOn !== null && today > c.expiresOn);
}

/**
 * Reminders fall due at each of `daysBefore` (e.g. 60, 30, 7) before expiry; one is sent per threshold
 * crossed, so a nightly run that missed a day still sends it, and never sends the same one twice.
 */
export function renewalRemindersDue<C extends CertificationRecord>(
  certifications: readonly C[],
  now: string,
  daysBefore: readonly number[] = [60, 30, 7],
): Array<{ certification: C; daysLeft: number }> {
  const today = DateTime.fromISO(now, { zone: 'utc' }).startOf('day');
  const due: Array<{ certification: C; daysLeft: number }> = [];
  for (const certification of certifications) {
    if (certification.status !== 'active' || certification.expiresOn === null) continue;
    const expires = DateTime.fromISO(certification.expiresOn, { zone: 'utc' });
    const daysLeft = Math.round(expires.diff(today, 'days').days);
    if (daysLeft < 0) continue;
    const crossed = daysBefore.filter((days) => daysLeft <= days).map((days) => expires.minus({ days }));
    if (crossed.length === 0) continue;
    const latestThreshold = DateTime.max(...crossed)!;
    const lastSent =
      certification.renewalReminderSentAt === null
        ? null
        : DateTime.fromISO(certification.renewalReminderSentAt, { zone: 'utc' });
    if (lastSent === null || lastSent < latestThreshold) due.push({ certification, daysLeft });
  }
  return due;
}
