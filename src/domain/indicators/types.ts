// The MISP attribute types Sanad accepts, as data: which categories each may be filed under, whether it
// is an IDS signature by default, whether it correlates, and how many parts a value has.
// Categories and defaults follow PyMISP's describeTypes.json (category_type_mappings, sane_defaults) so
// whatever Sanad accepts, a MISP instance accepts too; deliberate departures are commented.

/** The 16 MISP categories, in MISP's order. */
export const CATEGORIES = [
  'Internal reference',
  'Targeting data',
  'Antivirus detection',
  'Payload delivery',
  'Artifacts dropped',
  'Payload installation',
  'Persistence mechanism',
  'Network activity',
  'Payload type',
  'Attribution',
  'External analysis',
  'Financial fraud',
  'Support Tool',
  'Social network',
  'Person',
  'Other',
] as const;

export type Category = (typeof CATEGORIES)[number];

interface TypeSpec {
  readonly defaultCategory: Category;
  readonly categories: readonly Category[];
  readonly toIds: boolean;
  /** A value of this type, for forms and error messages. */
  readonly example: string;
}

// Category lists shared by several types (each exactly as MISP allows it).
const NETWORK: readonly Category[] = ['Payload delivery', 'Network activity', 'External analysis'];
const FILE_HASH: readonly Category[] = ['Payload delivery', 'Artifacts dropped', 'Payload installation', 'External analysis'];
// MISP does not offer External analysis for the rarer digests.
const RARE_FILE_HASH: readonly Category[] = ['Payload delivery', 'Artifacts dropped', 'Payload installation'];
const FINGERPRINT: readonly Category[] = [
  'Payload delivery',
  'Artifacts dropped',
  'Payload installation',
  'Network activity',
  'Attribution',
  'External analysis',
];
const RULE: readonly Category[] = ['Payload delivery', 'Artifacts dropped', 'Payload installation'];
const WEAKNESS: readonly Category[] = ['Payload delivery', 'Payload installation', 'External analysis'];
const REGISTRY: readonly Category[] = ['Artifacts dropped', 'Persistence mechanism', 'External analysis'];
// Free text fits every category but Targeting data, which only takes target-* types and comments.
const FREE_TEXT: readonly Category[] = CATEGORIES.filter((category) => category !== 'Targeting data');

const SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

