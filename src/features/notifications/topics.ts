// What a team or user can be told about. Preferences and webhooks subscribe by these names.
export const TOPICS = [
  'incident.created',
  'incident.status',
  'incident.escalation',
  'coordination.requested',
  'coordination.answered',
  'report.received',
] as const;
export type Topic = (typeof TOPICS)[number];
