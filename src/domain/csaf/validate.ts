// CSAF 2.0 conformance as the BSI's csaf-validator-lib judges it: the strict JSON schema test and
// every mandatory test (6.1.x, the spec's "basic" level). Optional and informative tests need the
// network or a spell checker and are not run. The library's mandatory tests take seconds to load,
// so they are loaded on first use rather than when the server starts.
import { Invalid } from '../errors.ts';

interface LibraryMessage {
  message: string;
  instancePath: string;
  params?: Record<string, unknown>;
}
interface LibraryTestResult {
  isValid?: boolean;
  errors?: LibraryMessage[];
}
type DocumentTest = ((doc: unknown) => LibraryTestResult | Promise<LibraryTestResult>) & { name: string };
type Validate = (tests: DocumentTest[], doc: unknown) => Promise<{ isValid: boolean; tests: { name: string; isValid: boolean; errors: LibraryMessage[] }[] }>;

let loaded: Promise<{ validate: Validate; tests: DocumentTest[] }> | undefined;

function library() {
  loaded ??= (async () => {
    // `validate.js` runs only the tests it is given: here, the library's own, never anything else.
    const [{ default: validate }, mandatory, schema] = await Promise.all([
      import('@secvisogram/csaf-validator-lib/validate.js') as Promise<{ default: Validate }>,
      import('@secvisogram/csaf-validator-lib/mandatoryTests.js') as Promise<Record<string, DocumentTest>>,
      import('@secvisogram/csaf-validator-lib/schemaTests.js') as Promise<{ csaf_2_0_strict: DocumentTest }>,
    ]);
    const tests = Object.entries(mandatory)
      .filter(([name]) => name.startsWith('mandatoryTest_'))
      .map(([, test]) => test);
    return { validate, tests: [...tests, schema.csaf_2_0_strict] };
  })();
  return loaded;
}

/** Loads the library (seconds, once per process), so that a caller can do so before it opens a transaction. */
export async function prepareCsafValidator(): Promise<void> {
  await library();
}

/** Mandatory tests by number, with the title the CSAF 2.0 specification gives them (§6.1). */
export const MANDATORY_TEST_TITLES: Readonly<Record<string, string>> = {
  '6.1.1': 'Missing Definition of Product ID',
  '6.1.2': 'Multiple Definition of Product ID',
  '6.1.3': 'Circular Definition of Product ID',
  '6.1.4': 'Missing Definition of Group ID',
  '6.1.5': 'Multiple Definition of Group ID',
  '6.1.6': 'Contradicting Product Status',
  '6.1.7': 'Multiple Scores with same Version per Product',
  '6.1.8': 'Invalid CVSS',
  '6.1.9': 'Invalid CVSS computation',
  '6.1.10': 'Inconsistent CVSS',
  '6.1.11': 'CWE',
  '6.1.12': 'Language',
  '6.1.13': 'PURL',
  '6.1.14': 'Sorted Revision History',
  '6.1.15': 'Translator',
  '6.1.16': 'Latest Document Version',
  '6.1.17': 'Document Status Draft',
  '6.1.18': 'Released Revision History',
  '6.1.19': 'Revision History Entries for Pre-release Versions',
  '6.1.20': 'Non-draft Document Version',
  '6.1.21': 'Missing Item in Revision History',
  '6.1.22': 'Multiple Definition in Revision History',
  '6.1.23': 'Multiple Use of Same CVE',
  '6.1.24': 'Multiple Definition in Involvements',
  '6.1.25': 'Multiple Use of Same Hash Algorithm',
  '6.1.26': 'Prohibited Document Category Name',
  '6.1.27.1': 'Document Notes',
  '6.1.27.2': 'Document References',
  '6.1.27.3': 'Vulnerabilities',
  '6.1.27.4': 'Product Tree',
  '6.1.27.5': 'Vulnerability Notes',
  '6.1.27.6': 'Product Status',
  '6.1.27.7': 'VEX Product Status',
  '6.1.27.8': 'Vulnerability ID',
  '6.1.27.9': 'Impact Statement',
  '6.1.27.10': 'Action Statement',
  '6.1.27.11': 'Vulnerabilities',
  '6.1.28': 'Translation',
  '6.1.29': 'Remediation without Product Reference',
  '6.1.30': 'Mixed Integer and Semantic Versioning',
  '6.1.31': 'Version Range in Product Version',
  '6.1.32': 'Flag without Product Reference',
  '6.1.33': 'Multiple Flags with VEX Justification Codes per Product',
};

