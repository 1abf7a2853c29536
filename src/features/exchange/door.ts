// One door for every format: a document is recognised by its content (a STIX 2.1 bundle or objects,
// MISP event JSON, a CSAF 2.0 document, or Sanad's own event) and handed, bytes replayed from the
// start, to that format's streaming import. Only the first bytes are looked at to decide.
import type { AppContext } from '../../app.ts';
import { Invalid } from '../../domain/errors.ts';
import type { Distribution, Tlp } from '../../domain/handling.ts';
import type { Actor } from '../../policy/viewer.ts';
import { importCsaf } from '../advisories/service.ts';
import { importEvent } from '../intel/import.ts';
import { importMisp } from './misp/service.ts';
import { importStix } from './stix/import.ts';

export const DOCUMENT_FORMATS = ['stix', 'misp', 'csaf', 'sanad'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

// Enough to see the top-level keys of any of the four formats, whatever their order.
const SNIFF_BYTES = 64 * 1024;
const CSAF_MAX_BYTES = 8 * 1024 * 1024;

/** The property names at the top of a JSON text (of its first element when it is an array), as far
 *  as the text goes: strings, escapes and nesting are followed, nothing is parsed. */
export function topLevelKeys(text: string): { array: boolean; keys: string[] } | undefined {
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  const array = text[start] === '[';
  if (!array && text[start] !== '{') return undefined;
  const keyDepth = array ? 2 : 1;
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) break;
      if (depth === keyDepth && expectKey) {
        keys.push(JSON.parse(text.slice(i, end + 1)) as string);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth += 1;
      expectKey = c === '{' && depth === keyDepth;
      // Inside an array only its first element speaks for the document.
      if (array && depth === keyDepth && keys.length > 0) break;
    } else if (c === '}' || c === ']') {
      depth -= 1;
      if (array && depth === 1 && keys.length > 0) break;
      if (depth === 0) break;
    } else if (c === ',' && depth === keyDepth) {
      expectKey = true;
    }
  }
  return { array, keys };
}

/** Which format a document is in, from its first bytes; undefined when none of the four. */
export function recogniseFormat(prefix: string): DocumentFormat | undefined {
  const top = topLevelKeys(prefix);
  if (!top) return undefined;
  const has = (...names: string[]) => names.some((name) => top.keys.includes(name));
  if (has('Event', 'response', 'Attribute', 'Orgc', 'threat_level_id')) return 'misp';
  if (!top.array && has('document') && /"csaf_version"\s*:/.test(prefix)) return 'csaf';
  if (has('spec_version') || (has('objects') && has('type', 'id')) || /^\s*\{\s*"type"\s*:\s*"bundle"/.test(prefix)) return 'stix';
  if (top.array && has('type') && has('id')) return 'stix';
  if (!top.array && has('info') && has('indicators', 'objects', 'tlp', 'distribution')) return 'sanad';
  if (!top.array && has('type') && has('id') && /"id"\s*:\s*"[a-z0-9-]+--/.test(prefix)) return 'stix';
  return undefined;
}

export interface DoorOptions {
  /** The owning team when the operator's CLI imports. */
  ownerOrgId?: string | undefined;
  tlp?: Tlp | undefined;
  distribution?: Distribution | undefined;
  sharingGroupId?: string | undefined;
  /** Refuse anything but this format. */
  format?: DocumentFormat | undefined;
  onProgress?: ((progress: { bytes: number; items: number }) => void) | undefined;
  /** Called once the format is known, before anything is imported. */
  onFormat?: ((format: DocumentFormat) => void) | undefined;
}

/** What the progress of each format's import counts. */
export const PROGRESS_UNITS: Readonly<Record<DocumentFormat, string>> = { sanad: 'indicators', stix: 'objects', misp: 'events', csaf: 'advisories' };

export interface DoorResult {
  format: DocumentFormat;
  /** The imported records, as the format's import counts them. */
  summary: Record<string, number | string | null>;
  /** Events or advisories written. */
  ids: string[];
  /** What the document calls itself, when it is one record (an event's info, an advisory's title). */
  title?: string | undefined;
  warnings: string[];
}

async function* replay(first: (Uint8Array | string)[], rest: AsyncIterator<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  yield* first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** Imports a document of any of the four formats, recognised by its content. */
export async function importDocument(ctx: AppContext, actor: Actor, source: AsyncIterable<Uint8Array | string>, options: DoorOptions = {}): Promise<DoorResult> {
  const iterator = source[Symbol.asyncIterator]();
  const head: (Uint8Array | string)[] = [];
  let prefix = '';
  while (prefix.length < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    prefix += typeof next.value === 'string' ? next.value : Buffer.from(next.value).toString('utf8');
  }
  if (prefix.trim() === '') throw new Invalid('body', 'is empty');
  const format = recogniseFormat(prefix);
  if (!format) throw new Invalid('body', 'is not a STIX 2.1 bundle or object, MISP event JSON (an event, a list or a response), a CSAF 2.0 document, or a Sanad event');
  if (options.format && options.format !== format) throw new Invalid('body', `is ${format}, not ${options.format}`);
  options.onFormat?.(format);
  const document = replay(head, iterator);
  const handling = { tlp: options.tlp, distribution: options.distribution, sharingGroupId: options.sharingGroupId };
  switch (format) {
    case 'stix': {
      const result = await importStix(ctx, actor, document, {
        ownerOrgId: options.ownerOrgId,
        ...handling,
        onProgress: (p) => options.onProgress?.({ bytes: p.bytes, items: p.objects }),
      });
      return { format, summary: { objects: result.objects, skipped: result.skipped, indicators: result.indicators }, ids: result.eventId ? [result.eventId] : [], warnings: result.warnings };
    }
    case 'misp': {
      if (options.distribution === 'sharing_group') throw new Invalid('distribution', 'MISP events name their sharing groups themselves');
      const result = await importMisp(ctx, actor, document, {
        ownerOrgId: options.ownerOrgId,
        defaultTlp: options.tlp,
        defaultDistribution: options.distribution,
        onProgress: (p) => options.onProgress?.({ bytes: p.bytes, items: p.events }),
      });
      return {
        format,
        summary: { events: result.events, created: result.created, updated: result.updated, skipped: result.skipped, attributes: result.attributes, objects: result.objects, sightings: result.sightings },
        ids: result.items.flatMap((item) => (item.id ? [item.id] : [])),
        warnings: result.items.flatMap((item) => (item.reason ? [`${item.uuid ?? item.index}: ${item.reason}`] : [])),
      };
    }
    case 'csaf': {
      let text = '';
      for await (const chunk of document) {
        text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (text.length > CSAF_MAX_BYTES) throw new Invalid('body', `a CSAF document larger than ${CSAF_MAX_BYTES} bytes`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new Invalid('body', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const result = await importCsaf(ctx, actor, parsed, { ownerOrgId: options.ownerOrgId, ...handling });
      return { format, summary: { advisories: 1, version: result.version, trackingId: result.advisory.trackingId ?? null }, ids: [result.advisory.id], title: result.advisory.title, warnings: [] };
    }
    case 'sanad': {
      const event = await importEvent(ctx, actor, document, {
        ownerOrgId: options.ownerOrgId,
        onProgress: (p) => options.onProgress?.({ bytes: p.bytes, items: p.indicators }),
      });
      return { format, summary: { events: 1, indicators: event.indicatorCount }, ids: [event.id], title: event.info, warnings: [] };
    }
  }
}