const SPECS = {
  // network
  'ip-src': { defaultCategory: 'Network activity', categories: NETWORK, toIds: true, example: '198.51.100.7' },
  'ip-dst': { defaultCategory: 'Network activity', categories: NETWORK, toIds: true, example: '203.0.113.0/24' },
  'ip-src|port': { defaultCategory: 'Network activity', categories: NETWORK, toIds: true, example: '198.51.100.7|51234' },
  'ip-dst|port': { defaultCategory: 'Network activity', categories: NETWORK, toIds: true, example: '2001:db8::10|443' },
  domain: { defaultCategory: 'Network activity', categories: NETWORK, toIds: true, example: 'example.com' },
  hostname: { defaultCategory: 'Network activity', categories: NETWORK, toIds: true, example: 'login.example.com' },
  'hostname|port': {
    defaultCategory: 'Network activity',
    categories: ['Payload delivery', 'Network activity'],
    toIds: true,
    example: 'c2.example.net|8443',
  },
  'domain|ip': {
    defaultCategory: 'Network activity',
    categories: ['Network activity', 'External analysis'],
    toIds: true,
    example: 'example.com|198.51.100.7',
  },
  url: { defaultCategory: 'Network activity', categories: NETWORK, toIds: true, example: 'https://example.com/login.php' },
  uri: { defaultCategory: 'Network activity', categories: ['Network activity'], toIds: true, example: '/wp-content/x.php?id=1' },
  link: {
    defaultCategory: 'External analysis',
    categories: ['Internal reference', 'Antivirus detection', 'Payload delivery', 'External analysis', 'Support Tool'],
    toIds: false,
    example: 'https://www.virustotal.com/gui/file/' + SHA256,
  },
  'user-agent': { defaultCategory: 'Network activity', categories: NETWORK, toIds: false, example: 'Mozilla/5.0 (compatible; EvilBot/1.0)' },
  AS: { defaultCategory: 'Network activity', categories: NETWORK, toIds: false, example: 'AS64500' },
  port: { defaultCategory: 'Network activity', categories: ['Network activity', 'Other'], toIds: false, example: '4444' },
  'ja3-fingerprint-md5': {
    defaultCategory: 'Network activity',
    categories: NETWORK,
    toIds: true,
    example: 'e7d705a3286e19ea42f587b344ee6865',
  },
  snort: {
    defaultCategory: 'Network activity',
    categories: ['Network activity', 'External analysis'],
    toIds: true,
    example: 'alert tcp any any -> any 4444 (msg:"backdoor"; sid:1000001;)',
  },

  // e-mail
  email: {
    defaultCategory: 'Social network',
    categories: ['Payload delivery', 'Network activity', 'Attribution', 'Social network', 'Person'],
    toIds: true,
    example: 'someone@example.com',
  },
  'email-src': {
    defaultCategory: 'Payload delivery',
    categories: ['Payload delivery', 'Network activity', 'Social network'],
    toIds: true,
    example: 'invoice@example.com',
  },
  'email-dst': {
    defaultCategory: 'Network activity',
    categories: ['Payload delivery', 'Network activity', 'Social network'],
    toIds: true,
    example: 'finance@example.org',
  },
  'email-subject': {
    defaultCategory: 'Payload delivery',
    categories: ['Payload delivery', 'Network activity'],
    toIds: false,
    example: 'Unpaid invoice #4471',
  },

  // files
  md5: { defaultCategory: 'Payload delivery', categories: FILE_HASH, toIds: true, example: 'd41d8cd98f00b204e9800998ecf8427e' },
  sha1: { defaultCategory: 'Payload delivery', categories: FILE_HASH, toIds: true, example: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  sha256: { defaultCategory: 'Payload delivery', categories: FILE_HASH, toIds: true, example: SHA256 },
  sha512: {
    defaultCategory: 'Payload delivery',
    categories: RARE_FILE_HASH,
    toIds: true,
    example:
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  ssdeep: { defaultCategory: 'Payload delivery', categories: RARE_FILE_HASH, toIds: true, example: '96:s4Ud1Lj96tHHlZDrwciQmA:s4Ud1Lj96tHHlZDrwciQmA' },
  imphash: { defaultCategory: 'Payload delivery', categories: RARE_FILE_HASH, toIds: true, example: 'f34d5f2d4577ed6d9ceec516c1f5a744' },
  tlsh: {
    defaultCategory: 'Payload delivery',
    categories: ['Payload delivery', 'Payload installation'],
    toIds: true,
    example: 'T1A5F0C00302A5E5C9AF8EF0B5B8F3F2A59B6A1F8BD06B1F1C39E6CD2E7245B1E5A8F24C',
  },
  // A bare name matches too much benign activity to alert on by default (MISP says true).
  filename: {
    defaultCategory: 'Payload delivery',
    categories: ['Payload delivery', 'Artifacts dropped', 'Payload installation', 'Persistence mechanism', 'External analysis'],
    toIds: false,
    example: 'invoice_4471.pdf.exe',
  },
  'filename|md5': { defaultCategory: 'Payload delivery', categories: FILE_HASH, toIds: true, example: 'invoice.exe|d41d8cd98f00b204e9800998ecf8427e' },
  'filename|sha1': {
    defaultCategory: 'Payload delivery',
    categories: FILE_HASH,
    toIds: true,
    example: 'invoice.exe|da39a3ee5e6b4b0d3255bfef95601890afd80709',
  },
  'filename|sha256': { defaultCategory: 'Payload delivery', categories: FILE_HASH, toIds: true, example: `invoice.exe|${SHA256}` },
  'filename|sha512': {
    defaultCategory: 'Payload delivery',
    categories: RARE_FILE_HASH,
    toIds: true,
    example:
      'invoice.exe|cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  'filename|imphash': {
    defaultCategory: 'Payload delivery',
    categories: RARE_FILE_HASH,
    toIds: true,
    example: 'invoice.exe|f34d5f2d4577ed6d9ceec516c1f5a744',
  },
  'filename|ssdeep': {
    defaultCategory: 'Payload delivery',
    categories: RARE_FILE_HASH,
    toIds: true,
    example: 'invoice.exe|96:s4Ud1Lj96tHHlZDrwciQmA:s4Ud1Lj96tHHlZDrwciQmA',
  },
  'filename|tlsh': {
    defaultCategory: 'Payload delivery',
    categories: RARE_FILE_HASH,
    toIds: true,
    example: 'invoice.exe|T1A5F0C00302A5E5C9AF8EF0B5B8F3F2A59B6A1F8BD06B1F1C39E6CD2E7245B1E5A8F24C',
  },
  'x509-fingerprint-md5': {
    defaultCategory: 'Network activity',
    categories: FINGERPRINT,
    toIds: true,
    example: 'b1946ac92492d2347c6235b4d2611184',
  },
  'x509-fingerprint-sha1': {
    defaultCategory: 'Network activity',
    categories: FINGERPRINT,
    toIds: true,
    example: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  },
  'x509-fingerprint-sha256': { defaultCategory: 'Network activity', categories: FINGERPRINT, toIds: true, example: SHA256 },

  // host artefacts
  mutex: { defaultCategory: 'Artifacts dropped', categories: ['Artifacts dropped'], toIds: true, example: 'Global\\EvilMutex_01' },
  regkey: {
    defaultCategory: 'Persistence mechanism',
    categories: REGISTRY,
    toIds: true,
    example: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater',
  },
  'regkey|value': {
    defaultCategory: 'Persistence mechanism',
    categories: REGISTRY,
    toIds: true,
    example: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater|C:\\Users\\Public\\upd.exe',
  },

  // detection rules
  yara: { defaultCategory: 'Payload installation', categories: RULE, toIds: true, example: 'rule evil { strings: $a = "evil" condition: $a }' },
  sigma: {
    defaultCategory: 'Payload installation',
    categories: RULE,
    toIds: true,
    example: 'title: Evil process\nlogsource:\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: \\evil.exe\n  condition: sel',
  },

  // vulnerabilities
  vulnerability: { defaultCategory: 'External analysis', categories: WEAKNESS, toIds: false, example: 'CVE-2021-44228' },
  weakness: { defaultCategory: 'External analysis', categories: WEAKNESS, toIds: false, example: 'CWE-79' },

  // financial
  btc: { defaultCategory: 'Financial fraud', categories: ['Financial fraud'], toIds: true, example: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
  xmr: {
    defaultCategory: 'Financial fraud',
    categories: ['Financial fraud'],
    toIds: true,
    example: '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A',
  },
  iban: { defaultCategory: 'Financial fraud', categories: ['Financial fraud'], toIds: true, example: 'GB82 WEST 1234 5698 7654 32' },
  'phone-number': {
    defaultCategory: 'Person',
    categories: ['Financial fraud', 'Person', 'Other'],
    toIds: false,
    example: '+44 20 7946 0958',
  },

  // free text
  text: { defaultCategory: 'Other', categories: FREE_TEXT, toIds: false, example: 'Observed in the second wave only.' },
  comment: { defaultCategory: 'Other', categories: CATEGORIES, toIds: false, example: 'Shared by a partner CERT.' },
  other: { defaultCategory: 'Other', categories: FREE_TEXT, toIds: false, example: 'TCP' },
} as const satisfies Record<string, TypeSpec>;

export type IndicatorType = keyof typeof SPECS;

export const INDICATOR_TYPES: readonly IndicatorType[] = Object.keys(SPECS) as IndicatorType[];

// MISP skips comment and port (misp-format.md §8). Sanad also skips text and other: free-form notes such
// as "see report" would correlate across thousands of events and drown the matches that mean something.
const NON_CORRELATING: ReadonlySet<IndicatorType> = new Set(['comment', 'text', 'other', 'port']);

export interface IndicatorTypeInfo {
  readonly type: IndicatorType;
  readonly defaultCategory: Category;
  /** Categories MISP lets this type be filed under, in MISP's category order. */
  readonly categories: readonly Category[];
  /** Whether a new indicator of this type is flagged for IDS export unless the author says otherwise. */
  readonly toIdsDefault: boolean;
  readonly correlates: boolean;
  /** Number of `|`-separated parts: 2 for composite types such as filename|sha256. */
  readonly composite: 1 | 2;
  readonly example: string;
}

const INFO: ReadonlyMap<IndicatorType, IndicatorTypeInfo> = new Map(
  INDICATOR_TYPES.map((type) => {
    const spec: TypeSpec = SPECS[type];
    const info: IndicatorTypeInfo = {
      type,
      defaultCategory: spec.defaultCategory,
      categories: CATEGORIES.filter((category) => spec.categories.includes(category)),
      toIdsDefault: spec.toIds,
      correlates: !NON_CORRELATING.has(type),
      composite: type.includes('|') ? 2 : 1,
      example: spec.example,
    };
    return [type, info];
  }),
);

export function isIndicatorType(value: unknown): value is IndicatorType {
  return typeof value === 'string' && Object.hasOwn(SPECS, value);
}

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

export function indicatorTypeInfo(type: IndicatorType): IndicatorTypeInfo {
  const info = INFO.get(type);
  if (info === undefined) throw new TypeError(`unknown indicator type ${String(type)}`);
  return info;
}
