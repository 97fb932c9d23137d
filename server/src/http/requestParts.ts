/** The parts of a request the routes read the same way: the JSON body, If-Match, the record's id. */
import type { FastifyRequest } from 'fastify';
import { ValidationError } from '@prm/core/errors';
import { HttpProblem } from './problems.ts';

export function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

/** If-Match carries the version the caller last read, as the ETag we sent: `"3"`. */
export function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (!header) {
    throw new HttpProblem(
      428,
      'precondition-required',
      'If-Match is required',
      'Send If-Match with the ETag of the version you read, so changes are never lost.',
      [{ field: 'If-Match', message: 'is required: the ETag of the version you read' }],
    );
  }
  const match = /^(?:W\/)?"(\d+)"$/.exec(String(header).trim());
  if (!match)
    throw new HttpProblem(400, 'bad-request', 'If-Match is not valid', 'If-Match must be an ETag such as "3".', [
      { field: 'If-Match', message: 'must be an ETag such as "3"' },
    ]);
  return Number(match[1]);
}

export const idParam = (request: FastifyRequest): string => (request.params as { id: string }).id;
