// Streamed export of every indicator the viewer may see: batches read by keyset and written as they
// come, so memory stays flat however many there are.
import type { AppContext } from '../../app.ts';
import { authorize } from '../../policy/authorize.ts';
import { mayReadIntel } from '../../policy/intel.ts';
import type { Actor } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import * as q from './queries.ts';

export const EXPORT_FORMATS = ['csv', 'text', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const CSV_COLUMNS = ['uuid', 'event_uuid', 'category', 'type', 'value', 'comment', 'to_ids', 'modified', 'tlp', 'pap', 'warning'];

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

type Row = Awaited<ReturnType<typeof q.exportBatch>>[number];

function render(format: ExportFormat, row: Row, first: boolean): string {
  switch (format) {
    case 'text':
      return `${row.value}\n`;
    case 'csv':
      return `${[row.id, row.event_id, row.category, row.type, row.value, row.comment, row.to_ids === 1 ? '1' : '0', row.modified, String(row.tlp), row.pap, row.warning ?? ''].map(csvCell).join(',')}\n`;
    case 'json':
      return `${first ? '' : ',\n'}${JSON.stringify({ id: row.id, eventId: row.event_id, category: row.category, type: row.type, value: row.value, comment: row.comment, toIds: row.to_ids === 1, modified: row.modified, tlp: row.tlp, pap: row.pap, warning: row.warning })}`;
  }
}

export interface ExportOptions extends q.ExportFilter {
  format: ExportFormat;
  batchSize?: number;
  onProgress?: (rows: number) => void;
}

/** Checks and audits the export, then hands back its text, chunk by chunk (one per batch). */
export async function openExport(ctx: AppContext, actor: Actor, options: ExportOptions): Promise<AsyncGenerator<string>> {
  const viewer = actor.viewer;
  authorize(viewer, mayReadIntel(viewer), 'sign in to read shared intelligence');
  await ctx.store.db.transaction().execute((tx) =>
    appendAudit(tx, ctx.store.engine, actor, { action: 'indicator.export', details: { format: options.format, type: options.type ?? null, eventId: options.eventId ?? null } }),
  );
  return exportChunks(ctx, actor, options);
}

async function* exportChunks(ctx: AppContext, actor: Actor, options: ExportOptions): AsyncGenerator<string> {
  const batchSize = options.batchSize ?? 5000;
  if (options.format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
  if (options.format === 'json') yield '[\n';
  let afterId: string | null = null;
  let rows = 0;
  for (;;) {
    const batch = await q.exportBatch(ctx.store.db, actor.viewer, options, afterId, batchSize);
    if (batch.length === 0) break;
    let chunk = '';
    for (const row of batch) {
      chunk += render(options.format, row, rows === 0);
      rows += 1;
    }
    yield chunk;
    afterId = batch[batch.length - 1]!.id;
    options.onProgress?.(rows);
    if (batch.length < batchSize) break;
  }
  if (options.format === 'json') yield '\n]\n';
}
