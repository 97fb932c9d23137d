import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAuthors, startHarness, type Harness } from '../../http/__tests__/harness.ts';

describe('enablement over HTTP', () => {
  let h: Harness;
  let course: string;
  let learner: string;

  const create = async (path: string, body: Record<string, unknown>) => {
    const response = await h.call('channelAdmin', 'POST', path, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as Record<string, any>;
  };
  const enroll = (extra: Record<string, unknown> = {}) =>
    create('/api/enrollments', { partner: h.records.A.get('partner'), partnerContact: learner, course, ...extra });
  const certificationsOf = async (contact: string) =>
    (await h.call('partnerRep', 'GET', `/api/certifications?partnerContact=${contact}&course=${course}`)).body.data;

  before(async () => {
    h = await startHarness();
    learner = h.records.A.get('partnerContact')!;
    course = (
      await create('/api/courses', {
        name: 'Security Specialist',
        courseCode: 'SEC-201',
        passingScore: 70,
        grantsCertification: 'Security Specialist',
        certificationValidMonths: 24,
      })
    ).id;
  });
  after(() => h.close());

  it('a failing score fails the enrollment and grants nothing; a pass completes it and certifies once', async () => {
    const enrollment = await enroll();
    const path = `/api/enrollments/${enrollment.id}/complete`;
    const failed = await h.call('partnerRep', 'POST', path, { score: 50 });
    assert.equal(failed.status, 200, JSON.stringify(failed.body));
    assert.equal(failed.body.record.status, 'failed');
    assert.equal(failed.body.certification, null);
    assert.equal((await certificationsOf(learner)).length, 0);

    const passed = await h.call('partnerRep', 'POST', path, { score: 85 });
    assert.equal(passed.status, 200, JSON.stringify(passed.body));
    assert.equal(passed.body.record.status, 'completed');
    assert.equal(passed.body.record.completionSource, 'portal');
    assert.equal(passed.body.record.score, 85);
    const certification = passed.body.certification;
    assert.equal(certification.name, 'Security Specialist');
    assert.equal(certification.earnedOn, '2026-11-26');
    assert.equal(certification.expiresOn, '2028-11-26');
    assert.equal(certification.partner, h.records.A.get('partner'));
    assert.deepEqual(
      await auditAuthors(h, [certification.id]),
      [[certification.id, 'create', 'system:certification-grant']],
      'the program grants it, not the learner',
    );

    const again = await h.call('partnerAdmin', 'POST', path, { score: 99 });
    assert.equal(again.status, 200);
    assert.equal(again.body.record.score, 85, 'a completed enrollment is never reopened');
    const held = await certificationsOf(learner);
    assert.equal(held.length, 1, 'completing twice certifies once');
  });

  it('a withdrawn enrollment cannot be completed', async () => {
    const enrollment = await enroll({ status: 'withdrawn' });
    const response = await h.call('partnerRep', 'POST', `/api/enrollments/${enrollment.id}/complete`, { score: 90 });
    assert.equal(response.status, 409, JSON.stringify(response.body));
    assert.equal((await h.call('channelAdmin', 'GET', `/api/enrollments/${enrollment.id}`)).body.status, 'withdrawn');
  });

  it('names the field of a score out of range', async () => {
    const enrollment = await enroll();
    const response = await h.call('partnerRep', 'POST', `/api/enrollments/${enrollment.id}/complete`, { score: 150 });
    assert.equal(response.status, 422);
    assert.deepEqual(
      response.body.errors.map((e: { field: string }) => e.field),
      ['score'],
    );
  });

  it('partner users complete only their own partner’s enrollments; a sales rep none', async () => {
    const theirs = h.records.B.get('enrollment');
    assert.equal((await h.call('partnerRep', 'POST', `/api/enrollments/${theirs}/complete`, {})).status, 404);
    assert.equal((await h.call('partnerAdmin', 'POST', `/api/enrollments/${theirs}/complete`, {})).status, 404);
    assert.equal((await h.call('channelAdmin', 'GET', `/api/enrollments/${theirs}`)).body.status, 'assigned');
    const mine = await enroll();
    assert.equal((await h.call('salesRep', 'POST', `/api/enrollments/${mine.id}/complete`, {})).status, 403);
  });

  it('a manager may record a completion without a score; a course with no certification grants none', async () => {
    const plain = await create('/api/courses', { name: 'Portal tour', courseCode: 'TOUR-1' });
    const enrollment = await create('/api/enrollments', {
      partner: h.records.A.get('partner'),
      partnerContact: learner,
      course: plain.id,
    });
    const response = await h.call('channelManager', 'POST', `/api/enrollments/${enrollment.id}/complete`, {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.record.status, 'completed');
    assert.equal(response.body.certification, null);
  });
});
