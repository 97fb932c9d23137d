/**
 * How long a text is, as the schema's lengths mean it: in characters (Unicode code points), so 255
 * emoji fit a field of 255 and an answer says "this has 255", as PostgreSQL's varchar(255) and JSON
 * Schema's maxLength count. Zod's `max` counts code points too, so the validators use it as it is; this
 * is for the rules that measure text themselves. JavaScript's `length` counts UTF-16 units (an emoji
 * is two) and must not be used for a limit. Salesforce and Dataverse count UTF-16 units: see
 * docs/integration.md.
 */
export function characterCount(text: string): number {
  let count = 0;
  // Iterating a string walks code points; a surrogate pair is one step.
  for (const _ of text) count++;
  return count;
}
