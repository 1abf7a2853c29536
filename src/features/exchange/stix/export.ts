// An event as a STIX 2.1 bundle, streamed: the owner's identity, the markings in use, every object
// held as received (newest version, byte for byte), and Sanad's own indicators as STIX indicators
// with the cyber observables they stand for and the teams' sightings of them. Only what the viewer
// may see, through the policy.
import type { AppContext } from '../../../app.ts';
import { randomUUID } from 'node:crypto';
import type { Pap, Tlp } from '../../../domain/handling.ts';
import type { IndicatorType } from '../../../domain/indicators/types.ts';
import { papMarkingId, papMarkingObject, SANAD_STIX_NAMESPACE, tlpMarkingId, tlpMarkingObject } from '../../../domain/stix/markings.ts';
import { uuidV5 } from '../../../domain/stix/identifiers.ts';
import { derivedRelationship, observableFor, organisationIdentity, stixIdOf, stixIndicatorFor } from '../../../domain/stix/sanad-mapping.ts';
import type { Actor } from '../../../policy/viewer.ts';
import { appendAudit } from '../../audit/service.ts';
import { getEvent } from '../../intel/service.ts';
import { tagsByIndicator } from '../../intel/queries.ts';
import * as q from './queries.ts';

const BATCH = 2000;

export interface StixExportCounts {
  objects: number;
  /** Sanad indicators of types STIX patterns cannot express (free text, comments…). */
  notExpressible: number;
}

/** Checks that the viewer may read the event and audits the export, then hands back the bundle's
 *  text chunk by chunk. */
export async function openStixExport(ctx: AppContext, actor: Actor, eventId: string, counts: StixExportCounts = { objects: 0, notExpressible: 0 }): Promise<AsyncGenerator<string>> {
  const event = await getEvent(ctx, actor.viewer, eventId);
  await ctx.store.db.transaction().execute((tx) => appendAudit(tx, ctx.store.engine, actor, { action: 'event.export', objectType: 'event', objectId: event.id, details: { format: 'stix' } }));
  return bundleChunks(ctx, actor, event, counts);
}

async function* bundleChunks(ctx: AppContext, actor: Actor, event: Awaited<ReturnType<typeof getEvent>>, counts: StixExportCounts): AsyncGenerator<string> {
  const db = ctx.store.db;
  const viewer = actor.viewer;
  const owner = await q.organisationForIdentity(db, event.ownerOrgId);
  const identity = organisationIdentity({ id: owner.id, name: owner.name, country: owner.country, createdAt: owner.created_at, modified: owner.modified_at });
  const createdBy = identity.id as string;
  const emitted = new Set<string>();
  let first = true;
  const write = (object: object | string, id: string): string => {
    emitted.add(id);
    counts.objects += 1;
    const text = typeof object === 'string' ? object : JSON.stringify(object);
    const chunk = `${first ? '' : ',\n'}${text}`;
    first = false;
    return chunk;
  };

  yield `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[\n`;
  let chunk = write(identity, createdBy);
  const eventTlp = event.tlp as Tlp;
  const eventMarkings = [tlpMarkingId(eventTlp), papMarkingId(event.pap as Pap)];
  const markingsWritten = new Set<string>();
  const marking = (tlp: Tlp) => {
    const id = tlpMarkingId(tlp);
    if (markingsWritten.has(id)) return '';
    markingsWritten.add(id);
    return write(tlpMarkingObject(tlp), id);
  };
  chunk += marking(eventTlp);
  chunk += write(papMarkingObject(event.pap as Pap), papMarkingId(event.pap as Pap));
  yield chunk;

  // Objects held as received: their own text, unchanged.
  let hasReport = false;
  let after: { type: string; id: string } | null = null;
  for (;;) {
    const batch = await q.visibleObjectsOfEvent(db, viewer, event.id, after, BATCH);
    if (batch.length === 0) break;
    chunk = '';
    for (const row of batch) {
      if (emitted.has(row.id)) continue;
      if (row.type === 'report' || row.type === 'grouping') hasReport = true;
      chunk += write(row.object, row.id);
    }
    yield chunk;
    const last = batch[batch.length - 1]!;
    after = { type: last.type, id: last.id };
    if (batch.length < BATCH) break;
  }

  // Sanad's own indicators: an indicator, the observable it stands for, and the link between them.
  let afterId: string | null = null;
  for (;;) {
    const batch = await q.visibleOwnIndicatorsOfEvent(db, viewer, event.id, afterId, BATCH);
    if (batch.length === 0) break;
    const [tags, sightings] = await Promise.all([tagsByIndicator(db, batch.map((r) => r.id)), q.sightingsByTeam(db, batch.map((r) => r.id))]);
    chunk = '';
    for (const row of batch) {
      const tlp = (row.tlp ?? eventTlp) as Tlp;
      chunk += marking(tlp);
      const markings = [tlpMarkingId(tlp), eventMarkings[1]!];
      const indicator = stixIndicatorFor(q.sanadIndicatorOf(row, tags), { createdBy, markings });
      if (!indicator) {
        counts.notExpressible += 1;
        continue;
      }
      chunk += write(indicator, indicator.id as string);
      const observable = observableFor(row.type as IndicatorType, row.value);
      if (observable) {
        if (!emitted.has(observable.id as string)) chunk += write(observable, observable.id as string);
        const link = derivedRelationship('based-on', indicator.id as string, observable.id as string, row.created_at, createdBy, markings);
        chunk += write(link, link.id as string);
      }
      // Each team's sightings of the indicator, as one sighting object naming the team.
      for (const seen of sightings.filter((x) => x.indicator_id === row.id)) {
        const team = organisationIdentity({ id: seen.org_id, name: seen.name, country: seen.country, createdAt: seen.org_created_at, modified: seen.org_modified_at });
        if (!emitted.has(team.id as string)) chunk += write(team, team.id as string);
        const sighting = {
          type: 'sighting',
          spec_version: '2.1',
          id: `sighting--${uuidV5(SANAD_STIX_NAMESPACE, `sighting ${row.id} ${seen.org_id}`)}`,
          created_by_ref: team.id,
          created: seen.first_reported,
          modified: seen.last_reported,
          first_seen: seen.first_seen,
          last_seen: seen.last_seen,
          count: Number(seen.n),
          sighting_of_ref: indicator.id,
          where_sighted_refs: [team.id],
          object_marking_refs: markings,
        };
        chunk += write(sighting, sighting.id);
      }
    }
    yield chunk;
    afterId = batch[batch.length - 1]!.id;
    if (batch.length < BATCH) break;
  }

  // An event that did not arrive as a report is described by one, naming everything above.
  if (!hasReport) {
    const report = {
      type: 'report',
      spec_version: '2.1',
      id: stixIdOf('report', 'event', event.id),
      created_by_ref: createdBy,
      created: event.createdAt,
      modified: event.modified,
      name: event.info,
      report_types: ['threat-report'],
      published: event.publishedAt ?? event.createdAt,
      object_refs: [...emitted],
      ...(event.tags.length ? { labels: event.tags } : {}),
      object_marking_refs: eventMarkings,
    };
    yield write(report, report.id);
  }
  yield '\n]}\n';
}
