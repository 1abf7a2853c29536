// The CSAF 2.0 JSON document of an advisory (OASIS CSAF 2.0, §3), built from Sanad's terms by one
// pure function; and the handling label an export writes into a stored document.
import { PRODUCT_STATUSES, PRODUCT_STATUS_NAMES, type Acknowledgment, type AdvisoryDraft, type AdvisoryNote, type ReleaseStatus, type VendorProducts, type Vulnerability } from './advisory.ts';
import { cvss31, type CsafCvssV3 } from './cvss.ts';
import { TLP_URL, type CsafTlpLabel } from './tlp.ts';
import type { RevisionEntry } from './tracking.ts';

export interface CsafPublisher {
  category: 'coordinator' | 'discoverer' | 'other' | 'translator' | 'user' | 'vendor';
  name: string;
  namespace: string;
  contact_details?: string;
}

export interface CsafNote {
  category: string;
  text: string;
  title?: string;
}

export interface CsafBranch {
  category: string;
  name: string;
  branches?: CsafBranch[];
  product?: { name: string; product_id: string; product_identification_helper?: Record<string, unknown> };
}

export interface CsafVulnerability {
  cve?: string;
  cwe?: { id: string; name: string };
  ids?: { system_name: string; text: string }[];
  title?: string;
  discovery_date?: string;
  release_date?: string;
  notes?: CsafNote[];
  product_status?: Record<string, string[]>;
  scores?: { cvss_v3?: CsafCvssV3 | Record<string, unknown>; cvss_v2?: Record<string, unknown>; products: string[] }[];
  remediations?: { category: string; details: string; product_ids?: string[]; group_ids?: string[]; url?: string; date?: string }[];
  threats?: { category: string; details: string; product_ids?: string[]; group_ids?: string[] }[];
  flags?: { label: string; product_ids?: string[]; group_ids?: string[] }[];
  acknowledgments?: Record<string, unknown>[];
  [more: string]: unknown;
}

export interface CsafDocument {
  document: {
    category: string;
    csaf_version: '2.0';
    title: string;
    lang?: string;
    publisher: CsafPublisher;
    distribution?: { text?: string; tlp?: { label: CsafTlpLabel; url?: string } };
    notes?: CsafNote[];
    references?: { category?: string; summary: string; url: string }[];
    acknowledgments?: Record<string, unknown>[];
    tracking: {
      id: string;
      status: 'draft' | ReleaseStatus;
      version: string;
      initial_release_date: string;
      current_release_date: string;
      revision_history: RevisionEntry[];
      generator?: { date?: string; engine: { name: string; version?: string } };
      [more: string]: unknown;
    };
    [more: string]: unknown;
  };
  product_tree?: { branches?: CsafBranch[]; [more: string]: unknown };
  vulnerabilities?: CsafVulnerability[];
  [more: string]: unknown;
}

export interface CsafBuild {
  draft: AdvisoryDraft;
  publisher: CsafPublisher;
  tracking: {
    id: string;
    status: 'draft' | ReleaseStatus;
    version: string;
    initialReleaseDate: string;
    currentReleaseDate: string;
    revisionHistory: RevisionEntry[];
  };
  label: CsafTlpLabel;
  distributionText?: string | undefined;
  generator: { name: string; version: string; date: string };
}

/** CSAF arrays hold at least one item: an empty list is left out. */
function some<T>(items: T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? items : undefined;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const note = (n: AdvisoryNote): CsafNote => compact({ category: n.category, text: n.text, title: n.title });

const acknowledgment = (a: Acknowledgment): Record<string, unknown> =>
  compact({ names: some(a.names), organization: a.organization, summary: a.summary, urls: some(a.urls) });

function productBranches(tree: VendorProducts[]): CsafBranch[] {
  return tree.map((vendor) => ({
    category: 'vendor',
    name: vendor.vendor,
    branches: vendor.products.map((product) => ({
      category: 'product_name',
      name: product.name,
      branches: product.versions.map((v) => {
        const helper = compact({ cpe: v.cpe, purl: v.purl });
        return {
          category: 'product_version',
          name: v.version,
          product: compact({
            name: `${vendor.vendor} ${product.name} ${v.version}`,
            product_id: v.productId,
            product_identification_helper: Object.keys(helper).length ? helper : undefined,
          }),
        };
      }),
    })),
  }));
}

function vulnerability(v: Vulnerability, index: number): CsafVulnerability {
  const status: Record<string, string[]> = {};
  for (const name of PRODUCT_STATUS_NAMES) {
    const ids = v.productStatus?.[name];
    if (ids?.length) status[PRODUCT_STATUSES[name]] = ids;
  }
  return compact({
    cve: v.cve,
    cwe: v.cwe,
    ids: some(v.ids?.map((id) => ({ system_name: id.systemName, text: id.text }))),
    title: v.title,
    discovery_date: v.discoveryDate,
    release_date: v.releaseDate,
    notes: some(v.notes?.map(note)),
    product_status: Object.keys(status).length ? status : undefined,
    scores: some(v.scores?.map((s, i) => ({ cvss_v3: cvss31(s.vector, s.baseScore, `vulnerabilities[${index}].scores[${i}]`), products: s.products }))),
    remediations: some(v.remediations?.map((r) => compact({ category: r.category, details: r.details, product_ids: r.productIds, url: r.url, date: r.date }))),
    threats: some(v.threats?.map((t) => compact({ category: t.category, details: t.details, product_ids: some(t.productIds) }))),
    flags: some(v.flags?.map((f) => ({ label: f.label, product_ids: f.productIds }))),
    acknowledgments: some(v.acknowledgments?.map(acknowledgment)),
  });
}

/** The CSAF 2.0 document of an advisory: Sanad's content, the publisher, tracking and handling label. */
export function toCsafDocument(build: CsafBuild): CsafDocument {
  const { draft, tracking } = build;
  return compact({
    document: compact({
      category: draft.category,
      csaf_version: '2.0' as const,
      distribution: compact({ text: build.distributionText, tlp: { label: build.label, url: TLP_URL } }),
      lang: draft.lang,
      notes: some(draft.notes.map(note)),
      publisher: build.publisher,
      references: some(draft.references.map((r) => compact({ category: r.category, summary: r.summary, url: r.url }))),
      acknowledgments: some(draft.acknowledgments.map(acknowledgment)),
      title: draft.title,
      tracking: {
        current_release_date: tracking.currentReleaseDate,
        generator: { date: build.generator.date, engine: { name: build.generator.name, version: build.generator.version } },
        id: tracking.id,
        initial_release_date: tracking.initialReleaseDate,
        revision_history: tracking.revisionHistory,
        status: tracking.status,
        version: tracking.version,
      },
    }),
    product_tree: draft.productTree.length ? { branches: productBranches(draft.productTree) } : undefined,
    vulnerabilities: some(draft.vulnerabilities.map(vulnerability)),
  });
}

/** A stored document with the label of the advisory's handling now: the document itself is never
 *  changed, and everything else in it (the label's URL, the distribution text) is kept. */
export function withDistributionLabel(document: CsafDocument, label: CsafTlpLabel, addedText?: string): CsafDocument {
  const current = document.document.distribution;
  if (current?.tlp?.label === label && !addedText) return document;
  const text = addedText ? (current?.text ? `${current.text}\n${addedText}` : addedText) : current?.text;
  return {
    ...document,
    document: {
      ...document.document,
      distribution: compact({ ...current, text, tlp: { ...current?.tlp, label, url: current?.tlp?.url ?? TLP_URL } }),
    },
  };
}
