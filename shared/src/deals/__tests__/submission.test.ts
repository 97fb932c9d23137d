import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../errors.ts';
import { submissionProblems, validateSubmission } from '../submission.ts';
import { aRegistration, now } from './data/registrations.ts';
import { dealRegistration } from '../schema.ts';
import { maxLength } from '../../schema/fields.ts';

const problemsFor = (overrides: Parameters<typeof aRegistration>[0]) =>
  submissionProblems(aRegistration(overrides), now);
const fields = (overrides: Parameters<typeof aRegistration>[0]) => problemsFor(overrides).map((p) => p.field);

describe('submission validation', () => {
  it('accepts a complete registration', () => {
    assert.deepEqual(problemsFor({}), []);
    assert.doesNotThrow(() => validateSubmission(aRegistration(), now));
  });

  it('names every missing required field at once', () => {
    const problems = problemsFor({ customerName: '', customerCountry: '  ', opportunityName: '', expectedCloseOn: '' });
    assert.deepEqual(problems.map((p) => p.field).sort(), [
      'customerCountry',
      'customerName',
      'expectedCloseOn',
      'opportunityName',
    ]);
    assert.match(problems.find((p) => p.field === 'customerName')!.message, /Enter the customer's company name/);
  });

  it('wants amounts in whole minor units, above zero, in an ISO currency', () => {
    assert.match(problemsFor({ amount: 199.5 })[0].message, /whole number of minor units/);
    assert.deepEqual(fields({ amount: 0 }), ['amount']);
    assert.deepEqual(fields({ amount: -5 }), ['amount']);
    assert.deepEqual(fields({ currency: 'EURO' }), ['currency']);
    assert.deepEqual(fields({ currency: 'eur' }), ['currency']);
    assert.deepEqual(fields({ currency: 'JPY', amount: 1_000_000 }), []);
  });

  it('wants a real close date, not in the past and within two years', () => {
    assert.match(problemsFor({ expectedCloseOn: '2027-02-30' })[0].message, /not a date/);
    assert.match(problemsFor({ expectedCloseOn: '26/02/2027' })[0].message, /YYYY-MM-DD/);
    assert.match(problemsFor({ expectedCloseOn: '2026-11-25' })[0].message, /in the past/);
    assert.deepEqual(fields({ expectedCloseOn: '2026-11-26' }), [], 'today is allowed');
    assert.deepEqual(fields({ expectedCloseOn: '2028-11-26' }), []);
    assert.deepEqual(fields({ expectedCloseOn: '2028-11-27' }), ['expectedCloseOn']);
  });

  it('checks web domain and e-mail formats, and refuses a free-mail provider as the customer domain', () => {
    assert.deepEqual(fields({ customerDomain: 'https://www.nordwind.de/kontakt' }), []);
    assert.match(problemsFor({ customerDomain: 'nordwind' })[0].message, /like example.com/);
    assert.match(problemsFor({ customerDomain: 'gmail.com' })[0].message, /free e-mail provider/);
    assert.deepEqual(fields({ customerContactEmail: 'jana.keller@nordwind' }), ['customerContactEmail']);
    assert.deepEqual(fields({ customerContactEmail: 'jana keller@nordwind.de' }), ['customerContactEmail']);
    assert.deepEqual(fields({ customerContactEmail: 'jana@gmail.com' }), [], 'a contact may use free mail');
  });

  it('enforces the schema lengths', () => {
    assert.match(problemsFor({ opportunityName: 'x'.repeat(121) })[0].message, /at most 120 characters/);
  });

  it('throws one ValidationError carrying every problem', () => {
    assert.throws(
      () => validateSubmission(aRegistration({ amount: 1.5, customerDomain: 'not a domain' }), now),
      (error: unknown) => error instanceof ValidationError && error.problems.length === 2,
    );
  });

  it('holds every text the partner fills in to the length the schema declares for it', () => {
    const limited = ['customerName', 'customerCountry', 'customerContactName', 'opportunityName', 'description'];
    for (const field of [...limited, 'product']) {
      const max = maxLength(dealRegistration.fields[field])!;
      assert.deepEqual(fields({ [field]: 'x'.repeat(max) }), [], `${field} of ${max} characters`);
      const problems = problemsFor({ [field]: 'x'.repeat(max + 1) });
      assert.deepEqual(
        problems.map((p) => [p.field, p.message]),
        [[field, `Use at most ${max} characters (this has ${max + 1}).`]],
      );
    }
  });
});
