// How CSAF tooling finds this node's advisories (CSAF 2.0 §7): the provider metadata at
// /.well-known/csaf/provider-metadata.json, and one ROLIE feed per TLP label, each listing only the
// advisories the caller may see and linking each entry's CSAF document.
import type { AppContext } from '../../app.ts';
import { Unauthorized } from '../../domain/errors.ts';
import type { Tlp } from '../../domain/handling.ts';
import { CSAF_TLP_LABELS, type CsafTlpLabel } from '../../domain/csaf/tlp.ts';
import { csafFileName } from '../../domain/csaf/tracking.ts';
import type { Viewer } from '../../policy/viewer.ts';
import { operatorOrganisationId, readNodeInfo } from '../node/service.ts';
import * as q from './queries.ts';
import { publisherOf } from './service.ts';

const CSAF_SCHEMA = 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json';
/** Entries per feed; a feed is a listing for tools, not an archive. */
export const FEED_LIMIT = 1000;

/** The Sanad TLP levels each CSAF label's feed lists: AMBER+STRICT is listed as RED (its documents are raised to RED). */
const LEVELS_OF_LABEL: Readonly<Record<CsafTlpLabel, Tlp[]>> = {
  WHITE: ['CLEAR'],
  GREEN: ['GREEN'],
  AMBER: ['AMBER'],
  RED: ['RED', 'AMBER+STRICT'],
};

const feedUrl = (baseUrl: string, label: CsafTlpLabel) => `${baseUrl}/api/v1/advisories/feed/${label.toLowerCase()}.json`;

/** `white.json` (or `clear.json`), `green.json`, `amber.json`, `red.json`. */
export function labelOfFeedFile(file: string): CsafTlpLabel {
  const name = file.replace(/\.json$/, '').toUpperCase();
  return name === 'CLEAR' ? 'WHITE' : (name as CsafTlpLabel);
}

export async function advisoryFeed(ctx: AppContext, viewer: Viewer, label: CsafTlpLabel, baseUrl: string) {
  // The anonymous read the WHITE feed, and only when the operator has opened TLP:CLEAR to them.
  if (viewer.kind === 'anonymous' && !(viewer.mayReadClear && label === 'WHITE')) throw new Unauthorized();
  const node = await readNodeInfo(ctx);
  const rows = await q.feedAdvisories(ctx.store.db, viewer, LEVELS_OF_LABEL[label], FEED_LIMIT);
  // Imported documents may carry offsets (+01:00): compared as instants, not as text.
  const newest = Math.max(...rows.map((r) => Date.parse(r.current_release_date ?? r.modified)));
  const updated = Number.isFinite(newest) ? new Date(newest).toISOString() : (node?.createdAt ?? new Date().toISOString());
  return {
    feed: {
      id: `${(node?.name ?? 'sanad').toLowerCase().replace(/[^a-z0-9]+/g, '-')}-csaf-feed-tlp-${label.toLowerCase()}`,
      title: `${node?.name ?? 'Sanad'} CSAF advisories (TLP:${label})`,
      link: [{ rel: 'self', href: feedUrl(baseUrl, label) }],
      category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
      updated,
      entry: rows.map((row) => {
        const href = `${baseUrl}/api/v1/advisories/${row.id}/csaf${row.tlp === 'AMBER+STRICT' ? '?raise=red' : ''}`;
        return {
          id: row.tracking_id ?? row.id,
          title: row.title,
          link: [{ rel: 'self', href }],
          published: row.initial_release_date ?? row.created_at,
          updated: row.current_release_date ?? row.modified,
          summary: { content: `${row.title} (${row.category}, ${row.owner_name})` },
          content: { type: 'application/json', src: href, ...(row.tracking_id ? { name: csafFileName(row.tracking_id) } : {}) },
          format: { schema: CSAF_SCHEMA, version: '2.0' },
        };
      }),
    },
  };
}

/** The provider metadata (CSAF 2.0 §7.1.20): the node's operators as publisher, one ROLIE feed per label. */
export async function providerMetadata(ctx: AppContext, baseUrl: string) {
  const node = await readNodeInfo(ctx);
  const operatorId = await operatorOrganisationId(ctx);
  const operator = operatorId ? await q.organisationForPublisher(ctx.store.db, operatorId) : undefined;
  const nodeName = node?.name ?? 'Sanad';
  const publisher = publisherOf(operator ? { name: operator.name, shortName: operator.short_name, contacts: operator.contacts } : { name: nodeName, shortName: nodeName, contacts: '{}' }, nodeName);
  // Public aggregators may list and mirror only what anyone may read.
  const open = ctx.config.anonymousClearAccess;
  return {
    canonical_url: `${baseUrl}/.well-known/csaf/provider-metadata.json`,
    distributions: [
      {
        rolie: {
          feeds: CSAF_TLP_LABELS.map((label) => ({ summary: `Advisories labelled TLP:${label}`, tlp_label: label, url: feedUrl(baseUrl, label) })),
        },
      },
    ],
    last_updated: node?.createdAt || new Date().toISOString(),
    list_on_CSAF_aggregators: open,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: open,
    publisher,
    role: 'csaf_provider',
  };
}
