// Runs the real `sanad` program (node bin/sanad.js …) on a test store, as an operator would.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import assert from 'node:assert/strict';
import type { Config } from '../../src/config.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SPAWN_TIMEOUT_MS = 120_000;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run on `config`'s store: nothing inherited may point it elsewhere. */
export function cliEnv(config: Config | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'SANAD_PG_SCHEMA', 'SANAD_DATA_DIR', 'SANAD_ADMIN_PASSWORD', 'SANAD_ADMIN_EMAIL', 'SANAD_NODE_NAME', 'SANAD_COUNTRY', 'HOST', 'PORT', 'NODE_TEST_CONTEXT']) {
    delete env[name];
  }
  if (config?.databaseUrl) {
    env.DATABASE_URL = config.databaseUrl;
    env.SANAD_PG_SCHEMA = config.pgSchema;
  }
  return { ...env, ...extra };
}

export function spawnSanad(args: string[], env: NodeJS.ProcessEnv): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ['bin/sanad.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: SPAWN_TIMEOUT_MS });
}

/** Runs `sanad --data-dir <dir> …args` on the store (no standard input: a prompt would fail the test). */
export function sanad(config: Config | undefined, ...args: string[]): Promise<Run> {
  return sanadWithEnv(config, {}, ...args);
}

/** `sanad` with more environment variables set. */
export function sanadWithEnv(config: Config | undefined, extra: Record<string, string>, ...args: string[]): Promise<Run> {
  const child = spawnSanad(config ? ['--data-dir', config.dataDir, ...args] : args, cliEnv(config, extra));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function assertExit(run: Run, code: number): void {
  assert.equal(run.code, code, `exit ${String(run.code)}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

export const lines = (text: string) => text.trimEnd().split('\n');
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `printTable` output back into rows (columns are separated by two or more spaces). */
export function parseTable(text: string): Record<string, string>[] {
  const [header, ...rows] = lines(text);
  const columns = header!.split(/ {2,}/);
  return rows.map((row) => {
    const cells = row.split(/ {2,}/);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}
