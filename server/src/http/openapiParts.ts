/**
 * Pieces every OpenAPI fragment uses (http/openapi.ts and each door's paths.ts), in a module of their
 * own because openapi.ts imports the doors' fragments.
 */

/** An error response: an RFC 9457 problem document, described by the document's `Problem` schema. */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** A JSON answer described by its schema. */
export const jsonAnswer = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body described by its schema. */
export const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });

/** A list answer: `{ data: [item] }`. */
export const listOf = (item: object) => ({
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'array', items: item } },
});
