/**
 * CSV cells and record values, both ways, by field kind. A CSV cell is always text; the API's values
 * are typed (money as integer minor units, booleans, arrays), so each kind has one written form that
 * export produces and import reads back: money `125000` (cents), dates `2026-03-31`, checkboxes
 * `true`/`false`, multi-select picklists `a;b`, and an empty cell for null.
 */
import type { Field } from '@prm/core/schema/fields';

/** A cell that cannot be the field's kind; the message names what it must be. */
export class CellError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CellError';
  }
}

const wholeNumber = /^-?\d+$/;
const decimalNumber = /^-?\d+(\.\d+)?$/;

/** The record value of one cell; an empty cell is null. Range and format rules are the validators'. */
export function cellToValue(field: Field, cell: string): unknown {
  const text = cell.trim();
  if (text === '') return null;
  switch (field.kind) {
    case 'money':
      if (!wholeNumber.test(text))
        throw new CellError('must be a whole number of minor units (cents), e.g. 125000 for 1,250.00');
      return Number(text);
    case 'integer':
      if (!wholeNumber.test(text)) throw new CellError('must be a whole number');
      return Number(text);
    case 'decimal':
    case 'percent':
      if (!decimalNumber.test(text)) throw new CellError('must be a number such as 12.5');
      return Number(text);
    case 'checkbox': {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw new CellError('must be true or false');
      return lower === 'true';
    }
    case 'multiPicklist':
      return text
        .split(';')
        .map((value) => value.trim())
        .filter(Boolean);
    default:
      // Text keeps its inner spaces; only the cell's surrounding whitespace, which spreadsheets add, goes.
      return text;
  }
}

/** The cell export writes for a record value. */
export function valueToCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}
