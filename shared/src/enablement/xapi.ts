/**
 * xAPI 1.0.3 statements as an LMS sends them, validated with zod. Only what completions need is checked
 * strictly (actor, verb, object, result, timestamp, id); other properties pass through untouched.
 * A rejected statement comes back with the path of the offending property and why, so the LMS
 * administrator can fix the feed.
 */
import { z } from 'zod';
import type { FieldProblem } from '../errors.ts';

/** RFC 3987 IRIs allow non-ASCII, so a scheme and no whitespace is what can fairly be required. */
const iri = z.string().regex(/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/, 'must be an absolute IRI such as https://…');
const languageMap = z.record(
  z.string().regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/, 'must be an RFC 5646 language tag'),
  z.string(),
);

const account = z.object({ homePage: iri, name: z.string().min(1, 'must not be empty') });

const agent = z
  .looseObject({
    objectType: z
      .literal('Agent', 'completions are recorded per learner, so the actor must be an Agent, not a Group')
      .optional(),
    name: z.string().optional(),
    mbox: z
      .string()
      .regex(/^mailto:[^@\s]+@[^@\s]+$/, 'must be a mailto: IRI')
      .optional(),
    mbox_sha1sum: z
      .string()
      .regex(/^[0-9a-f]{40}$/i, 'must be 40 hexadecimal characters')
      .optional(),
    openid: iri.optional(),
    account: account.optional(),
  })
  .superRefine((actor, context) => {
    const identifiers = (['mbox', 'mbox_sha1sum', 'openid', 'account'] as const).filter(
      (key) => actor[key] !== undefined,
    );
    if (identifiers.length !== 1) {
      context.addIssue({
        code: 'custom',
        message:
          identifiers.length === 0
            ? 'an Agent needs one identifier: mbox, mbox_sha1sum, openid or account'
            : `an Agent has exactly one identifier, found ${identifiers.join(' and ')}`,
      });
    }
  });

const score = z
  .object({
    scaled: z.number().min(-1).max(1).optional(),
    raw: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((s, context) => {
    if (s.min !== undefined && s.max !== undefined && s.min > s.max)
      context.addIssue({ code: 'custom', path: ['min'], message: 'must not exceed max' });
    if (s.raw !== undefined && s.min !== undefined && s.raw < s.min)
      context.addIssue({ code: 'custom', path: ['raw'], message: 'must be at least min' });
    if (s.raw !== undefined && s.max !== undefined && s.raw > s.max)
      context.addIssue({ code: 'custom', path: ['raw'], message: 'must be at most max' });
  });

export const statementSchema = z.looseObject({
  id: z.uuid('must be a UUID').optional(),
  actor: agent,
  verb: z.looseObject({ id: iri, display: languageMap.optional() }),
  object: z.looseObject({
    objectType: z.literal('Activity', 'completions are about an Activity').optional(),
    id: iri,
    definition: z.looseObject({ name: languageMap.optional(), type: iri.optional() }).optional(),
  }),
  result: z
    .looseObject({
      score: score.optional(),
      success: z.boolean().optional(),
      completion: z.boolean().optional(),
      duration: z
        .string()
        .regex(
          /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?!$)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/,
          'must be an ISO 8601 duration',
        )
        .optional(),
    })
    .optional(),
  timestamp: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).optional(),
  version: z
    .string()
    .regex(/^1\.0(\.\d+)?$/, 'must be a 1.0.x xAPI version')
    .optional(),
});

export type XapiStatement = z.infer<typeof statementSchema>;

export type ParsedStatement = { ok: true; statement: XapiStatement } | { ok: false; problems: FieldProblem[] };

export function parseStatement(json: unknown): ParsedStatement {
  const parsed = statementSchema.safeParse(json);
  if (parsed.success) return { ok: true, statement: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || 'statement',
      message: issue.message,
    })),
  };
}

export const verbs = {
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
} as const;

export function isCompletionVerb(verbId: string): boolean {
  return verbId === verbs.completed || verbId === verbs.passed || verbId === verbs.failed;
}

/** The learner's address as our partner contacts store it, when the statement names one. */
export function learnerEmail(statement: XapiStatement): string | null {
  return statement.actor.mbox === undefined ? null : statement.actor.mbox.slice('mailto:'.length).toLowerCase();
}
