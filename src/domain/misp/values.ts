// MISP's JSON is loosely typed: numbers arrive as strings ("2") from MISP and as numbers from PyMISP
// feeds, booleans as true, 1 or "1", absent values as null. These readers accept every spelling MISP
// writes and refuse anything else with an Invalid naming the field.
import { Invalid } from '../errors.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member of a parsed JSON object, own properties only (a key named `__proto__` or `toString` is data). */
export function member(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `response[1].Event` + `Attribute` → `response[1].Event.Attribute`; a number indexes a list. */
export function at(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

const absent = (value: unknown) => value === undefined || value === null;

export function readInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (absent(value)) return undefined;
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  if (!/^\d{1,15}$/.test(text)) throw new Invalid(field, `must be a whole number from ${min} to ${max}`);
  const number = Number(text);
  if (number < min || number > max) throw new Invalid(field, `must be a whole number from ${min} to ${max}`);
  return number;
}

const TRUE = new Set(['1', 'true']);
const FALSE = new Set(['0', 'false', '']);

export function readBoolean(value: unknown, field: string): boolean | undefined {
  if (absent(value)) return undefined;
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim().toLowerCase() : undefined;
  if (text !== undefined && TRUE.has(text)) return true;
  if (text !== undefined && FALSE.has(text)) return false;
  throw new Invalid(field, 'must be true or false (or 1 or 0)');
}

/** Text, trimmed; an empty string counts as absent unless `required`. */
export function readText(value: unknown, field: string, maxLength: number, required = false): string | undefined {
  if (absent(value)) {
    if (required) throw new Invalid(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') throw new Invalid(field, 'must be text');
  const text = value.trim();
  if (text === '') {
    if (required) throw new Invalid(field, 'must not be empty');
    return undefined;
  }
  if (text.length > maxLength) throw new Invalid(field, `must be at most ${maxLength} characters`);
  return text;
}

// Seconds since 1970 up to the year 9999: every one of them is a valid Date.
const MAX_EPOCH_SECONDS = 253_402_300_799;

export function readEpochSeconds(value: unknown, field: string): number | undefined {
  return readInteger(value, field, 0, MAX_EPOCH_SECONDS);
}

export function epochSecondsToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

export function isoToEpochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** MISP's first_seen/last_seen: ISO 8601 with up to microseconds, with or without an offset (UTC then). */
export function readDateTime(value: unknown, field: string): string | undefined {
  if (absent(value) || value === '') return undefined;
  const match = typeof value === 'string' ? DATE_TIME.exec(value.trim()) : null;
  if (!match) throw new Invalid(field, 'must be a date and time such as 2024-05-02T10:00:00Z');
  const text = value as string;
  const millis = Date.parse(match[7] ? text.trim() : `${text.trim()}Z`);
  if (Number.isNaN(millis) || Number(match[2]) > 12 || Number(match[3]) > 31) throw new Invalid(field, 'is not a valid date and time');
  return new Date(millis).toISOString();
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function readDate(value: unknown, field: string): string | undefined {
  if (absent(value) || value === '') return undefined;
  const match = typeof value === 'string' ? DATE.exec(value.trim()) : null;
  const text = match ? match[0] : '';
  const millis = Date.parse(`${text}T00:00:00Z`);
  // A real calendar day: 2024-02-30 does not survive the round trip through Date.
  if (!match || Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== text) throw new Invalid(field, 'must be a date such as 2024-05-02');
  return text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A UUID in lower case, as Sanad stores ids. */
export function readUuid(value: unknown, field: string): string | undefined {
  if (absent(value) || value === '') return undefined;
  if (!isUuid(value)) throw new Invalid(field, 'must be a UUID such as 5f1c2a3b-0000-4000-8000-000000000001');
  return value.toLowerCase();
}

/** A list; absent or null reads as empty. */
export function readList(value: unknown, field: string): unknown[] {
  if (absent(value)) return [];
  if (!Array.isArray(value)) throw new Invalid(field, 'must be a list');
  return value;
}
