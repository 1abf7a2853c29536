// What every command shares: the global options, opening the node's store, and printing errors.
import type { Command } from 'commander';
import { closeApp, openApp, type AppContext } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { DomainError, Invalid } from '../domain/errors.ts';
import { systemViewer, type Actor } from '../policy/viewer.ts';

export interface GlobalOptions {
  dataDir?: string;
}

export function configFrom(command: Command, overrides: Partial<Config> = {}): Config {
  const { dataDir } = command.optsWithGlobals<GlobalOptions>();
  return loadConfig({ dataDir, ...overrides });
}

export async function withApp<T>(command: Command, run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openApp(configFrom(command));
  try {
    return await run(ctx);
  } finally {
    await closeApp(ctx);
  }
}

export function operator(command: string): Actor {
  return { viewer: systemViewer(`cli ${command}`), sourceIp: null };
}

/** Domain errors become one readable line and exit code 2; anything else is a crash (exit 1). */
export function reportError(error: unknown): never {
  if (error instanceof Invalid) {
    console.error(`error: ${error.field}: ${error.reason}`);
    process.exit(2);
  }
  if (error instanceof DomainError) {
    console.error(`error: ${error.message}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? `error: ${error.message}` : error);
  process.exit(1);
}

export function printTable(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const columns = Object.keys(rows[0]!);
  const text = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(columns));
  for (const r of text) console.log(line(r));
}
