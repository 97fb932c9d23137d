/**
 * The order of a list and its keyset cursor. A sorted list is ordered by the sort field, then by id,
 * with empty values last (the stores disagree on where NULL sorts, so the order says it); a page's
 * cursor holds the sort, the last record's sort value and its id, so the next page starts exactly after
 * it whatever was written in between. Unsorted lists keep the id as their cursor, as before.
 */
import { sql, type ExpressionBuilder, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { ValidationError } from '@prm/core/errors';

export interface ListSort {
  field: string;
  descending: boolean;
}

interface SortColumn extends ListSort {
  column: string;
}

interface Position {
  id: string;
  value?: unknown;
}

const sortedPrefix = 's.';
const sortName = (sort: ListSort): string => `${sort.descending ? '-' : ''}${sort.field}`;

type Select = SelectQueryBuilder<any, any, any>;

export function orderedBy(query: Select, sort: SortColumn): Select {
  const direction = sort.descending ? 'desc' : 'asc';
  return query
    .orderBy(sql`(${sql.ref(sort.column)} is null)`, direction)
    .orderBy(sort.column, direction)
    .orderBy('id', direction);
}

/** Rows that come after the cursor's position in the sort's order (the exact reverse when descending). */
export function afterPosition(
  eb: ExpressionBuilder<any, any>,
  sort: SortColumn,
  position: Position,
): Expression<SqlBool> {
  const column = eb.ref(sort.column);
  const laterId = eb('id', sort.descending ? '<' : '>', position.id);
  const later = sort.descending ? '<' : '>';
  if (position.value === null || position.value === undefined) {
    // Empty values come last: after an empty one, only other empty ones with a later id (ascending),
    // or, descending (empty first), the later empty ones and then every filled one.
    return sort.descending
      ? eb.or([eb.and([eb(column, 'is', null), laterId]), eb(column, 'is not', null)])
      : eb.and([eb(column, 'is', null), laterId]);
  }
  const sameValueLaterId = eb.and([eb(column, '=', position.value), laterId]);
  const filledLater = eb.or([eb(column, later, position.value), sameValueLaterId]);
  return sort.descending ? filledLater : eb.or([filledLater, eb(column, 'is', null)]);
}

export function writeCursor(sort: ListSort | undefined, value: unknown, id: string): string {
  if (!sort) return id;
  const payload = JSON.stringify({ sort: sortName(sort), value: value ?? null, id });
  return `${sortedPrefix}${Buffer.from(payload).toString('base64url')}`;
}

const badCursor = (message: string): ValidationError => new ValidationError([{ field: 'after', message }]);

export function readCursor(after: string, sort: ListSort | undefined): Position {
  if (!after.startsWith(sortedPrefix)) {
    if (sort) throw badCursor(`was not made for sort=${sortName(sort)}; start again without after`);
    return { id: after };
  }
  let decoded: { sort?: unknown; value?: unknown; id?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(after.slice(sortedPrefix.length), 'base64url').toString('utf8'));
  } catch {
    throw badCursor('is not a cursor this server made: pass the `next` of the previous page');
  }
  const value = decoded?.value;
  if (typeof decoded?.id !== 'string' || !(value === null || ['string', 'number', 'boolean'].includes(typeof value)))
    throw badCursor('is not a cursor this server made: pass the `next` of the previous page');
  if (!sort || decoded.sort !== sortName(sort))
    throw badCursor(`was made for sort=${String(decoded.sort)}; send the same sort or start again without after`);
  return { id: decoded.id, value: decoded.value };
}
