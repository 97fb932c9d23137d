import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateSalesforce } from '../salesforce.ts';
import { formatProblem } from '../problems.ts';
import { scratchCopy } from './fixture.ts';

const objects = 'main/default/objects';
const statusField = `${objects}/Deal_Registration__c/fields/Status__c.field-meta.xml`;
const customerField = `${objects}/Deal_Registration__c/fields/Customer_Domain__c.field-meta.xml`;
const partnerLookup = `${objects}/Deal_Registration__c/fields/Partner__c.field-meta.xml`;
const adminSet = 'main/default/permissionsets/PRM_Channel_Admin.permissionset-meta.xml';

async function problemsAfter(change: (copy: ReturnType<typeof scratchCopy>) => void): Promise<string[]> {
  const copy = scratchCopy('force-app');
  try {
    change(copy);
    return (await validateSalesforce(copy.dir)).map(formatProblem);
  } finally {
    copy.cleanup();
  }
}

describe('Salesforce validation', () => {
  it('accepts the generated source', async () => {
    assert.deepEqual(await problemsAfter(() => {}), []);
  });

  it('rejects truncated XML, naming the file and the line', async () => {
    const problems = await problemsAfter((c) => c.edit(statusField, (x) => x.slice(0, x.length - 40)));
    assert.ok(
      problems.some((p) => p.startsWith(`${statusField}: is not well-formed XML:`) && /line \d+/.test(p)),
      problems.join('\n'),
    );
  });

  it('rejects a wrong closing tag', async () => {
    const problems = await problemsAfter((c) => c.edit(customerField, (x) => x.replace('</label>', '</labl>')));
    assert.ok(
      problems.some((p) => p.startsWith(`${customerField}: is not well-formed XML:`)),
      problems.join('\n'),
    );
  });

  it('rejects a field type Salesforce does not have', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(customerField, (x) => x.replace('<type>Text</type>', '<type>String</type>')),
    );
    assert.ok(problems.includes(`${customerField}: type "String" is not a Salesforce field type`), problems.join('\n'));
  });

  it('rejects a text length over 255', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(customerField, (x) => x.replace('<length>255</length>', '<length>300</length>')),
    );
    assert.ok(problems.includes(`${customerField}: Text length must be 1 to 255 (got 300)`), problems.join('\n'));
  });

  it('rejects API names with a double underscore or over 40 characters', async () => {
    const long = 'A_Field_Name_That_Goes_On_Far_Too_Long_For_Salesforce';
    const problems = await problemsAfter((c) => {
      c.edit(customerField, (x) =>
        x.replace('<fullName>Customer_Domain__c</fullName>', '<fullName>Customer__Domain__c</fullName>'),
      );
      c.write(
        `${objects}/Deal_Registration__c/fields/${long}__c.field-meta.xml`,
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>' +
          long +
          '__c</fullName>\n    <label>Long</label>\n    <length>10</length>\n    <type>Text</type>\n</CustomField>\n',
      );
    });
    assert.ok(
      problems.some((p) =>
        p.startsWith(`${customerField}: field API name "Customer__Domain__c" must start with a letter`),
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) =>
        p.includes(`field API name "${long}__c" is ${long.length} characters; the limit is 40 before __c`),
      ),
      problems.join('\n'),
    );
  });

  it('rejects a picklist value that appears twice', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(statusField, (x) => x.replace('<fullName>submitted</fullName>', '<fullName>draft</fullName>')),
    );
    assert.ok(problems.includes(`${statusField}: picklist value "draft" appears more than once`), problems.join('\n'));
  });

  it('rejects a lookup to an object that does not exist', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(partnerLookup, (x) =>
        x.replace('<referenceTo>Account</referenceTo>', '<referenceTo>Partner__c</referenceTo>'),
      ),
    );
    assert.ok(
      problems.includes(
        `${partnerLookup}: Lookup references "Partner__c", which is neither a standard object nor an object in this package`,
      ),
      problems.join('\n'),
    );
  });

  it('rejects a permission set that names a field that does not exist', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(adminSet, (x) =>
        x.replace(
          '<field>Deal_Registration__c.Customer_Domain__c</field>',
          '<field>Deal_Registration__c.Customer_Web__c</field>',
        ),
      ),
    );
    assert.ok(
      problems.includes(`${adminSet}: names field Deal_Registration__c.Customer_Web__c, which does not exist`),
      problems.join('\n'),
    );
  });

  it('rejects a permission set that names a required field', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(adminSet, (x) =>
        x.replace(
          '<field>Deal_Registration__c.Customer_Domain__c</field>',
          '<field>Deal_Registration__c.Customer_Name__c</field>',
        ),
      ),
    );
    assert.ok(
      problems.includes(
        `${adminSet}: names field Deal_Registration__c.Customer_Name__c, which is required: Salesforce refuses field permissions on required fields`,
      ),
      problems.join('\n'),
    );
  });

  it('rejects a Lightning web component without its js-meta.xml', async () => {
    const problems = await problemsAfter((c) => {
      mkdirSync(join(c.dir, 'main/default/lwc/dealList'), { recursive: true });
      c.write(
        'main/default/lwc/dealList/dealList.js',
        "import { LightningElement } from 'lwc';\nexport default class DealList extends LightningElement {}\n",
      );
      c.write('main/default/lwc/dealList/dealList.html', '<template></template>\n');
    });
    assert.ok(problems.includes('main/default/lwc/dealList: has no dealList.js-meta.xml'), problems.join('\n'));
  });

  it('reports what source-deploy-retrieve cannot convert', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(customerField, (x) =>
        x
          .replace('<CustomField xmlns', '<!-- a comment before the root -->\n<CustomField xmlns')
          .replace('<?xml version="1.0" encoding="UTF-8"?>\n', '<?xml version="1.0" encoding="UTF-8"?>\n'),
      ),
    );
    assert.ok(
      problems.some(
        (p) =>
          p.startsWith('.: source-deploy-retrieve could not convert the source:') && p.includes('Customer_Domain__c'),
      ),
      problems.join('\n'),
    );
  });
});
