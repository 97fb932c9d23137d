/** Splitting camelCase names into words, the one transformation every host's naming starts from. */

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

export const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `dealRegistration` → `deal_registration`. */
export const snakeCase = (name: string): string => nameWords(name).join('_');
