// STIX and TAXII at consortium scale: import of an ATT&CK-sized bundle (50,000 objects with x-mitre
// custom properties, relationships and indicators, SANAD_BENCH_SCALE scales it) against the 20,000
// objects/s target and OpenCTI's published ingestion rates (../shared/docs/reference/anchors.md),
// and TAXII pages of 1,000 objects served from a collection of 1,000,000 (scaled) against 50 pages/s.
import type { AppContext } from '../src/app.ts';
import { closeApp, openApp } from '../src/app.ts';
import { initNode } from '../src/features/node/service.ts';
import { importStix } from '../src/features/exchange/stix/import.ts';
import { getObjects } from '../src/features/exchange/taxii/service.ts';
import { taxiiCollectionsFor } from '../src/policy/taxii.ts';
import { systemViewer, type UserViewer } from '../src/policy/viewer.ts';
import { newId } from '../src/store/ids.ts';
import type { Benchmark, Figure } from './run.ts';
import { onEveryStore, type BenchStore } from './stores.ts';

const IMPORT_TARGET = { name: 'target: 20,000 objects/s', value: 20_000, higherIsBetter: true };
// OpenCTI #623: 12k objects (mainly ATT&CK) in about 5 h.
const OPENCTI_ATTACK = { name: 'OpenCTI: 12k ATT&CK objects in ~5 h', value: 12_000 / (5 * 3600), higherIsBetter: true };
const PAGES_TARGET = { name: 'target: 50 pages/s', value: 50, higherIsBetter: true };

