import { Forbidden, Unauthorized } from '../domain/errors.ts';
import type { UserViewer, Viewer } from './viewer.ts';

/** Throws unless the viewer is a logged-in user or key (401, so clients know to authenticate). */
export function requireUser(viewer: Viewer): asserts viewer is UserViewer {
  if (viewer.kind !== 'user') throw new Unauthorized();
}

/** Turns a policy's yes/no into the one error the edge maps to 403 (401 for the anonymous). */
export function authorize(viewer: Viewer, allowed: boolean, reason: string): void {
  if (allowed) return;
  if (viewer.kind === 'anonymous') throw new Unauthorized();
  throw new Forbidden(reason);
}

/** Refuses the anonymous (401); users, the operator and peers go on to the visibility predicates. */
export function requireIdentified(viewer: Viewer): void {
  if (viewer.kind === 'anonymous') throw new Unauthorized();
}
