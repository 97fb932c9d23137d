/** How the PRM schema is named in the server's REST API: `/api/deal-registrations`. */
import type { PrmObject } from '../schema/object.ts';
import { nameWords } from './names.ts';

function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The collection path segment: `dealRegistration` → `deal-registrations`. */
export function restCollection(object: PrmObject): string {
  const words = nameWords(object.name);
  words[words.length - 1] = plural(words[words.length - 1]);
  return words.join('-');
}
