// CSAF `document.tracking`: the advisory's id (`MYCERT-2026-0007`: the team's short name, the year,
// the team's running number), integer versions with their revision history, and the file name a
// CSAF provider serves each document under (CSAF 2.0 §5.1).
export interface RevisionEntry {
  date: string;
  number: string;
  summary: string;
}

/** The team's short name in capitals, with every run of other characters turned into one hyphen. */
export function trackingPrefix(shortName: string): string {
  const prefix = shortName.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return prefix || 'ADVISORY';
}

/** Padded to four digits so ids sort as text; longer once a team passes 9999 in a year. */
export function formatTrackingId(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(4, '0')}`;
}

/** `tracking.id` lower-cased, each run of characters outside [+-a-z0-9] replaced by `_`, plus `.json`. */
export function csafFileName(trackingId: string): string {
  return `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;
}
