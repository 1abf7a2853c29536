// Many incidents at once from a file: JSON (an array of the bodies POST /incidents takes) or CSV
// (one incident per row; observables separated by spaces or semicolons). Every record is checked
// before any is written, so a bad record refuses the whole file and names its place.
import { parse as parseCsv } from 'csv-parse/sync';
import type { AppContext } from '../../app.ts';
import { Invalid } from '../../domain/errors.ts';
import { normaliseClassification } from '../../domain/incidents/classification.ts';
import { compileBodySchema, schemaInvalid } from '../../http/validation.ts';
import type { Actor } from '../../policy/viewer.ts';
import { CreateIncidentBody, type CreateIncidentInput } from './schemas.ts';
import { createIncident, prepareObservables, type PreparedObservable } from './service.ts';
import { normaliseCountry } from '../../domain/country.ts';

export const MAX_IMPORT_RECORDS = 10_000;
const validate = compileBodySchema<CreateIncidentInput>(CreateIncidentBody);

const CSV_COLUMNS = ['title', 'description', 'classification', 'rsit_type', 'severity', 'tlp', 'pap', 'country', 'observables', 'opened_at', 'reporter_name', 'reporter_email'] as const;

/** Reads a CSV export (header row naming any of CSV_COLUMNS) into incident bodies. */
export function incidentsFromCsv(text: string): unknown[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new Invalid('file', `not readable as CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  const unknown = Object.keys(rows[0] ?? {}).find((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown) throw new Invalid(`column ${unknown}`, `unknown column (known: ${CSV_COLUMNS.join(', ')})`);
  return rows.map((row) => {
    const body: Record<string, unknown> = {};
    const put = (key: string, value: string | undefined) => {
      if (value !== undefined && value !== '') body[key] = value;
    };
    put('title', row.title);
    put('description', row.description);
    put('classification', row.classification);
    put('rsitType', row.rsit_type);
    put('severity', row.severity?.toLowerCase());
    put('tlp', row.tlp?.toUpperCase());
    put('pap', row.pap?.toUpperCase());
    put('country', row.country);
    put('openedAt', row.opened_at);
    if (row.observables) body.observables = row.observables.split(/[\s;]+/).filter(Boolean).map((value) => ({ value }));
    if (row.reporter_name) body.reporter = { kind: 'outside', name: row.reporter_name, ...(row.reporter_email ? { email: row.reporter_email } : {}) };
    return body;
  });
}

export function incidentsFromJson(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Invalid('file', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed)) throw new Invalid('file', 'must hold a JSON array of incidents');
  return parsed;
}

/** Checks every record, then opens them in order; `label(i)` names a record in errors (`line 3`, `[2]`). */
export async function importIncidents(
  ctx: AppContext,
  actor: Actor,
  records: unknown[],
  options: { ownerOrgId?: string; label: (index: number) => string; onProgress?: (done: number, total: number) => void },
): Promise<{ references: string[] }> {
  if (records.length === 0) throw new Invalid('file', 'holds no incident');
  if (records.length > MAX_IMPORT_RECORDS) throw new Invalid('file', `at most ${MAX_IMPORT_RECORDS} incidents per import`);
  const inputs: { input: CreateIncidentInput; observables: PreparedObservable[] }[] = [];
  for (const [i, record] of records.entries()) {
    const where = options.label(i);
    try {
      if (!validate(record)) throw schemaInvalid(validate.errors);
      normaliseClassification({ classification: record.classification, type: record.rsitType ?? null });
      const country = record.country ? normaliseCountry(record.country, 'country') : null;
      inputs.push({ input: record, observables: await prepareObservables(ctx, record.observables ?? [], 'observables', country) });
    } catch (error) {
      if (error instanceof Invalid) throw new Invalid(`${where}.${error.field}`, error.reason);
      throw error;
    }
  }
  const references: string[] = [];
  for (const [i, { input, observables }] of inputs.entries()) {
    references.push((await createIncident(ctx, actor, input, { ownerOrgId: options.ownerOrgId, preparedObservables: observables })).reference);
    options.onProgress?.(i + 1, inputs.length);
  }
  // Planner statistics are refreshed only later on their own (autovacuum, background.ts).
  await ctx.store.refreshPlannerStatistics();
  return { references };
}
