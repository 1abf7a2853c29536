import { Type, type Static } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { PAP_LEVELS, TLP_LEVELS } from '../../domain/handling.ts';
import { COORDINATION_STATUSES, INCIDENT_STATUSES, SEVERITIES } from '../../domain/incidents/lifecycle.ts';
import { ROUTING_SOURCES } from '../../domain/routing/route.ts';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (maxLength: number) => Type.String({ maxLength });

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export const COORDINATION_ACTIONS = ['assist', 'act', 'inform'] as const;
export const MAX_OBSERVABLES_PER_REQUEST = 1000;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export const ObservableInput = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 8192 }),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    comment: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type ObservableInput = Static<typeof ObservableInput>;

export const ImpactInput = Type.Object(
  {
    affectedSystems: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000 }))),
    affectedPeople: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000_000_000 }))),
    lossAmount: Type.Optional(Nullable(Type.String({ pattern: '^\\d{1,15}(\\.\\d{1,2})?$', description: 'decimal, such as 125000.50' }))),
    lossCurrency: Type.Optional(Nullable(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }))),
  },
  { additionalProperties: false },
);
export type ImpactInput = Static<typeof ImpactInput>;

export const ReporterInput = Type.Object(
  {
    kind: Type.Enum(['team', 'outside'] as const),
    orgId: Type.Optional(Uuid),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  },
  { additionalProperties: false },
);

const incidentFields = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Text(20_000),
  classification: Type.String({ minLength: 1, maxLength: 64, description: 'RSIT class (machine value or alias)' }),
  rsitType: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
  severity: Type.Enum(SEVERITIES),
  tlp: Type.Enum(TLP_LEVELS),
  pap: Type.Enum(PAP_LEVELS),
  country: Nullable(Type.String({ minLength: 2, maxLength: 64 })),
  assigneeUserId: Nullable(Uuid),
  impact: ImpactInput,
};

export const CreateIncidentBody = Type.Object(
  {
    title: incidentFields.title,
    description: Type.Optional(incidentFields.description),
    classification: incidentFields.classification,
    rsitType: Type.Optional(incidentFields.rsitType),
    severity: incidentFields.severity,
    tlp: incidentFields.tlp,
    pap: Type.Optional(incidentFields.pap),
    country: Type.Optional(incidentFields.country),
    assigneeUserId: Type.Optional(incidentFields.assigneeUserId),
    reporter: Type.Optional(ReporterInput),
    impact: Type.Optional(incidentFields.impact),
    observables: Type.Optional(Type.Array(ObservableInput, { maxItems: MAX_OBSERVABLES_PER_REQUEST })),
    eventIds: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
    openedAt: Type.Optional(Type.String({ format: 'date-time', description: 'when the incident was reported, if earlier than now' })),
  },
  { additionalProperties: false },
);
export type CreateIncidentInput = Static<typeof CreateIncidentBody>;

export const UpdateIncidentBody = Type.Object(
  {
    title: Type.Optional(incidentFields.title),
    description: Type.Optional(incidentFields.description),
    classification: Type.Optional(incidentFields.classification),
    rsitType: Type.Optional(incidentFields.rsitType),
    severity: Type.Optional(incidentFields.severity),
    tlp: Type.Optional(incidentFields.tlp),
    pap: Type.Optional(incidentFields.pap),
    country: Type.Optional(incidentFields.country),
    assigneeUserId: Type.Optional(incidentFields.assigneeUserId),
    impact: Type.Optional(incidentFields.impact),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIncidentInput = Static<typeof UpdateIncidentBody>;

export const StatusBody = Type.Object(
  { status: Type.Enum(INCIDENT_STATUSES), reason: Type.Optional(Type.String({ maxLength: 4000 })) },
  { additionalProperties: false },
);

export const CommentBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 20_000 }), internal: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const ReceivedEmailBody = Type.Object(
  {
    from: Type.String({ minLength: 3, maxLength: 320 }),
    subject: Type.String({ maxLength: 1000 }),
    body: Type.String({ maxLength: 200_000 }),
    receivedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const CoordinationBody = Type.Object(
  {
    orgIds: Type.Array(Uuid, { minItems: 1, maxItems: 50 }),
    action: Type.Optional(Type.Enum(COORDINATION_ACTIONS)),
    message: Type.Optional(Text(20_000)),
  },
  { additionalProperties: false },
);

export const CoordinationAnswerBody = Type.Object(
  {
    status: Type.Enum(COORDINATION_STATUSES),
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    note: Type.Optional(Text(20_000)),
  },
  { additionalProperties: false },
);

export const TaskBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 500 }),
    assigneeUserId: Type.Optional(Nullable(Uuid)),
    dueAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { additionalProperties: false },
);

