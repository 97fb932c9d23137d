import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeOrderedId } from '../ids.ts';

test('ids are UUID version 7 with the RFC 9562 variant, carrying their time in milliseconds', () => {
  const at = Date.parse('2026-11-26T19:40:00.123Z');
  const id = timeOrderedId(at);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at);
});

test('ids made later sort after ids made earlier, and none repeats', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedId(1_800_000_000_000 + Math.floor(i / 10)));
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 10; i < ids.length; i += 10) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
});