export interface CsafFailure {
  /** `6.1.8` for a mandatory test, `schema` for the CSAF 2.0 JSON schema. */
  test: string;
  /** The JSON path (as Sanad names fields: `vulnerabilities[0].scores[0].cvss_v3`); '' for the whole document. */
  path: string;
  message: string;
}

function testNumber(name: string): string {
  return name.startsWith('mandatoryTest_') ? name.slice('mandatoryTest_'.length).replaceAll('_', '.') : 'schema';
}

/** A JSON pointer (`/vulnerabilities/0/cve`) as a field path (`vulnerabilities[0].cve`). */
export function fieldOfPointer(pointer: string, missingProperty?: unknown): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (typeof missingProperty === 'string') parts.push(missingProperty);
  let field = '';
  for (const part of parts) field += /^\d+$/.test(part) ? `[${part}]` : field ? `.${part}` : part;
  return field;
}

/** Every failure of the schema and the mandatory tests: mandatory tests first (each names what it checks), then the schema's. */
export async function validateCsaf(document: unknown): Promise<CsafFailure[]> {
  const { validate, tests } = await library();
  // One test at a time: the mandatory tests assume a document the schema accepts, and some throw on
  // one it refuses (a null where an object belongs). A test that throws has not passed; when the
  // schema fails too, the schema's reasons are the ones worth giving.
  const results: { name: string; isValid: boolean; errors: LibraryMessage[]; crashed?: boolean }[] = [];
  for (const test of tests) {
    try {
      results.push(...(await validate([test], document)).tests);
    } catch (error) {
      results.push({ name: test.name, isValid: false, errors: [{ message: `could not be checked (${error instanceof Error ? error.message : String(error)})`, instancePath: '' }], crashed: true });
    }
  }
  const schemaFailed = results.some((t) => testNumber(t.name) === 'schema' && !t.isValid);
  const failures = results
    .filter((t) => !t.isValid && !(t.crashed && schemaFailed))
    .flatMap((t) => {
      const test = testNumber(t.name);
      const errors = t.errors.length ? t.errors : [{ message: 'failed', instancePath: '' }];
      return errors.map((e) => ({ test, path: fieldOfPointer(e.instancePath, e.params?.missingProperty), message: e.message }));
    });
  return [...failures.filter((f) => f.test !== 'schema'), ...failures.filter((f) => f.test === 'schema')];
}

export function describeTest(test: string): string {
  if (test === 'schema') return 'the CSAF 2.0 JSON schema';
  const title = MANDATORY_TEST_TITLES[test];
  return `CSAF mandatory test ${test}${title ? ` (${title})` : ''}`;
}

/** The refusal of a document: the first failure's path and test, and the other tests that failed. */
export function csafRefusal(failures: CsafFailure[], prefix = ''): Invalid {
  const [first] = failures;
  if (!first) return new Invalid(prefix || 'document', 'is not a valid CSAF 2.0 document');
  const others = [...new Set(failures.map((f) => f.test))].filter((t) => t !== first.test);
  const field = [prefix, first.path].filter(Boolean).join('.') || 'document';
  const also = others.length ? `; also fails ${others.map((t) => (t === 'schema' ? 'the schema' : t)).join(', ')}` : '';
  return new Invalid(field, `fails ${describeTest(first.test)}: ${first.message}${also}`);
}
