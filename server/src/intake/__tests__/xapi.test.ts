/**
 * The xAPI statements endpoint over real HTTP, on SQLite and PostgreSQL: an LMS's completion completes
 * the enrollment and grants the course's certification once, however often it is sent; a failing score
 * does not; a bad statement is refused naming it and changes nothing; only the vendor's integration
 * users may send statements.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';

const verbs = {
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`xAPI statements from an LMS (${dialect})`, () => {
    let h: Harness;
    let course: { id: string; activityIri: string };
    let learnerCount = 0;

    /** A partner A learner enrolled in the course; the email is stored in mixed case, as people type it. */
    async function enrolledLearner(): Promise<{ email: string; contactId: string; enrollmentId: string }> {
      const n = ++learnerCount;
      const email = `Learner.${n}.${randomUUID().slice(0, 6)}@Partner-A.example`;
      const contact = await h.call('channelAdmin', 'POST', '/api/partner-contacts', {
        name: `Learner ${n}`,
        email,
        partner: h.records.A.get('partner'),
      });
      assert.equal(contact.status, 201, JSON.stringify(contact.body));
      const enrollment = await h.call('channelAdmin', 'POST', '/api/enrollments', {
        partner: h.records.A.get('partner'),
        partnerContact: contact.body.id,
        course: course.id,
      });
      assert.equal(enrollment.status, 201, JSON.stringify(enrollment.body));
      return { email, contactId: contact.body.id, enrollmentId: enrollment.body.id };
    }

    const statement = (
      email: string,
      verb: string,
      result?: Record<string, unknown>,
      id: string | null = randomUUID(),
    ) => ({
      ...(id ? { id } : {}),
      actor: { objectType: 'Agent', name: 'A learner', mbox: `mailto:${email.toLowerCase()}` },
      verb: { id: verb, display: { 'en-US': 'did' } },
      object: { objectType: 'Activity', id: course.activityIri },
      ...(result ? { result } : {}),
      timestamp: '2026-11-25T15:00:00Z',
    });

    const v = { 'x-experience-api-version': '1.0.3' };
    const send = (body: unknown, role: Parameters<Harness['call']>[0] = 'channelManager', headers = v) =>
      h.call(role, 'POST', '/xapi/statements', body, headers);
    const enrollmentOf = async (id: string) => (await h.call('channelAdmin', 'GET', `/api/enrollments/${id}`)).body;
    const certificationsOf = async (contactId: string) =>
      (await h.call('channelAdmin', 'GET', `/api/certifications?partnerContact=${contactId}`)).body.data;

    before(async () => {
      h = await startHarness(dialect);
      const made = await h.call('channelAdmin', 'POST', '/api/courses', {
        name: 'Installing the appliance',
        courseCode: `INST-${randomUUID().slice(0, 8)}`,
        activityIri: `https://lms.example/courses/${randomUUID()}`,
        passingScore: 80,
        grantsCertification: 'Certified Installer',
        certificationValidMonths: 24,
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      course = made.body;
    });
    after(() => h.close());

    it('completes the enrollment and grants the certification for a passing statement', async () => {
      const learner = await enrolledLearner();
      const sent = statement(learner.email, verbs.passed, { score: { scaled: 0.92 }, success: true, completion: true });
      const answer = await send(sent);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, [sent.id]);
      assert.equal(answer.headers.get('x-experience-api-version'), '1.0.3');
      const enrollment = await enrollmentOf(learner.enrollmentId);
      assert.equal(enrollment.status, 'completed');
      assert.equal(enrollment.score, 92);
      assert.equal(enrollment.completionSource, 'lms');
      assert.equal(enrollment.statementId, sent.id);
      const certifications = await certificationsOf(learner.contactId);
      assert.equal(certifications.length, 1);
      assert.equal(certifications[0].name, 'Certified Installer');
      assert.equal(certifications[0].earnedOn, '2026-11-25');
      assert.equal(certifications[0].expiresOn, '2028-11-25');
    });

    it('changes nothing when the same statement comes again, alone or in a batch', async () => {
      const learner = await enrolledLearner();
      const sent = statement(learner.email, verbs.completed, { score: { raw: 45, min: 0, max: 50 } });
      assert.equal((await send(sent)).status, 200);
      const once = await enrollmentOf(learner.enrollmentId);
      const again = await send(sent, 'channelAdmin');
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, [sent.id]);
      assert.equal((await send([sent])).status, 200);
      assert.deepEqual(await enrollmentOf(learner.enrollmentId), once);
      assert.equal((await certificationsOf(learner.contactId)).length, 1);
    });

    it('refuses a different statement under a used id with 409', async () => {
      const learner = await enrolledLearner();
      const sent = statement(learner.email, verbs.failed, { score: { scaled: 0.3 } });
      assert.equal((await send(sent)).status, 200);
      const changed = await send({ ...sent, verb: { id: verbs.passed } });
      assert.equal(changed.status, 409);
      assert.equal(changed.body.errors[0].field, 'statement.id');
      assert.equal((await enrollmentOf(learner.enrollmentId)).status, 'failed');
    });

    it('does not complete the enrollment on a score below the passing score', async () => {
      const learner = await enrolledLearner();
      const answer = await send(statement(learner.email, verbs.completed, { score: { scaled: 0.6 } }));
      assert.equal(answer.status, 200);
      const enrollment = await enrollmentOf(learner.enrollmentId);
      assert.equal(enrollment.status, 'failed');
      assert.equal(enrollment.score, 60);
      assert.equal(enrollment.completedAt, null);
      assert.equal((await certificationsOf(learner.contactId)).length, 0);
    });

    it('gives an id to a statement that has none, and takes progress statements without changing anything', async () => {
      const learner = await enrolledLearner();
      const answer = await send([statement(learner.email, verbs.experienced, undefined, null)]);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.match(answer.body[0], /^[0-9a-f-]{36}$/);
      assert.equal((await enrollmentOf(learner.enrollmentId)).status, 'assigned');
    });

    it('takes a statement by PUT with its id in the query', async () => {
      const learner = await enrolledLearner();
      const id = randomUUID();
      const answer = await h.call(
        'channelManager',
        'PUT',
        `/xapi/statements?statementId=${id}`,
        statement(learner.email, verbs.passed, { score: { scaled: 0.85 } }, null),
        v,
      );
      assert.equal(answer.status, 204, JSON.stringify(answer.body));
      assert.equal((await enrollmentOf(learner.enrollmentId)).statementId, id);
    });

    it('refuses a batch with a bad statement, naming it, and changes nothing of the others', async () => {
      const good = await enrolledLearner();
      const batch = [
        statement(good.email, verbs.passed, { score: { scaled: 0.9 } }),
        statement(good.email, verbs.passed),
        { ...statement(good.email, verbs.passed), actor: { mbox: 'learner@example.com' } },
      ];
      const answer = await send(batch);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.deepEqual(
        answer.body.errors.map((e: any) => e.field),
        ['statement[2].actor.mbox'],
      );
      assert.equal((await enrollmentOf(good.enrollmentId)).status, 'assigned');
    });

    it('refuses, naming the statement, one the PRM cannot place, and rolls back the batch', async () => {
      const good = await enrolledLearner();
      const batch = [
        statement(good.email, verbs.passed, { score: { scaled: 0.9 } }),
        statement('stranger@nowhere.example', verbs.passed),
        { ...statement(good.email, verbs.passed), object: { id: 'https://lms.example/courses/unknown' } },
      ];
      const answer = await send(batch);
      assert.equal(answer.status, 400);
      assert.deepEqual(
        answer.body.errors.map((e: any) => e.field),
        ['statement[1].actor'],
      );
      assert.equal((await enrollmentOf(good.enrollmentId)).status, 'assigned');
      assert.equal((await certificationsOf(good.contactId)).length, 0);
      const unknownCourse = await send(batch[2]);
      assert.deepEqual(
        unknownCourse.body.errors.map((e: any) => e.field),
        ['statement.object.id'],
      );
    });

    it('refuses repeated ids within a batch, and an empty batch', async () => {
      const learner = await enrolledLearner();
      const sent = statement(learner.email, verbs.passed);
      const twice = await send([{ verb: 'not a verb' }, sent, { ...sent, verb: { id: verbs.failed } }]);
      assert.equal(twice.status, 400);
      assert.deepEqual(
        twice.body.errors.map((e: any) => e.field),
        ['statement[0].actor', 'statement[0].verb', 'statement[0].object', 'statement[2].id'],
      );
      assert.match(twice.body.errors[3].message, /statement\[1\]/);
      assert.equal((await send([])).status, 400);
    });

    it('requires the X-Experience-API-Version header, 1.0.x', async () => {
      const learner = await enrolledLearner();
      const missing = await send(statement(learner.email, verbs.passed), 'channelAdmin', {} as typeof v);
      assert.equal(missing.status, 400);
      assert.equal(missing.body.errors[0].field, 'X-Experience-API-Version');
      const wrong = await send(statement(learner.email, verbs.passed), 'channelAdmin', {
        'x-experience-api-version': '2.0.0',
      });
      assert.equal(wrong.status, 400);
      assert.equal((await enrollmentOf(learner.enrollmentId)).status, 'assigned');
    });

    describe('who may send statements', () => {
      it('accepts HTTP Basic with the API token as password, as LMSs send it', async () => {
        const learner = await enrolledLearner();
        const sent = statement(learner.email, verbs.passed, { score: { scaled: 0.95 } });
        const basic = Buffer.from(`lms:${h.tokens.channelManager}`).toString('base64');
        const answer = await h.callAs(null, 'POST', '/xapi/statements', sent, {
          ...v,
          authorization: `Basic ${basic}`,
        });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.equal((await enrollmentOf(learner.enrollmentId)).status, 'completed');
        const audit = await h.call(
          'channelAdmin',
          'GET',
          `/api/audit-log?object=enrollment&recordId=${learner.enrollmentId}`,
        );
        assert.equal(audit.body.data[0].action, 'xapi');
      });

      it('refuses Basic credentials whose password is not a token, and requests without credentials', async () => {
        const learner = await enrolledLearner();
        const sent = statement(learner.email, verbs.passed);
        const basic = Buffer.from('lms:not-a-token').toString('base64');
        const wrong = await h.callAs(null, 'POST', '/xapi/statements', sent, { ...v, authorization: `Basic ${basic}` });
        assert.equal(wrong.status, 401);
        const none = await h.callAs(null, 'POST', '/xapi/statements', sent, v);
        assert.equal(none.status, 401);
        assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm=/);
        assert.equal((await enrollmentOf(learner.enrollmentId)).status, 'assigned');
      });

      for (const role of ['salesRep', 'partnerAdmin', 'partnerRep'] as const) {
        it(`refuses a ${role}'s token with 403, by bearer or Basic, changing nothing`, async () => {
          const learner = await enrolledLearner();
          const sent = statement(learner.email, verbs.passed);
          assert.equal((await send(sent, role)).status, 403);
          const basic = Buffer.from(`lms:${h.tokens[role]}`).toString('base64');
          const viaBasic = await h.callAs(null, 'POST', '/xapi/statements', sent, {
            ...v,
            authorization: `Basic ${basic}`,
          });
          assert.equal(viaBasic.status, 403);
          assert.equal((await enrollmentOf(learner.enrollmentId)).status, 'assigned');
        });
      }
    });

    it('says which version it speaks at /xapi/about', async () => {
      const about = await h.callAs(null, 'GET', '/xapi/about');
      assert.deepEqual(about.body, { version: ['1.0.3'] });
    });
  });
}
