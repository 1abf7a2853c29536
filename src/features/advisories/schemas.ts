import { Type, type Static } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { DISTRIBUTIONS, TLP_LEVELS } from '../../domain/handling.ts';
import {
  ADVISORY_CATEGORIES,
  FLAG_LABELS,
  NOTE_CATEGORIES,
  PRODUCT_STATUS_NAMES,
  REFERENCE_CATEGORIES,
  RELEASE_STATUSES,
  REMEDIATION_CATEGORIES,
  THREAT_CATEGORIES,
} from '../../domain/csaf/advisory.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Url = Type.String({ format: 'uri', maxLength: 2048 });
const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems: number) => Type.Array(item, { maxItems });
const ProductId = Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S(.*\\S)?$', description: 'a product id of the product tree' });
const ProductIds = Type.Array(ProductId, { minItems: 1, maxItems: 10_000, uniqueItems: true });

const Note = Type.Object({ category: Type.Enum(NOTE_CATEGORIES), title: Type.Optional(Text(500)), text: Text(100_000) }, { additionalProperties: false });
const Reference = Type.Object({ category: Type.Optional(Type.Enum(REFERENCE_CATEGORIES)), summary: Text(2000), url: Url }, { additionalProperties: false });
const Acknowledgment = Type.Object(
  {
    names: Type.Optional(Type.Array(Text(200), { minItems: 1, maxItems: 100 })),
    organization: Type.Optional(Text(500)),
    summary: Type.Optional(Text(2000)),
    urls: Type.Optional(Type.Array(Url, { minItems: 1, maxItems: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ProductVersion = Type.Object(
  {
    version: Text(200),
    productId: ProductId,
    cpe: Type.Optional(Type.String({ maxLength: 500, pattern: '^(cpe:2\\.3:[aho*-]:|cpe:/[aho]:)\\S+$' })),
    purl: Type.Optional(Type.String({ maxLength: 2000, pattern: '^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*/\\S+$' })),
  },
  { additionalProperties: false },
);
const VendorProducts = Type.Object(
  {
    vendor: Text(200),
    products: Type.Array(Type.Object({ name: Text(200), versions: Type.Array(ProductVersion, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

const ProductStatus = Type.Object(Object.fromEntries(PRODUCT_STATUS_NAMES.map((name) => [name, Type.Optional(ProductIds)])), { additionalProperties: false });

const Vulnerability = Type.Object(
  {
    cve: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'CVE-YYYY-NNNN…' })),
    title: Type.Optional(Text(500)),
    cwe: Type.Optional(Type.Object({ id: Type.String({ pattern: '^CWE-[1-9]\\d{0,5}$' }), name: Text(500) }, { additionalProperties: false })),
    ids: Type.Optional(Type.Array(Type.Object({ systemName: Text(200), text: Text(200) }, { additionalProperties: false }), { minItems: 1, maxItems: 100 })),
    discoveryDate: Type.Optional(Timestamp),
    releaseDate: Type.Optional(Timestamp),
    notes: Type.Optional(list(Note, 100)),
    productStatus: Type.Optional(ProductStatus),
    scores: Type.Optional(
      list(
        Type.Object(
          {
            vector: Type.String({ minLength: 1, maxLength: 200, description: 'CVSS v3.1 vector: CVSS:3.1/AV:…/AC:…/PR:…/UI:…/S:…/C:…/I:…/A:…' }),
            baseScore: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: 'checked against the vector when given' })),
            products: ProductIds,
          },
          { additionalProperties: false },
        ),
        100,
      ),
    ),
    remediations: Type.Optional(
      list(Type.Object({ category: Type.Enum(REMEDIATION_CATEGORIES), details: Text(10_000), productIds: ProductIds, url: Type.Optional(Url), date: Type.Optional(Timestamp) }, { additionalProperties: false }), 100),
    ),
    threats: Type.Optional(list(Type.Object({ category: Type.Enum(THREAT_CATEGORIES), details: Text(10_000), productIds: Type.Optional(ProductIds) }, { additionalProperties: false }), 100)),
    flags: Type.Optional(list(Type.Object({ label: Type.Enum(FLAG_LABELS), productIds: ProductIds }, { additionalProperties: false }), 100)),
    acknowledgments: Type.Optional(list(Acknowledgment, 100)),
  },
  { additionalProperties: false },
);

const Lang = Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35, description: 'BCP 47 language tag; default en' });

const contentFields = {
  notes: list(Note, 100),
  references: list(Reference, 500),
  acknowledgments: list(Acknowledgment, 100),
  productTree: list(VendorProducts, 1000),
  vulnerabilities: list(Vulnerability, 1000),
};

export const CreateAdvisoryBody = Type.Object(
  {
    title: Text(500),
    category: Type.Enum(ADVISORY_CATEGORIES),
    lang: Type.Optional(Lang),
    tlp: Type.Enum(TLP_LEVELS),
    distribution: Type.Enum(DISTRIBUTIONS),
    sharingGroupId: Type.Optional(Nullable(Uuid)),
    notes: Type.Optional(contentFields.notes),
    references: Type.Optional(contentFields.references),
    acknowledgments: Type.Optional(contentFields.acknowledgments),
    productTree: Type.Optional(contentFields.productTree),
    vulnerabilities: Type.Optional(contentFields.vulnerabilities),
  },
  { additionalProperties: false },
);
export type CreateAdvisoryInput = Static<typeof CreateAdvisoryBody>;

export const UpdateAdvisoryBody = Type.Object(
  {
    title: Type.Optional(Text(500)),
    category: Type.Optional(Type.Enum(ADVISORY_CATEGORIES)),
    lang: Type.Optional(Lang),
    tlp: Type.Optional(Type.Enum(TLP_LEVELS)),
    distribution: Type.Optional(Type.Enum(DISTRIBUTIONS)),
    sharingGroupId: Type.Optional(Nullable(Uuid)),
    notes: Type.Optional(contentFields.notes),
    references: Type.Optional(contentFields.references),
    acknowledgments: Type.Optional(contentFields.acknowledgments),
    productTree: Type.Optional(contentFields.productTree),
    vulnerabilities: Type.Optional(contentFields.vulnerabilities),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAdvisoryInput = Static<typeof UpdateAdvisoryBody>;

export const PublishAdvisoryBody = Type.Object(
  {
    status: Type.Optional(Type.Enum(RELEASE_STATUSES, { description: 'CSAF tracking status of this version; default final' })),
    summary: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type PublishAdvisoryInput = Static<typeof PublishAdvisoryBody>;

export const ImportQuery = Type.Object(
  {
    tlp: Type.Optional(Type.Enum(TLP_LEVELS, { description: "default: the document's label (WHITE as CLEAR), AMBER when it has none; never wider than the label" })),
    distribution: Type.Optional(Type.Enum(DISTRIBUTIONS, { description: 'default: community (organisation for TLP:RED)' })),
    sharingGroupId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type ImportOptions = Static<typeof ImportQuery>;

/** The body of an import is a CSAF document: only its shape at the top is checked here, the rest by the CSAF validator. */
export const CsafDocumentBody = Type.Object({ document: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: true, description: 'a CSAF 2.0 document' });

export const ExportQuery = Type.Object(
  {
    raise: Type.Optional(Type.Literal('red', { description: 'export TLP:AMBER+STRICT labelled RED (CSAF 2.0 has no AMBER+STRICT); without it such an export is refused' })),
    draft: Type.Optional(Type.Boolean({ description: "the owner team's working copy, as CSAF status draft" })),
  },
  { additionalProperties: false },
);

export const VersionExportQuery = Type.Object({ raise: ExportQuery.properties.raise }, { additionalProperties: false });

export const VersionParams = Type.Object({ id: Uuid, version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const FeedParams = Type.Object(
  { file: Type.String({ pattern: '^(white|clear|green|amber|red)\\.json$', description: 'white.json, green.json, amber.json or red.json' }) },
  { additionalProperties: false },
);

export const ListAdvisoriesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    state: Type.Optional(Type.Enum(['draft', 'published'] as const)),
    category: Type.Optional(Type.String({ maxLength: 100 })),
    tlp: Type.Optional(Type.Enum(TLP_LEVELS)),
    orgId: Type.Optional(Uuid),
    trackingId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'CSAF tracking id, in any case' })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'words of the title or tracking id' })),
  },
  { additionalProperties: false },
);
export type ListAdvisoriesFilter = Static<typeof ListAdvisoriesQuery>;

const summaryFields = {
  id: Type.String(),
  trackingId: Nullable(Type.String()),
  title: Type.String(),
  category: Type.String(),
  ownerOrgId: Type.String(),
  ownerOrgName: Type.String(),
  originNode: Type.String(),
  source: Type.Enum(['authored', 'imported'] as const),
  tlp: Type.String(),
  distribution: Type.String(),
  sharingGroupId: Nullable(Type.String()),
  state: Type.Enum(['draft', 'published'] as const),
  version: Type.Integer({ description: 'number of the latest published version; 0 before the first' }),
  pendingChanges: Type.Boolean({ description: 'the working copy has changed since the latest version (owner team only)' }),
  initialReleaseDate: NullableTimestamp,
  currentReleaseDate: NullableTimestamp,
  createdAt: Timestamp,
  modified: Timestamp,
};

export const AdvisorySummarySchema = Type.Object(summaryFields, { $id: 'AdvisorySummary' });
export type AdvisorySummary = Static<typeof AdvisorySummarySchema>;

export const AdvisorySchema = Type.Object(
  {
    ...summaryFields,
    lang: Type.String(),
    trackingVersion: Nullable(Type.String()),
    trackingStatus: Type.String({ description: 'CSAF tracking status: draft, interim or final' }),
    csafFileName: Nullable(Type.String({ description: 'the file name CSAF providers serve it under' })),
    notes: contentFields.notes,
    references: contentFields.references,
    acknowledgments: contentFields.acknowledgments,
    productTree: contentFields.productTree,
    vulnerabilities: contentFields.vulnerabilities,
  },
  { $id: 'Advisory' },
);
export type Advisory = Static<typeof AdvisorySchema>;

export const AdvisoryVersionSchema = Type.Object({
  number: Type.Integer(),
  trackingVersion: Type.String(),
  status: Type.String(),
  title: Type.String(),
  category: Type.String(),
  summary: Type.String(),
  publishedAt: Timestamp,
});
export type AdvisoryVersion = Static<typeof AdvisoryVersionSchema>;
