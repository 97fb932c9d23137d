/** Enablement: courses, who takes them, and the certifications people hold until they expire. */
import { defineObject } from '../schema/object.ts';
import { text, longText, picklist, lookup, integer, url, dateTime, date, checkbox, percent } from '../schema/fields.ts';
import { partnersReadOnly, setByRules } from '../schema/roles.ts';

export const course = defineObject({
  name: 'course',
  label: 'Course',
  pluralLabel: 'Courses',
  description: 'A training unit, taken in the portal or in an LMS that reports completions as xAPI statements.',
  nameField: { label: 'Course title', length: 120 },
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    courseCode: text(40, {
      required: true,
      unique: true,
      externalId: true,
      help: 'The id the LMS uses (xAPI activity).',
    }),
    description: longText(4000),
    format: picklist(['self_paced', 'live_online', 'classroom']),
    durationMinutes: integer({ min: 0 }),
    contentUrl: url(),
    activityIri: url({ label: 'xAPI activity IRI' }),
    passingScore: percent(),
    grantsCertification: text(80, { help: 'Name of the certification earned by completing the course.' }),
    certificationValidMonths: integer({ min: 1, max: 120 }),
    active: checkbox({ default: true }),
  },
  listView: ['courseCode', 'format', 'durationMinutes', 'grantsCertification', 'active'],
});

export const enrollment = defineObject({
  name: 'enrollment',
  label: 'Enrollment',
  pluralLabel: 'Enrollments',
  description: 'A partner user taking a course, and their completion.',
  nameField: { label: 'Enrollment number', autoNumber: 'ENR-{000000}' },
  partnerField: 'partner',
  parents: ['partnerContact'],
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'edit',
    partnerRep: 'edit',
  },
  fields: {
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    partnerContact: lookup('partnerContact', { required: true, label: 'Learner' }),
    course: lookup('course', { required: true }),
    status: picklist(['assigned', 'in_progress', 'completed', 'failed', 'withdrawn'], {
      required: true,
      default: 'assigned',
      label: 'Enrollment status',
      access: setByRules,
    }),
    assignedAt: dateTime({ access: setByRules }),
    dueOn: date(),
    completedAt: dateTime({ access: setByRules }),
    score: percent({ access: setByRules }),
    completionSource: picklist(['portal', 'lms', 'manual'], { access: setByRules }),
    statementId: text(36, { unique: true, externalId: true, label: 'xAPI statement id', access: setByRules }),
  },
  listView: ['partnerContact', 'course', 'status', 'completedAt', 'score'],
});

export const certification = defineObject({
  name: 'certification',
  label: 'Certification',
  pluralLabel: 'Certifications',
  description: 'A credential a partner user holds until it expires.',
  nameField: { label: 'Certification', length: 80 },
  partnerField: 'partner',
  parents: ['partnerContact'],
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    partner: lookup('partner', { required: true }),
    partnerContact: lookup('partnerContact', { required: true, label: 'Holder' }),
    course: lookup('course', { help: 'The course whose completion earned it.' }),
    specialisation: picklist(['security', 'cloud', 'data_analytics', 'networking', 'erp', 'crm', 'devops']),
    earnedOn: date({ required: true }),
    expiresOn: date(),
    status: picklist(['active', 'expired', 'revoked'], {
      required: true,
      default: 'active',
      label: 'Certification status',
    }),
    renewalReminderSentAt: dateTime(),
  },
  listView: ['partnerContact', 'partner', 'status', 'earnedOn', 'expiresOn'],
});
