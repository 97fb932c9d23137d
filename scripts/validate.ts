/**
 * `npm run validate`: checks the generated (and hand-written) CRM metadata offline, because
 * converting is not validating. Prints each problem as `file: message` and fails if there is any.
 */
import { join, resolve } from 'node:path';
import { validateSalesforce } from './validate/salesforce.ts';
import { validateHubspot } from './validate/hubspot.ts';
import { validateDataverse } from './validate/dataverse.ts';
import { formatProblem, type Problem } from './validate/problems.ts';

const root = resolve(import.meta.dirname, '..');
const checks: Array<[string, string, () => Promise<Problem[]> | Problem[]]> = [
  ['Salesforce', 'force-app', () => validateSalesforce(join(root, 'force-app'))],
  ['HubSpot', 'hubspot-app', () => validateHubspot(join(root, 'hubspot-app'))],
  ['Dataverse', 'dynamics-app', () => validateDataverse(join(root, 'dynamics-app'))],
];

let total = 0;
for (const [platform, folder, check] of checks) {
  const problems = await check();
  total += problems.length;
  if (problems.length === 0) console.log(`${platform}: ${folder}/ is valid.`);
  else
    console.error(
      `${platform}: ${problems.length} problem(s)\n${problems.map((p) => `  ${folder}/${formatProblem(p)}`).join('\n')}`,
    );
}
process.exitCode = total > 0 ? 1 : 0;
