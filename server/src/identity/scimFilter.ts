/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed and evaluated with scim2-parse-filter. Attribute names are
 * case-insensitive there already; values of case-insensitive attributes (userName, emails, displayName)
 * are lower-cased here on both sides, as RFC 7643 declares them caseExact=false.
 */
import { filter as compile, parse, type Filter } from 'scim2-parse-filter';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: string | undefined;
  constructor(status: number, scimType: string | undefined, detail: string) {
    super(detail);
    this.status = status;
    this.scimType = scimType;
  }
}

const caseInsensitive = new Set([
  'username',
  'emails',
  'emails.value',
  'displayname',
  'name.givenname',
  'name.familyname',
]);

function lowerValues(node: Filter): Filter {
  switch (node.op) {
    case 'and':
    case 'or':
      return { ...node, filters: node.filters.map(lowerValues) };
    case 'not':
      return { ...node, filter: lowerValues(node.filter) };
    case '[]':
      return { ...node, valFilter: lowerValues(node.valFilter) };
    case 'pr':
      return node;
    default:
      return caseInsensitive.has(node.attrPath.toLowerCase()) && typeof node.compValue === 'string'
        ? { ...node, compValue: node.compValue.toLowerCase() }
        : node;
  }
}

/** A predicate over SCIM resources (as JSON) for a filter, or a 400 invalidFilter naming what is wrong. */
export function scimFilter(
  text: string,
  lowerCaseFields: (resource: Record<string, unknown>) => unknown,
): (resource: Record<string, unknown>) => boolean {
  let tree: Filter;
  try {
    tree = parse(text);
  } catch (error) {
    throw new ScimError(
      400,
      'invalidFilter',
      `The filter ${JSON.stringify(text)} is not valid SCIM filter syntax (RFC 7644 section 3.4.2.2): ${(error as Error).message}`,
    );
  }
  const test = compile(lowerValues(tree));
  return (resource) => test(lowerCaseFields(resource));
}
