// Who may write shared intelligence. What a viewer may read is decided by intel.ts.
import type { Viewer } from './viewer.ts';

const WRITERS = ['analyst', 'org-admin', 'secretariat', 'admin'];

/** Analysts and above publish intelligence, always as their own team. */
export function mayWriteIntel(viewer: Viewer): boolean {
  return viewer.kind === 'system' || (viewer.kind === 'user' && WRITERS.includes(viewer.role));
}

/** Only the owner team edits, publishes or deletes its events (others report sightings). */
export function mayEditEvent(viewer: Viewer, ownerOrgId: string): boolean {
  if (viewer.kind === 'system') return true;
  return viewer.kind === 'user' && WRITERS.includes(viewer.role) && viewer.orgId === ownerOrgId;
}

/** A copy received from a peer changes only when its origin sends a newer version: nobody here edits it. */
export function isEditableHere(event: { via_node?: string | null | undefined }): boolean {
  return !event.via_node;
}

/** Any analyst who can see an indicator may report having seen it. */
export function mayReportSighting(viewer: Viewer): boolean {
  return viewer.kind === 'user' && WRITERS.includes(viewer.role);
}

/** Loading warninglists changes what every team's ingest flags: the node's operators do it. */
export function mayManageWarninglists(viewer: Viewer): boolean {
  return viewer.kind === 'system' || (viewer.kind === 'user' && (viewer.role === 'admin' || viewer.role === 'secretariat'));
}
