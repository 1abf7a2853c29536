// Who is asking. Every read and write is decided from a Viewer and nothing else.
import type { Role } from '../domain/roles.ts';

export interface UserViewer {
  kind: 'user';
  userId: string;
  orgId: string;
  email: string;
  /** For an API key: the lower of the key's role and its user's current role. */
  role: Role;
  via: 'session' | 'apikey';
  apiKeyId?: string;
  /** A session whose user still holds a password someone else chose: it may only change it. */
  passwordChangeRequired?: boolean;
}

export interface AnonymousViewer {
  kind: 'anonymous';
  /** The operator lets anyone read published TLP:CLEAR intelligence. */
  mayReadClear?: boolean;
}

/** Another Sanad node, authenticated by its key, asking for what may cross to it. */
export interface PeerViewer {
  kind: 'peer';
  /** The peer's node name: organisations whose home node it is are its organisations. */
  node: string;
}

/** The node acting on its own behalf: the CLI run by the operator, start-up tasks. */
export interface SystemViewer {
  kind: 'system';
  label: string;
}

export type Viewer = UserViewer | AnonymousViewer | SystemViewer | PeerViewer;

export const ANONYMOUS: AnonymousViewer = { kind: 'anonymous' };

export function systemViewer(label: string): SystemViewer {
  return { kind: 'system', label };
}

/** A viewer and where the request came from: what every use-case receives, and what the audit log records. */
export interface Actor {
  viewer: Viewer;
  sourceIp: string | null;
}

/** True for a user (or key) holding one of `roles`. Not a type guard on purpose: a false answer
 *  says nothing about the viewer's kind. */
export function hasRole(viewer: Viewer, ...roles: Role[]): boolean {
  return viewer.kind === 'user' && roles.includes(viewer.role);
}

export function actorLabel(viewer: Viewer): string {
  switch (viewer.kind) {
    case 'user':
      return viewer.via === 'apikey' ? `${viewer.email} (api key ${viewer.apiKeyId ?? '?'})` : viewer.email;
    case 'system':
      return `system:${viewer.label}`;
    case 'anonymous':
      return 'anonymous';
    case 'peer':
      return `peer:${viewer.node}`;
  }
}
