// Timestamps are ISO-8601 UTC with milliseconds: they sort and compare as text on both engines.
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

export function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}
