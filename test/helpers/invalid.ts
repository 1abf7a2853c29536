// Asserts that a domain rule refused its input with exactly this field and reason.
import assert from 'node:assert/strict';
import { Invalid } from '../../src/domain/errors.ts';

function matches(error: unknown, field: string, reason: string | RegExp): true {
  assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
  assert.equal(error.field, field);
  if (typeof reason === 'string') assert.equal(error.reason, reason);
  else assert.match(error.reason, reason);
  return true;
}

export function assertInvalid(action: () => unknown, field: string, reason: string | RegExp): void {
  assert.throws(action, (error: unknown) => matches(error, field, reason));
}

export async function assertRejectsInvalid(action: () => Promise<unknown>, field: string, reason: string | RegExp): Promise<void> {
  await assert.rejects(action, (error: unknown) => matches(error, field, reason));
}
