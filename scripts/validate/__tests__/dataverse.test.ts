import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateDataverse } from '../dataverse.ts';
import { formatProblem } from '../problems.ts';
import { scratchCopy } from './fixture.ts';

const table = 'schema/tables/prm_dealregistration.json';
const accountColumns = 'schema/columns/account.json';
const relationship = 'schema/relationships/prm_account_dealregistration_partner.json';

function problemsAfter(change: (copy: ReturnType<typeof scratchCopy>) => void): string[] {
  const copy = scratchCopy('dynamics-app');
  try {
    change(copy);
    return validateDataverse(copy.dir).map(formatProblem);
  } finally {
    copy.cleanup();
  }
}

const editJson = (copy: ReturnType<typeof scratchCopy>, path: string, change: (value: any) => void) =>
  copy.edit(path, (text) => {
    const value = JSON.parse(text);
    change(value);
    return JSON.stringify(value, null, 2);
  });

const column = (attributes: any[], schemaName: string) => attributes.find((a) => a.SchemaName === schemaName);

describe('Dataverse validation', () => {
  it('accepts the generated payloads', () => {
    assert.deepEqual(
      problemsAfter(() => {}),
      [],
    );
  });

  it('rejects invalid JSON', () => {
    const problems = problemsAfter((c) => c.edit(table, (x) => x.slice(0, 200)));
    assert.ok(
      problems.some((p) => p.startsWith(`${table}: is not valid JSON:`)),
      problems.join('\n'),
    );
  });

  it('rejects a column without the publisher prefix', () => {
    const problems = problemsAfter((c) =>
      editJson(c, accountColumns, (list) => {
        list[0].SchemaName = 'new_PartnerType';
      }),
    );
    assert.ok(
      problems.includes(
        `${accountColumns}: column new_PartnerType: SchemaName must start with the publisher prefix "prm_"`,
      ),
      problems.join('\n'),
    );
  });

  it('rejects a table without the publisher prefix', () => {
    const problems = problemsAfter((c) =>
      editJson(c, table, (t) => {
        t.SchemaName = 'DealRegistration';
      }),
    );
    assert.ok(
      problems.includes(`${table}: table SchemaName "DealRegistration" must start with the publisher prefix "prm_"`),
      problems.join('\n'),
    );
  });

  it('rejects a string column longer than 4000', () => {
    const problems = problemsAfter((c) =>
      editJson(c, table, (t) => {
        column(t.Attributes, 'prm_CustomerName').MaxLength = 5000;
      }),
    );
    assert.ok(
      problems.includes(`${table}: column prm_CustomerName: String MaxLength must be 1 to 4000 (got 5000)`),
      problems.join('\n'),
    );
  });

  it('rejects an attribute type that does not match its metadata type', () => {
    const problems = problemsAfter((c) =>
      editJson(c, table, (t) => {
        column(t.Attributes, 'prm_Amount').AttributeType = 'Decimal';
      }),
    );
    assert.ok(
      problems.includes(
        `${table}: column prm_Amount: AttributeType must be "Money" for MoneyAttributeMetadata (got "Decimal")`,
      ),
      problems.join('\n'),
    );
  });

  it('rejects a decimal precision Dataverse does not allow', () => {
    const problems = problemsAfter((c) =>
      editJson(c, table, (t) => {
        column(t.Attributes, 'prm_ConflictScore').Precision = 12;
      }),
    );
    assert.ok(
      problems.includes(`${table}: column prm_ConflictScore: Decimal Precision must be 0 to 10 (got 12)`),
      problems.join('\n'),
    );
  });

  it('rejects choice values outside the publisher range', () => {
    const problems = problemsAfter((c) =>
      editJson(c, table, (t) => {
        column(t.Attributes, 'prm_Status').OptionSet.Options[0].Value = 1;
      }),
    );
    assert.ok(
      problems.includes(
        `${table}: column prm_Status: option value 1 is outside the publisher's range 105710000..105719999`,
      ),
      problems.join('\n'),
    );
  });

  it('rejects a relationship to a table that does not exist', () => {
    const problems = problemsAfter((c) =>
      editJson(c, relationship, (r) => {
        r.ReferencedEntity = 'prm_partner';
      }),
    );
    assert.ok(
      problems.includes(`${relationship}: ReferencedEntity "prm_partner" is not a table that exists`),
      problems.join('\n'),
    );
  });

  it('rejects a table without a primary name column', () => {
    const problems = problemsAfter((c) =>
      editJson(c, table, (t) => {
        t.Attributes[0].IsPrimaryName = false;
      }),
    );
    assert.ok(
      problems.includes(`${table}: needs exactly one primary name column (IsPrimaryName), found 0`),
      problems.join('\n'),
    );
  });
});