const uuid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-${((n >>> 16) & 0xffff).toString(16).padStart(4, '0')}-4${(n & 0xfff).toString(16).padStart(3, '0')}-8${((n >>> 12) & 0xf).toString(16)}00-${n.toString(16).padStart(12, '0')}`;

/** An ATT&CK-like bundle as text chunks: techniques, software, groups, indicators and the relationships between them. */
function* attackLikeBundle(count: number, seed: number): Generator<string> {
  const at = '2026-05-01T00:00:00.000Z';
  const identity = `identity--${uuid(seed, 0)}`;
  yield `{"type":"bundle","id":"bundle--${uuid(seed, 1)}","objects":[`;
  yield JSON.stringify({ type: 'identity', spec_version: '2.1', id: identity, created: at, modified: at, name: 'Bench CTI', identity_class: 'organization' });
  let chunk = '';
  for (let i = 0; i < count - 1; i++) {
    const kind = i % 4;
    let object: Record<string, unknown>;
    if (kind === 0) {
      object = {
        type: 'attack-pattern', spec_version: '2.1', id: `attack-pattern--${uuid(seed + 1, i)}`, created_by_ref: identity, created: at, modified: at,
        name: `Technique ${i}`, description: 'Adversaries may do something to achieve an objective. '.repeat(6),
        kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
        external_references: [{ source_name: 'mitre-attack', external_id: `T${1000 + (i % 9000)}`, url: `https://attack.example/techniques/T${1000 + (i % 9000)}` }],
        x_mitre_platforms: ['Windows', 'Linux'], x_mitre_version: '1.2', x_mitre_domains: ['enterprise-attack'],
      };
    } else if (kind === 1) {
      object = { type: 'malware', spec_version: '2.1', id: `malware--${uuid(seed + 2, i)}`, created_by_ref: identity, created: at, modified: at, name: `Software ${i}`, is_family: true, x_mitre_aliases: [`Software ${i}`] };
    } else if (kind === 2) {
      object = {
        type: 'indicator', spec_version: '2.1', id: `indicator--${uuid(seed + 3, i)}`, created_by_ref: identity, created: at, modified: at, name: `C2 ${i}`,
        pattern: i % 8 === 2 ? `[domain-name:value = 'c2-${seed}-${i}.example']` : `[ipv4-addr:value = '10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}']`, pattern_type: 'stix', valid_from: at,
      };
    } else {
      object = { type: 'relationship', spec_version: '2.1', id: `relationship--${uuid(seed + 4, i)}`, created_by_ref: identity, created: at, modified: at, relationship_type: 'uses', source_ref: `malware--${uuid(seed + 2, i - 2)}`, target_ref: `attack-pattern--${uuid(seed + 1, i - 3)}` };
    }
    chunk += `,${JSON.stringify(object)}`;
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}`;
}

async function measure(store: BenchStore, scale: number, durationSeconds: number, progress: (m: string) => void): Promise<Figure[]> {
  const ctx: AppContext = await openApp(store.config);
  try {
    await initNode(ctx, { nodeName: 'Bench', country: 'MY', adminEmail: 'admin@bench.example', adminPassword: 'bench password 123' });
    const team = newId();
    const now = new Date().toISOString();
    await ctx.store.db.insertInto('organisation').values({ id: team, name: 'Bench team', short_name: 'BT', country: 'MY', tier: 'full', status: 'member', home_node: 'Bench', contacts: '{}', pgp_public_key: null, pgp_fingerprint: null, profile: '', created_at: now, modified_at: now }).execute();
    const operator = { viewer: systemViewer('bench'), sourceIp: null };
    const figures: Figure[] = [];

    const bundleSize = Math.max(2000, Math.round(50_000 * scale));
    progress(`import an ATT&CK-like bundle of ${bundleSize} objects (${store.engine})`);
    let start = process.hrtime.bigint();
    const imported = await importStix(ctx, operator, attackLikeBundle(bundleSize, 1), { ownerOrgId: team, tlp: 'GREEN', distribution: 'community', published: true });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (imported.objects !== bundleSize) throw new Error(`imported ${imported.objects} of ${bundleSize} objects`);
    figures.push({ name: `STIX import, ${bundleSize} objects (${store.engine})`, value: bundleSize / seconds, unit: 'obj/s', baseline: IMPORT_TARGET });
    figures.push({ name: `  STIX import vs OpenCTI (${store.engine})`, value: bundleSize / seconds, unit: 'obj/s', baseline: OPENCTI_ATTACK });

    const collectionSize = Math.max(20_000, Math.round(1_000_000 * scale));
    progress(`fill a collection to ${collectionSize} objects (${store.engine})`);
    let held = imported.objects;
    for (let seed = 2; held < collectionSize; seed++) {
      const size = Math.min(50_000, collectionSize - held);
      await importStix(ctx, operator, attackLikeBundle(size, seed * 16), { ownerOrgId: team, tlp: 'GREEN', distribution: 'community', published: true });
      held += size;
      progress(`  ${held} of ${collectionSize} objects held`);
    }
    await ctx.store.refreshPlannerStatistics();

    progress(`TAXII pages of 1,000 from the community collection (${store.engine})`);
    const reader: UserViewer = { kind: 'user', userId: newId(), orgId: team, email: 'r@bench.example', role: 'reader', via: 'apikey' };
    const community = taxiiCollectionsFor(reader, { name: 'Bench team' }, []).find((c) => c.scope.kind === 'community')!;
    let pages = 0;
    let next: string | undefined;
    start = process.hrtime.bigint();
    const deadline = Date.now() + durationSeconds * 1000;
    while (Date.now() < deadline) {
      const page = await getObjects(ctx, reader, community.id, { limit: 1000, ...(next ? { next } : {}) });
      pages += 1;
      // At the end there is no next: the next page starts over from the first.
      next = /"next":"([^"]+)"/.exec(page.body.slice(0, 400))?.[1];
    }
    const pageSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    figures.push({ name: `TAXII pages of 1,000, ${held} objects held (${store.engine})`, value: pages / pageSeconds, unit: 'pages/s', baseline: PAGES_TARGET });
    return figures;
  } finally {
    await closeApp(ctx);
  }
}

export const exchangeBench: Benchmark = {
  name: 'exchange',
  async run({ durationSeconds, progress }) {
    const scale = Number(process.env.SANAD_BENCH_SCALE ?? '1');
    return onEveryStore((store) => measure(store, scale, durationSeconds, progress));
  },
};
