import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateInput } from '../validate.ts';
import { ValidationError } from '../../errors.ts';

const registration = {
  partner: 'p-1',
  customerName: 'Acme GmbH',
  customerCountry: 'DE',
  opportunityName: 'Acme firewall refresh',
  currency: 'EUR',
  amount: 4_500_000,
  expectedCloseOn: '2027-03-31',
};

function problems(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.problems;
  }
  assert.fail('expected a ValidationError');
}

describe('input validation from the generated validators', () => {
  it('accepts a complete registration', () => {
    assert.equal(validateInput('dealRegistration', registration).customerName, 'Acme GmbH');
  });

  it('names each field that is wrong and says why', () => {
    const found = problems(() =>
      validateInput('dealRegistration', {
        ...registration,
        customerName: '',
        amount: 45000.5,
        currency: 'euro',
        expectedCloseOn: '31/03/2027',
        customerContactEmail: 'not-an-email',
        status: 'pending',
      }),
    );
    assert.deepEqual(found, [
      { field: 'customerName', message: 'is required' },
      { field: 'customerContactEmail', message: 'must be an email address like name@example.com' },
      { field: 'currency', message: 'must be a three-letter ISO 4217 currency code such as USD' },
      { field: 'amount', message: 'must be whole minor units (cents), not a decimal amount' },
      { field: 'expectedCloseOn', message: 'must be a date as YYYY-MM-DD' },
      {
        field: 'status',
        message:
          'must be one of: draft, submitted, in_review, approved, rejected, converted, won, lost, expired, withdrawn',
      },
    ]);
  });

  it('reports missing required fields and unknown fields', () => {
    const { customerName: _omitted, ...withoutName } = registration;
    assert.deepEqual(
      problems(() => validateInput('dealRegistration', { ...withoutName, discount: 5 })),
      [
        { field: 'customerName', message: 'is required' },
        { field: 'discount', message: 'is not a field of this record' },
      ],
    );
  });

  it('checks only the fields an update sends', () => {
    assert.deepEqual(validateInput('dealRegistration', { amount: 100 }, 'update'), { amount: 100 });
    assert.deepEqual(
      problems(() => validateInput('dealRegistration', { amount: -1 }, 'update')),
      [{ field: 'amount', message: 'must not be negative' }],
    );
  });
});
