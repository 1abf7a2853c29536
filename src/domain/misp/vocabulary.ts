// MISP's numbered vocabularies and Sanad's words for them.

/** threat_level_id 1…4, in order. */
export const THREAT_LEVEL_FROM_MISP = ['high', 'medium', 'low', 'undefined'] as const;

/** analysis 0…2, in order. */
export const ANALYSIS_FROM_MISP = ['initial', 'ongoing', 'complete'] as const;

export type SightingKind = 'sighting' | 'false-positive' | 'expiration';

/** Sighting type 0…2, in order. */
export const SIGHTING_KIND_FROM_MISP: readonly SightingKind[] = ['sighting', 'false-positive', 'expiration'];

export function threatLevelToMisp(level: string): number {
  const index = (THREAT_LEVEL_FROM_MISP as readonly string[]).indexOf(level);
  return index < 0 ? 4 : index + 1;
}

export function analysisToMisp(state: string): number {
  const index = (ANALYSIS_FROM_MISP as readonly string[]).indexOf(state);
  return index < 0 ? 0 : index;
}

export function sightingKindToMisp(kind: string): number {
  const index = (SIGHTING_KIND_FROM_MISP as readonly string[]).indexOf(kind);
  return index < 0 ? 0 : index;
}
