// Opaque cursors for keyset paging: the client hands back what it was given, nothing more.
import { Invalid } from './errors.ts';

export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new Invalid('cursor', 'not a cursor this server issued');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Given up to `limit + 1` rows, the page of `limit` and a cursor after its last row when more follow. */
export function pageOf<Row>(rows: Row[], limit: number, cursorValues: (last: Row) => (string | number)[]): { rows: Row[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return { rows: pageRows, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorValues(last)) : null };
}

/** Every item of a paged listing, page after page (for the CLI; the API hands out pages). */
export async function collectPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
