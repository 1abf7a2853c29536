// API throughput with no login cost: /healthz, and an authenticated GET with an API key,
// against a real server on loopback, loaded by autocannon from the same machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { closeApp, openApp } from '../src/app.ts';
import { buildServer } from '../src/server.ts';
import { initNode } from '../src/features/node/service.ts';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { createOrganisation } from '../src/features/organisations/service.ts';
import { findUserByEmail } from '../src/features/users/service.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import type { Benchmark, Figure } from './run.ts';

// Measured on this kind of machine (2 cores) for a small JSON GET, 20 connections:
// ../shared/docs/reference/stack-measurements.md.
const FASTIFY_SMALL_JSON = { name: 'bare Fastify small-JSON GET', value: 22_600, higherIsBetter: true };

async function load(url: string, durationSeconds: number, headers: Record<string, string> = {}): Promise<autocannon.Result> {
  return autocannon({ url, connections: 20, duration: durationSeconds, headers });
}

export const httpThroughput: Benchmark = {
  name: 'http-throughput',
  async run({ durationSeconds, progress }) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanad-bench-'));
    const ctx = await openApp(loadConfig({ dataDir, logLevel: 'silent' }, {}));
    const app = await buildServer(ctx, { logger: false });
    try {
      const operator = { viewer: systemViewer('bench'), sourceIp: null };
      await initNode(ctx, { nodeName: 'Bench', country: 'MY', adminEmail: 'admin@bench.example', adminPassword: 'bench password 123' });
      for (let i = 0; i < 50; i++) {
        await createOrganisation(ctx, operator, { name: `Team ${i}`, shortName: `T${i}`, country: 'MY', tier: 'full', constituency: { ipPrefixes: [`10.${i}.0.0/16`] } }, { homeNode: 'Bench' });
      }
      const admin = await findUserByEmail(ctx, 'admin@bench.example');
      const { key } = await createApiKey(ctx, operator, admin.id, { name: 'bench' });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

      progress(`GET /healthz for ${durationSeconds}s (${ctx.store.engine})`);
      const health = await load(`${base}/healthz`, durationSeconds);
      progress(`GET /api/v1/organisations?limit=20 with an API key for ${durationSeconds}s`);
      const orgs = await load(`${base}/api/v1/organisations?limit=20`, durationSeconds, { authorization: `Bearer ${key}` });
      for (const result of [health, orgs]) {
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
      }
      const figures: Figure[] = [
        { name: `GET /healthz (${ctx.store.engine})`, value: health.requests.average, unit: 'req/s', baseline: FASTIFY_SMALL_JSON },
        { name: `GET /api/v1/organisations, API key (${ctx.store.engine})`, value: orgs.requests.average, unit: 'req/s', baseline: FASTIFY_SMALL_JSON },
        { name: '  p99 latency of the authenticated GET', value: orgs.latency.p99, unit: 'ms', baseline: { name: 'a 100 ms interactive budget', value: 100, higherIsBetter: false } },
      ];
      return figures;
    } finally {
      await app.close();
      await closeApp(ctx);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
