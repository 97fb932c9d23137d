/**
 * Checks a registration before it is submitted, with one problem per field a partner can fix: which
 * field, and what to enter instead. Runs in the portal as the partner types and again on the server.
 */
import { characterCount } from '../schema/characters.ts';
import type { DealRegistration } from '../generated/types.ts';
import { ValidationError, type FieldProblem } from '../errors.ts';
import { minorUnitDigits } from '../money.ts';
import { isFreeMailDomain, normaliseDomain } from './normalise.ts';
import { maxLength } from '../schema/fields.ts';
import { dealRegistration } from './schema.ts';

/** The fields a partner fills in when registering a deal. */
const submissionFields = [
  'partner',
  'customerName',
  'customerDomain',
  'customerCountry',
  'customerContactName',
  'customerContactEmail',
  'opportunityName',
  'description',
  'currency',
  'amount',
  'expectedCloseOn',
  'product',
] as const;

export type SubmissionFields = Pick<DealRegistration, (typeof submissionFields)[number]>;

/** Lengths as declared in the deals schema. */
const maxLengths: Partial<Record<keyof SubmissionFields, number>> = Object.fromEntries(
  submissionFields.flatMap((name) => {
    const max = maxLength(dealRegistration.fields[name]);
    return max === null ? [] : [[name, max]];
  }),
);

const requiredText: Array<[keyof SubmissionFields, string]> = [
  ['partner', 'the partner'],
  ['customerName', "the customer's company name"],
  ['customerCountry', "the customer's country"],
  ['opportunityName', 'a name for the opportunity'],
];

/** How far ahead a close date may lie: further out is a forecast, not a deal to protect. */
const maxMonthsAhead = 24;

const supportedCurrencies = new Set(Intl.supportedValuesOf('currency'));

// Pragmatic address check: one @, a dotted domain, no spaces. Full RFC 5322 accepts addresses no mail
// system delivers to; this rejects typos without rejecting real people.
const emailPattern = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:]+$/;

function isRealDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

function addMonths(day: string, months: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10);
}

/** Every problem with the registration as entered; an empty list means it may be submitted. */
export function submissionProblems(registration: Partial<SubmissionFields>, now: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const problem = (field: keyof SubmissionFields, message: string) => problems.push({ field, message });
  const text = (field: keyof SubmissionFields): string | null => {
    const value = registration[field];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  };

  for (const [field, what] of requiredText) {
    if (text(field) === null) problem(field, `Enter ${what}.`);
  }
  for (const [field, max] of Object.entries(maxLengths) as Array<[keyof SubmissionFields, number]>) {
    const value = text(field);
    if (value !== null && characterCount(value) > max)
      problem(field, `Use at most ${max} characters (this has ${characterCount(value)}).`);
  }

  const customerName = text('customerName');
  if (customerName !== null && !/[\p{L}\p{N}]/u.test(customerName)) {
    problem('customerName', 'Enter the company name in letters or digits, not only punctuation.');
  }

  const currency = text('currency');
  let currencyKnown = false;
  if (currency === null) problem('currency', 'Choose the currency of the amount, e.g. USD or EUR.');
  else if (!/^[A-Z]{3}$/.test(currency) || !supportedCurrencies.has(currency)) {
    problem(
      'currency',
      `"${currency}" is not an ISO 4217 currency code; use three capital letters such as USD or EUR.`,
    );
  } else currencyKnown = true;

  const amount = registration.amount;
  if (amount === null || amount === undefined) problem('amount', 'Enter the estimated amount of the deal.');
  else if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    const digits = currencyKnown ? minorUnitDigits(currency!) : 2;
    problem(
      'amount',
      `The amount must be a whole number of minor units (for ${currency ?? 'this currency'}, 1/${10 ** digits} of a unit), not ${String(amount)}.`,
    );
  } else if (amount <= 0) problem('amount', 'The estimated amount must be more than zero.');

  const closeOn = text('expectedCloseOn');
  const today = now.slice(0, 10);
  if (closeOn === null) problem('expectedCloseOn', 'Enter the date you expect the deal to close.');
  else if (!isRealDay(closeOn))
    problem('expectedCloseOn', `"${closeOn}" is not a date; use YYYY-MM-DD, e.g. 2026-03-31.`);
  else if (closeOn < today)
    problem(
      'expectedCloseOn',
      `The expected close date ${closeOn} is in the past; registrations protect future deals.`,
    );
  else if (closeOn > addMonths(today, maxMonthsAhead)) {
    problem(
      'expectedCloseOn',
      `The expected close date must be within ${maxMonthsAhead} months (by ${addMonths(today, maxMonthsAhead)}).`,
    );
  }

  const domain = text('customerDomain');
  if (domain !== null && characterCount(domain) <= maxLengths.customerDomain!) {
    if (normaliseDomain(domain) === null || domain.includes('@')) {
      problem('customerDomain', `"${domain}" is not a web domain; enter it like example.com.`);
    } else if (isFreeMailDomain(domain)) {
      problem(
        'customerDomain',
        `${normaliseDomain(domain)} is a free e-mail provider, not the customer's own domain; enter the customer's website domain or leave it empty.`,
      );
    }
  }

  const email = text('customerContactEmail');
  // Over-long input already has its problem; not matching it keeps the pattern's backtracking bounded.
  if (
    email !== null &&
    characterCount(email) <= maxLengths.customerContactEmail! &&
    (!emailPattern.test(email) || normaliseDomain(email) === null)
  ) {
    problem('customerContactEmail', `"${email}" is not an e-mail address; enter it like name@example.com.`);
  }
  return problems;
}

/** Throws a ValidationError listing every problem, so the partner can fix them all at once. */
export function validateSubmission(registration: Partial<SubmissionFields>, now: string): void {
  const problems = submissionProblems(registration, now);
  if (problems.length > 0) throw new ValidationError(problems);
}
