// API throughput with no login cost: /healthz, and an authenticated GET with an API key,
// against a real server on loopback, loaded by autocannon from the same machine.
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { closeApp, openApp } from '../src/app.ts';
import { buildServer } from '../src/server.ts';
import { initNode } from '../src/features/node/service.ts';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { createOrganisation } from '../src/features/organisations/service.ts';
import { findUserByEmail } from '../src/features/users/service.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import type { Benchmark, Figure } from './run.ts';
import { benchStores, type BenchStore } from './stores.ts';

// Measured on this kind of machine (2 cores) for a small JSON GET, 20 connections:
// ../shared/docs/reference/stack-measurements.md.
const FASTIFY_SMALL_JSON = { name: 'bare Fastify small-JSON GET', value: 22_600, higherIsBetter: true };
const INTERACTIVE_BUDGET = { name: 'a 100 ms interactive budget', value: 100, higherIsBetter: false };

async function load(url: string, durationSeconds: number, headers: Record<string, string> = {}): Promise<autocannon.Result> {
  return autocannon({ url, connections: 20, duration: durationSeconds, headers });
}

async function measure(store: BenchStore, durationSeconds: number, progress: (m: string) => void): Promise<Figure[]> {
  const ctx = await openApp(store.config);
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

    progress(`GET /healthz for ${durationSeconds}s (${store.engine})`);
    const health = await load(`${base}/healthz`, durationSeconds);
    progress(`GET /api/v1/organisations?limit=20 with an API key for ${durationSeconds}s (${store.engine})`);
    const orgs = await load(`${base}/api/v1/organisations?limit=20`, durationSeconds, { authorization: `Bearer ${key}` });
    for (const result of [health, orgs]) {
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
    }
    return [
      { name: `GET /healthz (${store.engine})`, value: health.requests.average, unit: 'req/s', baseline: FASTIFY_SMALL_JSON },
      { name: `GET /api/v1/organisations, API key (${store.engine})`, value: orgs.requests.average, unit: 'req/s', baseline: FASTIFY_SMALL_JSON },
      { name: `  p99 latency of that GET (${store.engine})`, value: orgs.latency.p99, unit: 'ms', baseline: INTERACTIVE_BUDGET },
    ];
  } finally {
    await app.close();
    await closeApp(ctx);
  }
}

export const httpThroughput: Benchmark = {
  name: 'http-throughput',
  async run({ durationSeconds, progress }) {
    const figures: Figure[] = [];
    for (const store of await benchStores()) {
      try {
        figures.push(...(await measure(store, durationSeconds, progress)));
      } finally {
        await store.drop();
      }
    }
    return figures;
  },
};
