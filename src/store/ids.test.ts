import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from './ids.ts';

test('ids are version-7 UUIDs that increase, even within one millisecond', () => {
  const ids = Array.from({ length: 10_000 }, () => newId(1_700_000_000_000));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(newId(1_800_000_000_000) > ids.at(-1)!);
});

test('the time is the first 48 bits, and ids never go back when the clock does', () => {
  const id = newId(0x0fed_cba9_8765);
  assert.equal(id.slice(0, 13), '0fedcba9-8765');
  assert.ok(newId(1_000) > id);
});
