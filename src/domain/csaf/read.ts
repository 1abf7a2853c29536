// A CSAF 2.0 document (already validated) read into Sanad's terms, for lists, search and display. The
// document itself stays the record: what Sanad does not model is kept there, untouched.
import { PRODUCT_STATUSES, PRODUCT_STATUS_NAMES, type Acknowledgment, type AdvisoryContent, type AdvisoryNote, type ProductVersion, type VendorProducts, type Vulnerability } from './advisory.ts';
import type { CsafBranch, CsafDocument, CsafNote } from './document.ts';
import { isCsafTlpLabel, type CsafTlpLabel } from './tlp.ts';

export interface CsafSummary {
  title: string;
  category: string;
  lang: string;
  trackingId: string;
  trackingVersion: string;
  status: string;
  initialReleaseDate: string;
  currentReleaseDate: string;
  /** The newest revision's summary. */
  revisionSummary: string;
  label: CsafTlpLabel | undefined;
  publisher: { name: string; namespace: string };
  content: AdvisoryContent;
}

const notes = (items: CsafNote[] | undefined): AdvisoryNote[] =>
  (items ?? []).map((n) => ({ category: n.category as AdvisoryNote['category'], text: n.text, ...(n.title ? { title: n.title } : {}) }));

function acknowledgments(items: Record<string, unknown>[] | undefined): Acknowledgment[] {
  return (items ?? []).map((a) => ({
    ...(Array.isArray(a.names) ? { names: a.names as string[] } : {}),
    ...(typeof a.organization === 'string' ? { organization: a.organization } : {}),
    ...(typeof a.summary === 'string' ? { summary: a.summary } : {}),
    ...(Array.isArray(a.urls) ? { urls: a.urls as string[] } : {}),
  }));
}

/** Every product of the branches, as vendor / product / version; a product outside that shape is
 *  listed under the nearest names found above it. */
function products(branches: CsafBranch[] | undefined): VendorProducts[] {
  const vendors = new Map<string, Map<string, ProductVersion[]>>();
  const walk = (items: CsafBranch[], vendor: string, productName: string | undefined) => {
    for (const branch of items) {
      const nextVendor = branch.category === 'vendor' ? branch.name : vendor;
      const nextProduct = branch.category === 'product_name' ? branch.name : productName;
      if (branch.product) {
        const name = nextProduct ?? branch.product.name;
        const byProduct = vendors.get(nextVendor) ?? new Map<string, ProductVersion[]>();
        vendors.set(nextVendor, byProduct);
        const versions = byProduct.get(name) ?? [];
        byProduct.set(name, versions);
        const helper = branch.product.product_identification_helper ?? {};
        versions.push({
          version: branch.category === 'product_version' ? branch.name : '',
          productId: branch.product.product_id,
          ...(typeof helper.cpe === 'string' ? { cpe: helper.cpe } : {}),
          ...(typeof helper.purl === 'string' ? { purl: helper.purl } : {}),
        });
      }
      if (branch.branches) walk(branch.branches, nextVendor, nextProduct);
    }
  };
  walk(branches ?? [], '', undefined);
  return [...vendors].map(([vendor, byProduct]) => ({ vendor, products: [...byProduct].map(([name, versions]) => ({ name, versions })) }));
}

// A validated document holds only CSAF's enumerated values in these fields.
type Remediation = NonNullable<Vulnerability['remediations']>[number];
type Threat = NonNullable<Vulnerability['threats']>[number];
type Flag = NonNullable<Vulnerability['flags']>[number];

function vulnerability(v: NonNullable<CsafDocument['vulnerabilities']>[number]): Vulnerability {
  const status: Vulnerability['productStatus'] = {};
  for (const name of PRODUCT_STATUS_NAMES) {
    const ids = v.product_status?.[PRODUCT_STATUSES[name]];
    if (ids?.length) status[name] = ids;
  }
  const scores = (v.scores ?? []).flatMap((s) => {
    const cvss = s.cvss_v3 as { vectorString?: unknown; baseScore?: unknown } | undefined;
    return typeof cvss?.vectorString === 'string' && typeof cvss.baseScore === 'number' ? [{ vector: cvss.vectorString, baseScore: cvss.baseScore, products: s.products }] : [];
  });
  return {
    ...(v.cve ? { cve: v.cve } : {}),
    ...(v.title ? { title: v.title } : {}),
    ...(v.cwe ? { cwe: v.cwe } : {}),
    ...(v.ids ? { ids: v.ids.map((id) => ({ systemName: id.system_name, text: id.text })) } : {}),
    ...(v.discovery_date ? { discoveryDate: v.discovery_date } : {}),
    ...(v.release_date ? { releaseDate: v.release_date } : {}),
    notes: notes(v.notes),
    productStatus: status,
    scores,
    remediations: (v.remediations ?? []).map((r) => ({
      category: r.category as Remediation['category'],
      details: r.details,
      productIds: r.product_ids ?? [],
      ...(r.url ? { url: r.url } : {}),
      ...(r.date ? { date: r.date } : {}),
    })),
    threats: (v.threats ?? []).map((t) => ({ category: t.category as Threat['category'], details: t.details, ...(t.product_ids ? { productIds: t.product_ids } : {}) })),
    flags: (v.flags ?? []).map((f) => ({ label: f.label as Flag['label'], productIds: f.product_ids ?? [] })),
    acknowledgments: acknowledgments(v.acknowledgments),
  };
}

export function readCsafDocument(doc: CsafDocument): CsafSummary {
  const d = doc.document;
  const history = [...d.tracking.revision_history].sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const label = d.distribution?.tlp?.label;
  return {
    title: d.title,
    category: d.category,
    lang: d.lang ?? '',
    trackingId: d.tracking.id,
    trackingVersion: d.tracking.version,
    status: d.tracking.status,
    initialReleaseDate: d.tracking.initial_release_date,
    currentReleaseDate: d.tracking.current_release_date,
    revisionSummary: history.at(-1)?.summary ?? '',
    label: isCsafTlpLabel(label) ? label : undefined,
    publisher: { name: d.publisher.name, namespace: d.publisher.namespace },
    content: {
      notes: notes(d.notes),
      references: (d.references ?? []).map((r) => ({ summary: r.summary, url: r.url, ...(r.category ? { category: r.category as 'external' | 'self' } : {}) })),
      acknowledgments: acknowledgments(d.acknowledgments),
      productTree: products(doc.product_tree?.branches),
      vulnerabilities: (doc.vulnerabilities ?? []).map(vulnerability),
    },
  };
}
