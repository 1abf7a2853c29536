// Who may see and change security advisories. A draft stays with its owner team; a published
// advisory reaches others by the same handling rules as an event (distribution ∩ TLP, a team in good
// standing, tombstones hidden). `modelAdvisoryVisible` in reference-model.ts states the same rules,
// and test/advisory-policy-properties.test.ts keeps the two equal.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { reaches } from './intel.ts';
import type { Database } from '../store/schema.ts';
import type { Viewer } from './viewer.ts';

const WRITERS = ['analyst', 'org-admin', 'secretariat', 'admin'];

/** Advisories the viewer may see: the handling rules of every shared record (intel.ts), over the
 *  advisory's own columns. */
export function advisoriesVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'advisory'>): Expression<SqlBool> =>
    reaches(eb as unknown as ExpressionBuilder<Database, never>, viewer, {
      owner: eb.ref('advisory.owner_org_id'),
      published: eb.ref('advisory.published'),
      deleted: eb.ref('advisory.deleted'),
      distribution: eb.ref('advisory.distribution'),
      sharingGroup: eb.ref('advisory.sharing_group_id'),
      tlp: eb.ref('advisory.tlp'),
    });
}

/** Everyone may ask for advisories (the predicate decides what they get), except the anonymous
 *  when the operator has not opened TLP:CLEAR to them. */
export function mayReadAdvisories(viewer: Viewer): boolean {
  return viewer.kind !== 'anonymous' || Boolean(viewer.mayReadClear);
}

/** Analysts and above write advisories, always as their own team; the operator's CLI for any team. */
export function mayWriteAdvisories(viewer: Viewer): boolean {
  return viewer.kind === 'system' || (viewer.kind === 'user' && WRITERS.includes(viewer.role));
}

/** Only the owner team's analysts and above edit, publish or withdraw an advisory. */
export function mayManageAdvisory(viewer: Viewer, ownerOrgId: string): boolean {
  if (viewer.kind === 'system') return true;
  return viewer.kind === 'user' && WRITERS.includes(viewer.role) && viewer.orgId === ownerOrgId;
}

/** The owner team (any of its accounts) sees the working copy; others see only what was published. */
export function seesWorkingCopy(viewer: Viewer, ownerOrgId: string): boolean {
  return viewer.kind === 'system' || (viewer.kind === 'user' && viewer.orgId === ownerOrgId);
}
