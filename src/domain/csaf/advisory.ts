// A security advisory in Sanad's terms: what a team writes (notes, references, the products by
// vendor / product / version, vulnerabilities with their product status and CVSS v3.1 scores), and the
// rules it must meet: on every save the structure (defined product ids, valid CVE ids, consistent CVSS),
// and on publication the CSAF 2.0 profile of its category (standards.md §5).
import { Invalid } from '../errors.ts';
import { cvss31 } from './cvss.ts';

export const ADVISORY_CATEGORIES = ['csaf_base', 'csaf_security_advisory', 'csaf_vex'] as const;
export type AdvisoryCategory = (typeof ADVISORY_CATEGORIES)[number];

export const NOTE_CATEGORIES = ['description', 'details', 'faq', 'general', 'legal_disclaimer', 'other', 'summary'] as const;
export const REFERENCE_CATEGORIES = ['external', 'self'] as const;
export const REMEDIATION_CATEGORIES = ['mitigation', 'no_fix_planned', 'none_available', 'vendor_fix', 'workaround'] as const;
export const THREAT_CATEGORIES = ['exploit_status', 'impact', 'target_set'] as const;
export const FLAG_LABELS = [
  'component_not_present',
  'inline_mitigations_already_exist',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_not_present',
] as const;

/** Sanad's names of CSAF's product status lists, and the CSAF names they are written as. */
export const PRODUCT_STATUSES = {
  firstAffected: 'first_affected',
  firstFixed: 'first_fixed',
  fixed: 'fixed',
  knownAffected: 'known_affected',
  knownNotAffected: 'known_not_affected',
  lastAffected: 'last_affected',
  recommended: 'recommended',
  underInvestigation: 'under_investigation',
} as const;
export type ProductStatus = keyof typeof PRODUCT_STATUSES;
export const PRODUCT_STATUS_NAMES = Object.keys(PRODUCT_STATUSES) as ProductStatus[];

