import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseStatement, type XapiStatement } from '../xapi.ts';
import {
  recordLmsStatement,
  completeInPortal,
  findLearner,
  outcomeOf,
  type CourseRules,
  type EnrollmentRecord,
} from '../completions.ts';
import {
  certificationEarned,
  dueToExpire,
  isCurrent,
  renewalRemindersDue,
  type CertificationRecord,
} from '../certifications.ts';
import { ingestStatement } from '../lmsIngest.ts';
import { mayTakeAction, meetsTierRequirements, type EnablementRequirement } from '../requirements.ts';
import { TransitionError, ValidationError } from '../../errors.ts';

const statements = JSON.parse(readFileSync(new URL('./data/statements.json', import.meta.url), 'utf8'));
const course: CourseRules = {
  id: 'c-sec201',
  activityIri: 'https://lms.vendor.example/courses/SEC-201',
  passingScore: 70,
  grantsCertification: 'Zero Trust Specialist',
  certificationValidMonths: 24,
};
const assigned: EnrollmentRecord = {
  partner: 'p-northwind',
  partnerContact: 'pc-priya',
  course: 'c-sec201',
  status: 'assigned',
  completedAt: null,
  score: null,
  completionSource: null,
  statementId: null,
};
function valid(json: unknown): XapiStatement {
  const parsed = parseStatement(json);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.statement;
}

describe('parsing xAPI 1.0.3 statements', () => {
  it('accepts real statements from an LMS, with any of the four actor identifiers', () => {
    for (const name of ['completedWithScore', 'passedByAccount', 'failed', 'experienced']) valid(statements[name]);
  });

  it('rejects malformed statements naming the property and the reason', () => {
    const expected: Record<string, [string, RegExp]> = {
      twoIdentifiers: ['actor', /exactly one identifier, found mbox and openid/],
      noIdentifier: ['actor', /needs one identifier/],
      verbNotAnIri: ['verb.id', /absolute IRI/],
      scaledOutOfRange: ['result.score.scaled', /1/],
      rawAboveMax: ['result.score.raw', /at most max/],
      timestampWithoutZone: ['timestamp', /ISO 8601/],
      badId: ['id', /UUID/],
      mboxWithoutMailto: ['actor.mbox', /mailto/],
    };
    for (const [name, [field, message]] of Object.entries(expected)) {
      const parsed = parseStatement(statements.malformed[name]);
      assert.ok(!parsed.ok, `${name} was accepted`);
      assert.equal(parsed.problems[0].field, field, name);
      assert.match(parsed.problems[0].message, message, name);
    }
  });

  it('rejects something that is not a statement at all', () => {
    const parsed = parseStatement('completed');
    assert.ok(!parsed.ok);
  });
});

describe('recording completions', () => {
  it('completes an enrollment from a completed statement, with its score, time and id', () => {
    const done = recordLmsStatement(assigned, valid(statements.completedWithScore), course, '2026-11-26T00:00:00Z');
    assert.deepEqual(
      [done.status, done.score, done.completedAt, done.completionSource, done.statementId],
      ['completed', 86, '2026-11-20T14:32:05.123+01:00', 'lms', '6fbd600f-d17c-4c74-801a-2ec2e53231e7'],
    );
  });

  it('scores raw results against their range and applies the passing score', () => {
    assert.deepEqual(outcomeOf(valid(statements.passedByAccount), course), { result: 'completed', score: 85 });
    assert.deepEqual(outcomeOf(valid(statements.failed), course), { result: 'failed', score: 42 });
    assert.equal(completeInPortal(assigned, course, 65, '2026-11-26T00:00:00Z').status, 'failed');
  });

  it('ignores verbs that neither complete nor fail a course', () => {
    assert.equal(recordLmsStatement(assigned, valid(statements.experienced), course, 'now'), assigned);
  });

  it('never reopens a completed enrollment with a later failure, and refuses a withdrawn one', () => {
    const done = recordLmsStatement(assigned, valid(statements.completedWithScore), course, 'now');
    assert.equal(recordLmsStatement(done, valid(statements.failed), course, 'now').status, 'completed');
    assert.throws(
      () => recordLmsStatement({ ...assigned, status: 'withdrawn' }, valid(statements.failed), course, 'now'),
      TransitionError,
    );
  });

  it('needs a statement id so that a resent statement is not counted twice', () => {
    const { id: _, ...withoutId } = statements.completedWithScore;
    assert.throws(() => recordLmsStatement(assigned, valid(withoutId), course, 'now'), ValidationError);
  });

  it('finds the learner by mailbox or by account name', () => {
    const contacts = [
      { id: 'pc-priya', email: 'Priya.Natarajan@northwind-it.example', partner: 'p-northwind' },
      { id: 'pc-marek', email: 'marek.kowalski@contoso-partners.example', partner: 'p-contoso' },
    ];
    assert.equal(findLearner(valid(statements.completedWithScore), contacts)?.id, 'pc-priya');
    assert.equal(findLearner(valid(statements.passedByAccount), contacts)?.id, 'pc-marek');
    assert.equal(findLearner(valid(statements.experienced), contacts), undefined);
  });
});

