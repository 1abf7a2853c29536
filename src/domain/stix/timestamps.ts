// STIX 2.1 timestamps: RFC 3339 in UTC with an upper-case T and Z, any number of fractional digits.
// Versions of one object may differ by less than a millisecond, so ordering compares the fractional
// digits themselves rather than Date values.
import { Invalid } from '../errors.ts';

const STIX_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

// Loose enough to name the part that is wrong in most malformed inputs.
const TIMESTAMP_LIKE = /^(\d+)-(\d+)-(\d+)(.)(\d+):(\d+):(\d+)(?:\.(\d*))?(.*)$/s;

const EXAMPLE = '2024-01-10T08:30:00.000Z';

export interface StixTimestamp {
  /** The timestamp with at least millisecond digits: '2016-05-12T08:17:27Z' becomes '2016-05-12T08:17:27.000Z'. */
  iso: string;
  /** Milliseconds since the epoch, finer digits dropped: what a Date can hold. */
  epochMillis: number;
  /** Microseconds since the epoch, finer digits dropped. */
  epochMicros: bigint;
  /** The fractional-second digits as written, '' when there are none. */
  fraction: string;
  /** How many fractional digits were written: 0 for seconds, 3 for milliseconds, 6 for microseconds. */
  precision: number;
}

export function isStixTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = STIX_TIMESTAMP.exec(value);
  return parts !== null ? isRealDateTime(parts) : false;
}

export function parseStixTimestamp(value: unknown, field = 'timestamp'): StixTimestamp {
  if (typeof value !== 'string') throw new Invalid(field, `must be a timestamp string like ${EXAMPLE}`);
  const parts = STIX_TIMESTAMP.exec(value);
  // The regular form with a real date and time needs no diagnosis; anything else is explained.
  const problem = parts !== null && isRealDateTime(parts) ? undefined : problemWith(value);
  if (problem !== undefined) throw new Invalid(field, problem);
  const [, year, month, day, hour, minute, second, fraction = ''] = parts!;
  const seconds = epochSecondsOf(parts!);
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0')}Z`;
  return {
    iso,
    epochMillis: seconds * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3)),
    epochMicros: BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6)),
    fraction,
    precision: fraction.length,
  };
}

// Whole seconds since the epoch of a valid timestamp. A leap second (:60) counts as the first second
// of the next minute, as POSIX time has it. setUTCFullYear, unlike Date.UTC, keeps years 0 to 99 as written.
function epochSeconds(valid: string): number {
  return epochSecondsOf(STIX_TIMESTAMP.exec(valid)!);
}

function epochSecondsOf(parts: RegExpExecArray): number {
  const [year, month, day, hour, minute, second] = [Number(parts[1]), Number(parts[2]), Number(parts[3]), Number(parts[4]), Number(parts[5]), Number(parts[6])];
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() / 1000;
}

function isRealDateTime(parts: RegExpExecArray): boolean {
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(parts[1]), month) && Number(parts[4]) <= 23 && Number(parts[5]) <= 59 && Number(parts[6]) <= 60;
}

/** True for timestamps written with at least milliseconds, as `created` and `modified` must be. */
export function hasMillisecondPrecision(value: string): boolean {
  const match = STIX_TIMESTAMP.exec(value);
  return match !== null && (match[7]?.length ?? 0) >= 3;
}

/** The form Sanad emits: `YYYY-MM-DDTHH:mm:ss.sssZ`, or whole seconds when `millis` is false. */
export function formatStixTimestamp(date: Date, millis = true): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new Invalid('timestamp', 'is not a valid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new Invalid('timestamp', 'must fall in the years 0000 to 9999, which RFC 3339 can write');
  // toISOString writes exactly YYYY-MM-DDTHH:mm:ss.sssZ for these years.
  const iso = date.toISOString();
  return millis ? iso : `${iso.slice(0, 19)}Z`;
}

/**
 * Orders two STIX timestamps, exactly at any precision: negative when `a` is earlier, 0 when they
 * name the same instant ('…27Z' and '…27.000Z' do), positive when `a` is later.
 */
export function compareStixTimestamps(a: string, b: string): number {
  // Same shape and no leap second: the text orders as the instants do.
  if (a.length === b.length && STIX_TIMESTAMP.test(a) && STIX_TIMESTAMP.test(b) && !a.includes(':60') && !b.includes(':60')) return a < b ? -1 : a > b ? 1 : 0;
  const left = parseStixTimestamp(a, 'a');
  const right = parseStixTimestamp(b, 'b');
  const seconds = epochSeconds(a) - epochSeconds(b);
  if (seconds !== 0) return Math.sign(seconds);
  // Within one second, fractions padded to one length compare as digit strings.
  const width = Math.max(left.fraction.length, right.fraction.length);
  const l = left.fraction.padEnd(width, '0');
  const r = right.fraction.padEnd(width, '0');
  return l < r ? -1 : l > r ? 1 : 0;
}

// ------------------------------------------------------------------ diagnosis

/** Why `text` is not a STIX timestamp, naming the part at fault; undefined when it is one. */
function problemWith(text: string): string | undefined {
  const parts = TIMESTAMP_LIKE.exec(text);
  if (parts === null) return `must be an RFC 3339 UTC timestamp like ${EXAMPLE}`;
  const [, year = '', month = '', day = '', separator = '', hour = '', minute = '', second = '', fraction, zone = ''] = parts;
  if (year.length !== 4) return `year must have 4 digits, found ${quote(year)}`;
  const monthProblem = twoDigits('month', month, 1, 12);
  if (monthProblem) return monthProblem;
  const dayProblem = twoDigits('day', day, 1, 31);
  if (dayProblem) return dayProblem;
  if (Number(day) > daysInMonth(Number(year), Number(month))) return `day ${day} does not exist in ${year}-${month}`;
  if (separator !== 'T') {
    return separator === 't'
      ? 'date and time must be separated by an upper-case T'
      : `date and time must be separated by T, found ${quote(separator)}`;
  }
  const timeProblem = twoDigits('hour', hour, 0, 23) ?? twoDigits('minute', minute, 0, 59) ?? twoDigits('second', second, 0, 60);
  if (timeProblem) return timeProblem;
  if (fraction === '') return 'a decimal point must be followed by at least one digit';
  if (zone === 'Z') return undefined;
  if (zone === 'z') return 'must end with an upper-case Z';
  if (zone === '') return 'must end with Z: STIX timestamps are in UTC';
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) return `must be in UTC and end with Z, not carry the offset ${quote(zone)}`;
  return `must end with Z after the seconds, found ${quote(zone)}`;
}

function twoDigits(name: string, digits: string, min: number, max: number): string | undefined {
  const value = Number(digits);
  if (digits.length === 2 && value >= min && value <= max) return undefined;
  const range = `${String(min).padStart(2, '0')} to ${String(max).padStart(2, '0')}`;
  if (digits.length !== 2) return `${name} must have 2 digits, ${range}, found ${quote(digits)}`;
  return `${name} must be ${range}, found ${quote(digits)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