export const UpdateTaskBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    assigneeUserId: Type.Optional(Nullable(Uuid)),
    dueAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    status: Type.Optional(Type.Enum(TASK_STATUSES)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListIncidentsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(Type.Enum(INCIDENT_STATUSES)),
    severity: Type.Optional(Type.Enum(SEVERITIES)),
    classification: Type.Optional(Type.String({ maxLength: 64 })),
    org: Type.Optional(Uuid),
    country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
    assignee: Type.Optional(Uuid),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ListIncidentsQuery = Static<typeof ListIncidentsQuery>;

const SlaTimerSchema = Type.Object({ dueAt: Timestamp, escalateAt: Timestamp, metAt: NullableTimestamp, state: Type.Enum(['met', 'breached', 'running', 'overdue'] as const) });

const TeamRef = Type.Object({ orgId: Type.String(), name: Type.String(), country: Nullable(Type.String()) });

export const CoordinationSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  orgName: Type.String(),
  country: Nullable(Type.String()),
  status: Type.Enum(COORDINATION_STATUSES),
  action: Type.String(),
  message: Type.String(),
  reason: Nullable(Type.String()),
  note: Type.String(),
  nextStatuses: Type.Array(Type.String()),
  createdAt: Timestamp,
  modified: Timestamp,
  respondedAt: NullableTimestamp,
  completedAt: NullableTimestamp,
});

export const TaskSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  title: Type.String(),
  assignee: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  dueAt: NullableTimestamp,
  status: Type.Enum(TASK_STATUSES),
  overdue: Type.Boolean(),
  createdAt: Timestamp,
  modified: Timestamp,
  doneAt: NullableTimestamp,
});

export const IncidentSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  title: Type.String(),
  description: Type.String(),
  classification: Type.String(),
  rsitType: Nullable(Type.String()),
  rsitTag: Type.String(),
  severity: Type.Enum(SEVERITIES),
  tlp: Type.Enum(TLP_LEVELS),
  pap: Type.Enum(PAP_LEVELS),
  status: Type.Enum(INCIDENT_STATUSES),
  nextStatuses: Type.Array(Type.Object({ to: Type.String(), reasonRequired: Type.Boolean() })),
  owner: TeamRef,
  assignee: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  reporter: Type.Object({ kind: Type.String(), orgId: Nullable(Type.String()), name: Type.String(), email: Nullable(Type.String()) }),
  impact: Type.Object({
    affectedSystems: Nullable(Type.Integer()),
    affectedPeople: Nullable(Type.Integer()),
    lossAmount: Nullable(Type.String()),
    lossCurrency: Nullable(Type.String()),
  }),
  country: Nullable(Type.String()),
  openedAt: Timestamp,
  acknowledgedAt: NullableTimestamp,
  firstResponseAt: NullableTimestamp,
  resolvedAt: NullableTimestamp,
  closedAt: NullableTimestamp,
  modified: Timestamp,
  sla: Type.Object({ acknowledge: SlaTimerSchema, firstResponse: SlaTimerSchema, resolve: SlaTimerSchema, needsEscalation: Type.Boolean() }),
  observableCount: Type.Integer(),
  events: Type.Array(Type.Object({ id: Type.String(), info: Type.String() })),
  coordination: Type.Array(CoordinationSchema),
  tasks: Type.Array(TaskSchema),
  mine: Type.Boolean({ description: "the caller's team owns the incident" }),
});
export type Incident = Static<typeof IncidentSchema>;

export const IncidentSummarySchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  title: Type.String(),
  classification: Type.String(),
  rsitType: Nullable(Type.String()),
  severity: Type.Enum(SEVERITIES),
  tlp: Type.Enum(TLP_LEVELS),
  status: Type.Enum(INCIDENT_STATUSES),
  owner: TeamRef,
  country: Nullable(Type.String()),
  openedAt: Timestamp,
  modified: Timestamp,
  overdue: Type.Boolean(),
});
export type IncidentSummary = Static<typeof IncidentSummarySchema>;

export const ObservableSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  value: Type.String(),
  normalised: Type.String(),
  comment: Type.String(),
  routing: Type.Object({
    teams: Type.Array(Type.Object({ orgId: Type.String(), name: Type.String(), country: Nullable(Type.String()), source: Type.Enum(ROUTING_SOURCES), detail: Type.String() })),
    decidedBy: Nullable(Type.Enum(ROUTING_SOURCES)),
    countries: Type.Array(Type.String()),
    conflicts: Type.Boolean(),
    reason: Type.Optional(Type.String()),
  }),
  intel: Type.Object({
    matches: Type.Integer({ description: 'indicators the caller may see with the same value' }),
    events: Type.Array(Type.Object({ id: Type.String(), info: Type.String(), orgName: Type.String() })),
  }),
  createdAt: Timestamp,
});
export type Observable = Static<typeof ObservableSchema>;

export const EntrySchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  orgId: Nullable(Type.String()),
  author: Type.String(),
  body: Type.String(),
  details: Type.Unknown(),
  internal: Type.Boolean(),
  createdAt: Timestamp,
});

export const AttachmentSchema = Type.Object({
  id: Type.String(),
  filename: Type.String(),
  mediaType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  uploadedBy: Type.String(),
  createdAt: Timestamp,
});