describe('certifications', () => {
  const earned = certificationEarned(
    { ...assigned, status: 'completed', completedAt: '2024-12-15T10:00:00Z' },
    course,
  )!;

  it('are earned by completing a course that grants one, valid for its months', () => {
    assert.deepEqual(
      [earned.name, earned.earnedOn, earned.expiresOn],
      ['Zero Trust Specialist', '2024-12-15', '2026-12-15'],
    );
    assert.equal(certificationEarned(assigned, course), null);
  });

  it('are current through their last day and then due to expire', () => {
    assert.ok(isCurrent(earned, '2026-12-15'));
    assert.ok(!isCurrent(earned, '2026-12-16'));
    assert.deepEqual(dueToExpire([earned], '2026-12-16'), [earned]);
  });

  it('send one renewal reminder per threshold crossed, never the same one twice', () => {
    assert.deepEqual(renewalRemindersDue([earned], '2026-10-01T06:00:00Z'), []);
    assert.deepEqual(
      renewalRemindersDue([earned], '2026-10-20T06:00:00Z').map((r) => r.daysLeft),
      [56],
    );
    const reminded: CertificationRecord = { ...earned, renewalReminderSentAt: '2026-10-20T06:00:00Z' };
    assert.deepEqual(renewalRemindersDue([reminded], '2026-11-01T06:00:00Z'), []);
    assert.deepEqual(
      renewalRemindersDue([reminded], '2026-11-20T06:00:00Z').map((r) => r.daysLeft),
      [25],
    );
  });
});

describe('enablement requirements', () => {
  const requirements: EnablementRequirement[] = [
    { appliesTo: { tier: 't-gold' }, certification: { name: 'Zero Trust Specialist', holders: 2 } },
    { appliesTo: { action: 'request_mdf' }, courses: ['c-mdf101'] },
  ];
  const certified = certificationEarned(
    { ...assigned, status: 'completed', completedAt: '2026-01-10T10:00:00Z' },
    course,
  )!;

  it('lists what a partner is missing for a tier', () => {
    const result = meetsTierRequirements(
      't-gold',
      requirements,
      { certifications: [certified], enrollments: [] },
      '2026-11-26',
    );
    assert.deepEqual(result, {
      met: false,
      missing: ['2 people with a current Zero Trust Specialist certification (1 now)'],
    });
  });

  it('blocks deal registration without a current certification when the program requires one', () => {
    const program = { registrationRequiresCertification: true };
    assert.equal(
      mayTakeAction('register_deal', program, requirements, { certifications: [], enrollments: [] }, '2026-11-26').met,
      false,
    );
    assert.equal(
      mayTakeAction(
        'register_deal',
        program,
        requirements,
        { certifications: [certified], enrollments: [] },
        '2026-11-26',
      ).met,
      true,
    );
    assert.equal(
      mayTakeAction(
        'register_deal',
        { registrationRequiresCertification: false },
        requirements,
        { certifications: [], enrollments: [] },
        '2026-11-26',
      ).met,
      true,
    );
  });

  it('gates an action on course completion', () => {
    const done = { ...assigned, course: 'c-mdf101', status: 'completed' as const };
    assert.equal(
      mayTakeAction(
        'request_mdf',
        { registrationRequiresCertification: false },
        requirements,
        { certifications: [], enrollments: [assigned] },
        '2026-11-26',
      ).met,
      false,
    );
    assert.equal(
      mayTakeAction(
        'request_mdf',
        { registrationRequiresCertification: false },
        requirements,
        { certifications: [], enrollments: [done] },
        '2026-11-26',
      ).met,
      true,
    );
  });
});

describe('ingesting an LMS statement end to end', () => {
  const context = {
    courses: [course],
    contacts: [{ id: 'pc-priya', email: 'priya.natarajan@northwind-it.example', partner: 'p-northwind' }],
    enrollments: [assigned],
  };

  it('records the completion and issues the certification the course grants', () => {
    const result = ingestStatement(statements.completedWithScore, context, '2026-11-26T00:00:00Z');
    assert.equal(result.outcome, 'recorded');
    assert.ok(result.outcome === 'recorded');
    assert.equal(result.enrollment.status, 'completed');
    assert.deepEqual(
      [result.certification?.name, result.certification?.expiresOn],
      ['Zero Trust Specialist', '2028-11-20'],
    );
  });

  it('rejects a malformed statement with the reason, and one it cannot place', () => {
    assert.deepEqual(ingestStatement(statements.malformed.badId, context, 'now'), {
      outcome: 'rejected',
      problems: [{ field: 'id', message: 'must be a UUID' }],
    });
    const otherCourse = {
      ...statements.completedWithScore,
      object: { id: 'https://lms.vendor.example/courses/NET-101' },
    };
    assert.equal(ingestStatement(otherCourse, context, 'now').outcome, 'rejected');
    const stranger = { ...statements.completedWithScore, actor: { mbox: 'mailto:someone@elsewhere.example' } };
    assert.deepEqual(ingestStatement(stranger, context, 'now'), {
      outcome: 'rejected',
      problems: [{ field: 'actor', message: 'The actor matches no partner user by mailbox or account name.' }],
    });
  });

  it('ignores statements that do not complete or fail a course', () => {
    assert.equal(ingestStatement(statements.experienced, context, 'now').outcome, 'ignored');
  });

  it('refuses to record a statement about another course on this enrollment', () => {
    const other = valid({
      ...statements.completedWithScore,
      object: { id: 'https://lms.vendor.example/courses/NET-101' },
    });
    assert.throws(
      () => recordLmsStatement(assigned, other, course, 'now'),
      (e: ValidationError) => e.problems[0].field === 'object.id',
    );
  });

  it('rejects a Group actor: completions belong to one learner', () => {
    const group = parseStatement({
      ...statements.completedWithScore,
      actor: { objectType: 'Group', mbox: 'mailto:team@northwind-it.example' },
    });
    assert.ok(!group.ok);
    assert.match(group.problems[0].message, /must be an Agent/);
  });
});
