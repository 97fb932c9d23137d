/** SCIM PATCH (RFC 7644 §3.5.2): operations applied to a resource as the server shows it. */
import { ScimError, scimFilter } from './scimFilter.ts';
import { enterpriseSchema, prmSchema, patchSchema, type Json } from './scimResources.ts';

interface PathParts {
  schema?: string;
  attribute: string;
  filter?: string;
  sub?: string;
}

function parsePath(path: string): PathParts {
  const extension = [enterpriseSchema, prmSchema].find((urn) => path.toLowerCase().startsWith(`${urn.toLowerCase()}:`));
  const rest = extension ? path.slice(extension.length + 1) : path;
  const match = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(rest);
  if (!match) throw new ScimError(400, 'invalidPath', `The path ${JSON.stringify(path)} is not a SCIM attribute path.`);
  return { schema: extension, attribute: match[1]!, filter: match[2], sub: match[3] };
}

const keyIn = (object: Json, name: string) =>
  Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;

export function applyOperation(resource: Json, op: string, path: string | undefined, value: unknown): void {
  if (!path) {
    if (op === 'remove') throw new ScimError(400, 'noTarget', 'A remove operation needs a path.');
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new ScimError(400, 'invalidValue', `An ${op} without a path needs an object value.`);
    // Entra ID puts attribute paths as keys here ("name.givenName"); plain attributes work the same way.
    for (const [key, item] of Object.entries(value as Json)) {
      if (
        [enterpriseSchema, prmSchema].some((urn) => urn.toLowerCase() === key.toLowerCase()) &&
        item &&
        typeof item === 'object'
      )
        for (const [inner, innerValue] of Object.entries(item as Json))
          applyOperation(resource, op, `${key}:${inner}`, innerValue);
      else applyOperation(resource, op, key, item);
    }
    return;
  }
  const parts = parsePath(path);
  if (!parts.schema && parts.attribute.toLowerCase() === 'id')
    throw new ScimError(400, 'mutability', 'id is read-only.');
  const holder: Json = parts.schema ? (resource[parts.schema] ??= {}) : resource;
  const key = keyIn(holder, parts.attribute);
  if (parts.filter) {
    if (key.toLowerCase() !== 'emails')
      throw new ScimError(400, 'invalidPath', `Filtered paths are supported on emails only, not ${parts.attribute}.`);
    const test = scimFilter(parts.filter, (item) => item);
    const list: Json[] = Array.isArray(holder[key]) ? holder[key] : [];
    const matching = list.filter((item) => test(item));
    if (op === 'remove') {
      holder[key] = list.filter((item) => !matching.includes(item));
      return;
    }
    if (!matching.length) {
      // A replace on an email that does not exist yet adds it, with the type the filter named.
      const typed = /type\s+eq\s+"([^"]+)"/i.exec(parts.filter);
      const added: Json = typed ? { type: typed[1] } : {};
      list.push(added);
      matching.push(added);
      holder[key] = list;
    }
    for (const item of matching) {
      if (parts.sub) item[parts.sub] = value;
      else Object.assign(item, value);
    }
    return;
  }
  if (parts.sub) {
    const inner: Json = (holder[key] ??= {});
    if (op === 'remove') delete inner[keyIn(inner, parts.sub)];
    else inner[keyIn(inner, parts.sub)] = value;
    return;
  }
  if (op === 'remove') delete holder[key];
  else if (op === 'add' && Array.isArray(holder[key]) && Array.isArray(value)) holder[key] = [...holder[key], ...value];
  else holder[key] = value;
}

/** The user's emails decide userName when a PATCH changes the primary (work) email. */
export function emailsToUserName(before: Json, after: Json): void {
  if (after.userName !== before.userName) return;
  const primary = (after.emails as Json[] | undefined)?.find((email) => email.primary) ?? after.emails?.[0];
  if (primary?.value && primary.value !== before.emails?.[0]?.value) after.userName = primary.value;
}

export function patchOperations(body: Json): { op: string; path?: string; value?: unknown }[] {
  if (!body || !Array.isArray(body.schemas) || !body.schemas.includes(patchSchema))
    throw new ScimError(400, 'invalidSyntax', `A PATCH body needs schemas: ["${patchSchema}"].`);
  if (!Array.isArray(body.Operations) || !body.Operations.length)
    throw new ScimError(400, 'invalidSyntax', 'A PATCH body needs a non-empty Operations array.');
  return body.Operations.map((operation: Json, index: number) => {
    const op = String(operation?.op ?? '').toLowerCase();
    if (!['add', 'replace', 'remove'].includes(op))
      throw new ScimError(
        400,
        'invalidSyntax',
        `Operations[${index}].op must be add, replace or remove, not ${JSON.stringify(operation?.op)}.`,
      );
    if (operation.path !== undefined && typeof operation.path !== 'string')
      throw new ScimError(400, 'invalidPath', `Operations[${index}].path must be text.`);
    return { op, path: operation.path, value: operation.value };
  });
}
