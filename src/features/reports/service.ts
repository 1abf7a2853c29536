// The public report form: anyone, without an account, reports an incident to the consortium. The
// node's operators own the report and triage it; it is routed like any incident, and every team
// routing names is asked to act on its part at once. The reporter gets a reference and a secret to
// follow its status with; nothing of any other report is ever shown.
import crypto from 'node:crypto';
import type { AppContext } from '../../app.ts';
import { Invalid } from '../../domain/errors.ts';
import { systemViewer } from '../../policy/viewer.ts';
import { createIncident, prepareObservables, reportByTrackingToken, requestCoordination } from '../incidents/service.ts';
import { operatorOrganisationId } from '../node/service.ts';
import { notifyAddress } from '../notifications/outbox.ts';
import type { PublicReportInput } from './schemas.ts';

export interface ReportReceipt {
  reference: string;
  trackingToken: string;
  status: string;
  routedTo: string[];
}

export async function submitPublicReport(ctx: AppContext, input: PublicReportInput, sourceIp: string | null): Promise<ReportReceipt> {
  // A field people never see: only robots fill it in.
  if (input.website) throw new Invalid('website', 'must be left empty');
  const actor = { viewer: systemViewer('public report form'), sourceIp };
  const observables = input.observables ?? [];
  const prepared = await prepareObservables(ctx, observables, 'observables', input.country ?? null);
  const teams = [...new Set(prepared.flatMap((o) => o.routedTeams))];
  const ownerOrgId = await operatorOrganisationId(ctx);
  if (!ownerOrgId) throw new Error('this node has no operator organisation to take reports');
  const trackingToken = crypto.randomBytes(24).toString('base64url');
  const incident = await createIncident(
    ctx,
    actor,
    {
      title: input.title,
      description: input.description ?? '',
      classification: input.classification ?? 'other',
      rsitType: input.rsitType ?? (input.classification ? null : 'undetermined'),
      severity: 'medium',
      tlp: 'AMBER',
      pap: 'AMBER',
      ...(input.country ? { country: input.country } : {}),
      observables,
    },
    { ownerOrgId, publicReport: { name: input.name.trim(), email: input.email, trackingToken }, preparedObservables: prepared },
  );
  const asked = teams.filter((orgId) => orgId !== ownerOrgId);
  const routed = asked.length ? await requestCoordination(ctx, actor, incident.id, { orgIds: asked, action: 'act', message: 'Routing named your team as responsible for part of this public report.' }) : incident;
  await ctx.store.db.transaction().execute((tx) =>
    notifyAddress(tx, {
      topic: 'report.received',
      incidentId: incident.id,
      to: input.email,
      subject: `[${incident.reference}] your report was received`,
      body: `Thank you for your report "${input.title.trim()}".\n\nIts reference is ${incident.reference}. It was passed to the responsible national team, who may contact you at this address.\n`,
    }),
  );
  return { reference: incident.reference, trackingToken, status: incident.status, routedTo: routed.coordination.length ? routed.coordination.map((c) => c.orgName) : [routed.owner.name] };
}

/** What a reporter may learn of their own report: its reference, status and dates. */
export async function reportStatus(ctx: AppContext, trackingToken: string) {
  const row = await reportByTrackingToken(ctx, trackingToken);
  return { reference: row.reference, status: row.status, receivedAt: row.opened_at, updatedAt: row.modified };
}
