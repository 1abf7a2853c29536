// The statuses an incident and a per-team coordination request move through, kept as tables so
// the UI can offer exactly the next steps the domain will accept.
import { Invalid } from '../errors.ts';

/** Most to least urgent. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Step<Status extends string> {
  to: Status;
  /** The step must say why: the other party and the audit trail are owed an explanation. */
  reasonRequired?: true;
}

export type Lifecycle<Status extends string> = Readonly<Record<Status, readonly Step<Status>[]>>;

// ------------------------------------------------------------------ incidents

export const INCIDENT_STATUSES = ['new', 'triaged', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

// A report can be rejected (not an incident, out of constituency, duplicate) as soon as triage
// shows it, not only once work has started. Resolved still awaits the reporter's confirmation;
// closed is final until reopened.
export const INCIDENT_LIFECYCLE: Lifecycle<IncidentStatus> = {
  new: [{ to: 'triaged' }, { to: 'rejected', reasonRequired: true }],
  triaged: [{ to: 'in_progress' }, { to: 'rejected', reasonRequired: true }],
  in_progress: [{ to: 'resolved' }, { to: 'closed' }, { to: 'rejected', reasonRequired: true }],
  resolved: [{ to: 'closed' }, { to: 'in_progress', reasonRequired: true }],
  closed: [{ to: 'in_progress', reasonRequired: true }],
  rejected: [{ to: 'in_progress', reasonRequired: true }],
};

export function nextStatuses(status: IncidentStatus): readonly Step<IncidentStatus>[] {
  return INCIDENT_LIFECYCLE[status];
}

/** The status an incident moves to; throws when the step is not allowed or lacks its reason. */
export function transition(from: IncidentStatus, to: IncidentStatus, options: { reason?: string } = {}): IncidentStatus {
  return take(INCIDENT_LIFECYCLE, from, to, options.reason);
}

// ----------------------------------------------------- coordination requests

export const COORDINATION_STATUSES = ['requested', 'info_requested', 'accepted', 'declined', 'completed'] as const;
export type CoordinationStatus = (typeof COORDINATION_STATUSES)[number];

// One request per team asked to act. A team may ask for more information before deciding; the
// requester's answer puts the request back before the team, which may also decide at once.
export const COORDINATION_LIFECYCLE: Lifecycle<CoordinationStatus> = {
  requested: [{ to: 'accepted' }, { to: 'declined', reasonRequired: true }, { to: 'info_requested' }],
  info_requested: [{ to: 'requested' }, { to: 'accepted' }, { to: 'declined', reasonRequired: true }],
  accepted: [{ to: 'completed' }],
  declined: [],
  completed: [],
};

export function nextCoordinationStatuses(status: CoordinationStatus): readonly Step<CoordinationStatus>[] {
  return COORDINATION_LIFECYCLE[status];
}

/** The status a coordination request moves to; throws when the step is not allowed or lacks its reason. */
export function coordinationTransition(
  from: CoordinationStatus,
  to: CoordinationStatus,
  options: { reason?: string } = {},
): CoordinationStatus {
  return take(COORDINATION_LIFECYCLE, from, to, options.reason);
}

// ---------------------------------------------------------------------------

function take<Status extends string>(lifecycle: Lifecycle<Status>, from: Status, to: Status, reason: string | undefined): Status {
  const step = lifecycle[from].find((s) => s.to === to);
  if (step === undefined) throw new Invalid('status', `cannot go from ${from} to ${to}`);
  if (step.reasonRequired && (reason === undefined || reason.trim() === '')) {
    throw new Invalid('reason', `is required to go from ${from} to ${to}`);
  }
  return to;
}
