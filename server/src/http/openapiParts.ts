/**
 * Pieces every OpenAPI fragment uses (http/openapi.ts and each door's paths.ts), in a module of their
 * own because openapi.ts imports the doors' fragments.
 */

/** An error response: an RFC 9457 problem document, described by the document's `Problem` schema. */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
