// Incident reference numbers, `MY-2026-00042`: the node's prefix, the year, and the node's running
// number for that year. The prefix keeps references from different nodes apart once shared.
import { Invalid } from '../errors.ts';

export interface IncidentReference {
  /** An ISO 3166-1 country code (`MY`) or a node's short prefix (`OICCERT`): 2 to 8 upper-case letters. */
  prefix: string;
  year: number;
  sequence: number;
}

const PREFIX = /^[A-Z]{2,8}$/;
/** Padded to five digits so references sort as text; longer once a node passes 99999 in a year. */
const SEQUENCE_DIGITS = 5;
// Only what formatReference writes: a sequence longer than the padding never starts with 0.
const REFERENCE = /^([A-Z]{2,8})-([1-9]\d{3})-((?!00000)\d{5}|[1-9]\d{5,})$/;

export function formatReference(countryOrPrefix: string, year: number, sequence: number): string {
  if (!PREFIX.test(countryOrPrefix)) throw new Invalid('prefix', 'must be 2 to 8 upper-case letters, such as MY');
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Invalid('year', 'must be a four-digit year');
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new Invalid('sequence', 'must be a positive integer');
  return `${countryOrPrefix}-${year}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** Reads a reference as people type it: surrounding spaces and lower case are accepted. */
export function parseReference(text: string, field = 'reference'): IncidentReference {
  const match = typeof text === 'string' ? REFERENCE.exec(text.trim().toUpperCase()) : null;
  const [, prefix, year, sequence] = match ?? [];
  if (prefix === undefined || year === undefined || sequence === undefined || !Number.isSafeInteger(Number(sequence))) {
    throw new Invalid(field, 'must be a reference such as MY-2026-00042');
  }
  return { prefix, year: Number(year), sequence: Number(sequence) };
}