/** Publication states of CSAF's `tracking.status`; a Sanad draft is CSAF's `draft`. */
export const RELEASE_STATUSES = ['interim', 'final'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export interface AdvisoryNote {
  category: (typeof NOTE_CATEGORIES)[number];
  title?: string | undefined;
  text: string;
}

export interface AdvisoryReference {
  category?: (typeof REFERENCE_CATEGORIES)[number] | undefined;
  summary: string;
  url: string;
}

export interface Acknowledgment {
  names?: string[] | undefined;
  organization?: string | undefined;
  summary?: string | undefined;
  urls?: string[] | undefined;
}

export interface ProductVersion {
  version: string;
  productId: string;
  cpe?: string | undefined;
  purl?: string | undefined;
}

export interface VendorProducts {
  vendor: string;
  products: { name: string; versions: ProductVersion[] }[];
}

export interface VulnerabilityScore {
  /** A CVSS v3.1 vector; the base score is computed from it. */
  vector: string;
  /** When given, must equal the vector's base score. */
  baseScore?: number | undefined;
  products: string[];
}

export interface Vulnerability {
  cve?: string | undefined;
  title?: string | undefined;
  cwe?: { id: string; name: string } | undefined;
  ids?: { systemName: string; text: string }[] | undefined;
  discoveryDate?: string | undefined;
  releaseDate?: string | undefined;
  notes?: AdvisoryNote[] | undefined;
  productStatus?: Partial<Record<ProductStatus, string[]>> | undefined;
  scores?: VulnerabilityScore[] | undefined;
  remediations?: { category: (typeof REMEDIATION_CATEGORIES)[number]; details: string; productIds: string[]; url?: string | undefined; date?: string | undefined }[] | undefined;
  threats?: { category: (typeof THREAT_CATEGORIES)[number]; details: string; productIds?: string[] | undefined }[] | undefined;
  flags?: { label: (typeof FLAG_LABELS)[number]; productIds: string[] }[] | undefined;
  acknowledgments?: Acknowledgment[] | undefined;
}

export interface AdvisoryContent {
  notes: AdvisoryNote[];
  references: AdvisoryReference[];
  acknowledgments: Acknowledgment[];
  productTree: VendorProducts[];
  vulnerabilities: Vulnerability[];
}

/** The owner team's working copy. */
export interface AdvisoryDraft extends AdvisoryContent {
  title: string;
  category: AdvisoryCategory;
  lang: string;
}

export const EMPTY_CONTENT: AdvisoryContent = { notes: [], references: [], acknowledgments: [], productTree: [], vulnerabilities: [] };

const CVE_ID = /^CVE-(\d{4})-(\d{4,})$/;

/** A CVE id as MITRE assigns them: `CVE-YYYY-NNNN…`, from 1999 on. */
export function checkCveId(value: string, field: string): string {
  const id = value.trim().toUpperCase();
  const match = CVE_ID.exec(id);
  if (!match || Number(match[1]) < 1999) throw new Invalid(field, 'must be a CVE id such as CVE-2024-12345');
  return id;
}

// CSAF 6.1.31: a product version names one version; ranges belong in a version-range branch.
const VERSION_RANGE = /[<>]|\b(after|all|before|earlier|later|prior|versions)\b/i;

/** Every product id of the tree, with the field that defines it. */
export function definedProducts(tree: VendorProducts[]): Map<string, string> {
  const defined = new Map<string, string>();
  tree.forEach((vendor, v) =>
    vendor.products.forEach((product, p) =>
      product.versions.forEach((version, n) => {
        const field = `productTree[${v}].products[${p}].versions[${n}]`;
        if (defined.has(version.productId)) throw new Invalid(`${field}.productId`, `"${version.productId}" is already the id of another product version`);
        if (VERSION_RANGE.test(version.version)) throw new Invalid(`${field}.version`, 'must name one version, not a range');
        defined.set(version.productId, field);
      }),
    ),
  );
  return defined;
}

// CSAF 6.1.6: a product cannot be both affected and not affected (or fixed, or under investigation).
const STATUS_GROUPS: Record<ProductStatus, string | undefined> = {
  firstAffected: 'affected',
  knownAffected: 'affected',
  lastAffected: 'affected',
  knownNotAffected: 'not affected',
  firstFixed: 'fixed',
  fixed: 'fixed',
  underInvestigation: 'under investigation',
  recommended: undefined,
};

/** The structure every save must have; returns the content with CVE ids upper-cased and CVSS scores filled in. */
export function checkAdvisoryContent(content: AdvisoryContent): AdvisoryContent {
  const defined = definedProducts(content.productTree);
  const requireDefined = (ids: string[] | undefined, field: string) =>
    (ids ?? []).forEach((id, i) => {
      if (!defined.has(id)) throw new Invalid(`${field}[${i}]`, `"${id}" is not a product id of the product tree`);
    });
  const cves = new Map<string, number>();
  const vulnerabilities = content.vulnerabilities.map((vulnerability, v) => {
    const at = `vulnerabilities[${v}]`;
    const checked: Vulnerability = { ...vulnerability };
    if (vulnerability.cve !== undefined) {
      checked.cve = checkCveId(vulnerability.cve, `${at}.cve`);
      const earlier = cves.get(checked.cve);
      if (earlier !== undefined) throw new Invalid(`${at}.cve`, `${checked.cve} is already vulnerabilities[${earlier}]`);
      cves.set(checked.cve, v);
    }
    const groupOf = new Map<string, string>();
    for (const status of PRODUCT_STATUS_NAMES) {
      const ids = vulnerability.productStatus?.[status];
      requireDefined(ids, `${at}.productStatus.${status}`);
      const group = STATUS_GROUPS[status];
      if (!group) continue;
      (ids ?? []).forEach((id, i) => {
        const other = groupOf.get(id);
        if (other !== undefined && other !== group) throw new Invalid(`${at}.productStatus.${status}[${i}]`, `"${id}" cannot be both ${other} and ${group}`);
        groupOf.set(id, group);
      });
    }
    const scored = new Set<string>();
    checked.scores = vulnerability.scores?.map((score, s) => {
      requireDefined(score.products, `${at}.scores[${s}].products`);
      score.products.forEach((id, i) => {
        if (scored.has(id)) throw new Invalid(`${at}.scores[${s}].products[${i}]`, `"${id}" already has a CVSS v3.1 score in this vulnerability`);
        scored.add(id);
      });
      return { ...score, vector: score.vector.trim(), baseScore: cvss31(score.vector, score.baseScore, `${at}.scores[${s}]`).baseScore };
    });
    vulnerability.remediations?.forEach((r, i) => requireDefined(r.productIds, `${at}.remediations[${i}].productIds`));
    vulnerability.threats?.forEach((t, i) => requireDefined(t.productIds, `${at}.threats[${i}].productIds`));
    vulnerability.flags?.forEach((f, i) => requireDefined(f.productIds, `${at}.flags[${i}].productIds`));
    return withoutUndefined(checked);
  });
  return { ...content, vulnerabilities };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const hasProducts = (status: Vulnerability['productStatus']) => PRODUCT_STATUS_NAMES.some((s) => (status?.[s]?.length ?? 0) > 0);
const VEX_STATUSES: ProductStatus[] = ['fixed', 'knownAffected', 'knownNotAffected', 'underInvestigation'];

/** What the category's CSAF profile demands before the advisory can be published (CSAF 2.0 §4, tests 6.1.27.x). */
export function checkProfile(draft: AdvisoryDraft): void {
  if (!draft.title.trim()) throw new Invalid('title', 'must not be blank');
  if (draft.category === 'csaf_base') return;
  const profile = draft.category === 'csaf_vex' ? 'a VEX document' : 'a security advisory';
  if (draft.productTree.length === 0) throw new Invalid('productTree', `${profile} names the products it concerns`);
  if (draft.vulnerabilities.length === 0) throw new Invalid('vulnerabilities', `${profile} describes at least one vulnerability`);
  draft.vulnerabilities.forEach((vulnerability, v) => {
    const at = `vulnerabilities[${v}]`;
    if (!vulnerability.notes?.length) throw new Invalid(`${at}.notes`, `each vulnerability of ${profile} needs a note`);
    if (!hasProducts(vulnerability.productStatus)) throw new Invalid(`${at}.productStatus`, `each vulnerability of ${profile} states its products' status`);
    if (draft.category !== 'csaf_vex') return;
    const status = vulnerability.productStatus ?? {};
    if (!VEX_STATUSES.some((s) => (status[s]?.length ?? 0) > 0)) {
      throw new Invalid(`${at}.productStatus`, 'a VEX vulnerability lists products as fixed, knownAffected, knownNotAffected or underInvestigation');
    }
    if (!vulnerability.cve && !vulnerability.ids?.length) throw new Invalid(`${at}.cve`, 'a VEX vulnerability is identified by a CVE id or other ids');
    const explained = new Set([
      ...(vulnerability.flags ?? []).flatMap((f) => f.productIds),
      ...(vulnerability.threats ?? []).filter((t) => t.category === 'impact').flatMap((t) => t.productIds ?? []),
    ]);
    (status.knownNotAffected ?? []).forEach((id, i) => {
      if (!explained.has(id)) throw new Invalid(`${at}.productStatus.knownNotAffected[${i}]`, `"${id}" needs an impact statement: a flag or an impact threat naming it`);
    });
    const remedied = new Set((vulnerability.remediations ?? []).flatMap((r) => r.productIds));
    (status.knownAffected ?? []).forEach((id, i) => {
      if (!remedied.has(id)) throw new Invalid(`${at}.productStatus.knownAffected[${i}]`, `"${id}" needs an action statement: a remediation naming it`);
    });
  });
}
