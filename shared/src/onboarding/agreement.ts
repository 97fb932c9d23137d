/**
 * Signing the partner agreement by typed name. The signer types their name and confirms the version
 * they read; if the vendor published a new version meanwhile, the signature is refused rather than
 * applied to a text the signer never saw.
 */
import { characterCount } from '../schema/characters.ts';
import type { Agreement } from '../generated/types.ts';
import { TransitionError, ValidationError, type FieldProblem } from '../errors.ts';

export type SignableAgreement = Pick<
  Agreement,
  'agreementVersion' | 'status' | 'signedByName' | 'signedByEmail' | 'signedAt'
>;

export interface TypedSignature {
  typedName: string;
  email: string;
  /** The version shown to the signer when they typed their name. */
  versionShown: string;
}

export function signAgreement<A extends SignableAgreement>(agreement: A, signature: TypedSignature, now: string): A {
  if (agreement.status !== 'sent')
    throw new TransitionError(agreement.status, 'signed', 'only an agreement sent for signature can be signed.');
  const typedName = signature.typedName.trim().replace(/\s+/g, ' ');
  const problems: FieldProblem[] = [];
  if (characterCount(typedName) < 2) problems.push({ field: 'signedByName', message: 'Type your full name to sign.' });
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(signature.email))
    problems.push({ field: 'signedByEmail', message: 'Give the email address you sign with.' });
  if (signature.versionShown !== agreement.agreementVersion) {
    problems.push({
      field: 'agreementVersion',
      message: `You read version ${signature.versionShown}, but version ${agreement.agreementVersion} is the one to sign; please read it first.`,
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...agreement, status: 'signed', signedByName: typedName, signedByEmail: signature.email, signedAt: now };
}

/** When a new version is signed, earlier signed ones are superseded. */
export function supersededBy<A extends SignableAgreement>(agreements: readonly A[], signed: SignableAgreement): A[] {
  return agreements
    .filter((agreement) => agreement.status === 'signed' && agreement.agreementVersion !== signed.agreementVersion)
    .map((agreement) => ({ ...agreement, status: 'superseded' as const }));
}
