/**
 * Signing the partner agreement by typed name (the core's signAgreement); the partner's earlier signed
 * versions are superseded by the new one in the same transaction.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { signAgreement, supersededBy } from '@prm/core/onboarding/agreement';
import type { ActionContext } from '../http/actions.ts';
import { listRecords, writeUpdate } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';
import { pick } from './applications.ts';

/** The agreement's changes once signed. */
export async function signPartnerAgreement(
  { tx, actor, now }: ActionContext,
  agreement: RecordOf<'agreement'>,
  body: { typedName: string; versionShown: string },
) {
  const signed = signAgreement(
    agreement,
    { typedName: body.typedName, email: actor.email, versionShown: body.versionShown },
    now.toISOString(),
  );
  // Earlier signed versions of this partner's agreement are superseded by this one.
  const object = objectNamed(prmObjects, 'agreement');
  const earlier = (
    await listRecords(tx, actor, object, { where: { partner: agreement.partner, status: 'signed' }, limit: 200 })
  ).records;
  for (const old of supersededBy(earlier, signed)) {
    const before = earlier.find((candidate) => candidate.id === old.id)!;
    await writeUpdate(tx, now, actor, object, before, before.version, { status: 'superseded' }, 'supersede');
  }
  return pick(signed, ['status', 'signedByName', 'signedByEmail', 'signedAt']);
}
