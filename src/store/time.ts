// Timestamps are ISO-8601 UTC with milliseconds: they sort and compare as text on both engines.
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

export function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}

/** A record's next version: now, or one millisecond after the previous version when the clock has
 *  not moved past it, so that versions of one record strictly increase. */
export function nextVersion(previous?: string | null, now: Date = new Date()): string {
  if (!previous) return now.toISOString();
  const after = Date.parse(previous) + 1;
  return new Date(Math.max(now.getTime(), after)).toISOString();
}
