/**
 * Bodies are read as they were sent, or refused: bytes that are not UTF-8 (which a lenient decoder
 * would turn into U+FFFD) answer 400 naming the body, and a JSON string holding a lone UTF-16
 * surrogate (`"\ud800"`, half of a character, which no store can keep as sent) answers 422 naming the
 * field. So the store never holds a different string than the one accepted.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError, type FieldProblem } from '@prm/core/errors';
import { HttpProblem } from './problems.ts';

/** The body as text, or a 400 when its bytes are not UTF-8. */
export function utf8Text(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw notUtf8('(body)');
  }
}

export function notUtf8(field: string): HttpProblem {
  return new HttpProblem(400, 'not-utf-8', 'The body is not UTF-8 text', 'Send the body encoded as UTF-8.', [
    { field, message: 'is not valid UTF-8: send text encoded as UTF-8' },
  ]);
}

// With the u flag a surrogate pair is one code point, so only a lone surrogate is in this class.
const halfCharacter = /\p{Surrogate}/u;

/** Every string (and key) in parsed JSON that is not well-formed Unicode, by its path. */
export function halfCharacters(value: unknown, path: string[] = []): FieldProblem[] {
  const at = (key?: string) => [...path, ...(key === undefined ? [] : [key])].join('.') || '(body)';
  const problem = (field: string) => ({
    field,
    message: 'holds half of a character (a lone UTF-16 surrogate, \\ud800–\\udfff without its pair)',
  });
  if (typeof value === 'string') return halfCharacter.test(value) ? [problem(at())] : [];
  if (value === null || typeof value !== 'object') return [];
  const problems: FieldProblem[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (halfCharacter.test(key)) problems.push(problem(at(key)));
    else problems.push(...halfCharacters(item, [...path, key]));
  }
  return problems;
}

/** Parses JSON bodies strictly: UTF-8 bytes, well-formed strings, Fastify's own JSON rules otherwise. */
export function strictJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8Text(body as Buffer);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const problems = halfCharacters(value);
      if (problems.length) return done(new ValidationError(problems), undefined);
      done(null, value);
    });
  });
}
