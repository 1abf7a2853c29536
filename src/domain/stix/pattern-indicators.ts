// Between STIX patterns and Sanad indicators: the simple patterns that amount to a list of indicators,
// and the pattern each exportable indicator type is written as.
import { normaliseAsn } from '../constituency.ts';
import { Invalid } from '../errors.ts';
import type { IndicatorType } from '../indicators/types.ts';
import type { ComparisonExpression, EqualityComparison, Literal, ObjectPath, PathStep, Pattern } from './pattern.ts';
import { formatPattern, stepText } from './pattern-printer.ts';
import { hashAlgorithm, normaliseHashName } from './pattern-semantics.ts';

export interface SimpleIndicator {
  readonly type: IndicatorType;
  readonly value: string;
}

// What an equality comparison on a well-known path says about the observed object.
type Fact =
  | 'ipv4' | 'ipv6' | 'domain' | 'resolves-to' | 'url'
  | 'email' | 'email-from' | 'email-to' | 'email-subject'
  | 'file-name' | 'md5' | 'sha1' | 'sha256' | 'sha512' | 'ssdeep' | 'tlsh' | 'imphash'
  | 'x509-md5' | 'x509-sha1' | 'x509-sha256'
  | 'mutex' | 'asn' | 'regkey' | 'regkey-data' | 'user-agent'
  | 'dst-type' | 'dst-value' | 'dst-port' | 'src-type' | 'src-value' | 'src-port';

// Keyed by the path with keys unquoted; hash and header names are matched separately, case-insensitively.
const FACTS_BY_PATH: ReadonlyMap<string, Fact> = new Map([
  ['ipv4-addr:value', 'ipv4'],
  ['ipv6-addr:value', 'ipv6'],
  ['domain-name:value', 'domain'],
  ['domain-name:resolves_to_refs[*].value', 'resolves-to'],
  ['url:value', 'url'],
  ['email-addr:value', 'email'],
  ['email-message:from_ref.value', 'email-from'],
  ['email-message:to_refs[*].value', 'email-to'],
  ['email-message:subject', 'email-subject'],
  ['file:name', 'file-name'],
  ['file:extensions.windows-pebinary-ext.imphash', 'imphash'],
  ['mutex:name', 'mutex'],
  ['autonomous-system:number', 'asn'],
  ['windows-registry-key:key', 'regkey'],
  ['windows-registry-key:values[*].data', 'regkey-data'],
  ['network-traffic:dst_ref.type', 'dst-type'],
  ['network-traffic:dst_ref.value', 'dst-value'],
  ['network-traffic:dst_port', 'dst-port'],
  ['network-traffic:src_ref.type', 'src-type'],
  ['network-traffic:src_ref.value', 'src-value'],
  ['network-traffic:src_port', 'src-port'],
]);

const FILE_HASH_FACTS: ReadonlyMap<string, Fact> = new Map([
  ['MD5', 'md5'],
  ['SHA1', 'sha1'],
  ['SHA256', 'sha256'],
  ['SHA512', 'sha512'],
  ['SSDEEP', 'ssdeep'],
  ['TLSH', 'tlsh'],
]);

const CERTIFICATE_HASH_FACTS: ReadonlyMap<string, Fact> = new Map([
  ['MD5', 'x509-md5'],
  ['SHA1', 'x509-sha1'],
  ['SHA256', 'x509-sha256'],
]);

type Facts = ReadonlyMap<Fact, string>;

interface Shape {
  readonly facts: readonly Fact[];
  readonly type: IndicatorType;
  readonly value: (facts: Facts) => string | undefined;
}

const ONE_FACT: readonly (readonly [Fact, IndicatorType])[] = [
  ['ipv4', 'ip-dst'],
  ['ipv6', 'ip-dst'],
  ['domain', 'domain'],
  ['url', 'url'],
  ['email', 'email-src'],
  ['email-from', 'email-src'],
  ['email-to', 'email-dst'],
  ['email-subject', 'email-subject'],
  ['file-name', 'filename'],
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha256', 'sha256'],
  ['sha512', 'sha512'],
  ['ssdeep', 'ssdeep'],
  ['tlsh', 'tlsh'],
  ['imphash', 'imphash'],
  ['x509-md5', 'x509-fingerprint-md5'],
  ['x509-sha1', 'x509-fingerprint-sha1'],
  ['x509-sha256', 'x509-fingerprint-sha256'],
  ['mutex', 'mutex'],
  ['asn', 'AS'],
  ['regkey', 'regkey'],
  ['user-agent', 'user-agent'],
];

const FILENAME_HASHES: readonly (readonly [Fact, IndicatorType])[] = [
  ['md5', 'filename|md5'],
  ['sha1', 'filename|sha1'],
  ['sha256', 'filename|sha256'],
  ['sha512', 'filename|sha512'],
  ['ssdeep', 'filename|ssdeep'],
  ['tlsh', 'filename|tlsh'],
  ['imphash', 'filename|imphash'],
];

// The first half of a composite value must not contain the separator, or the halves cannot be told apart.
function composite(first: string | undefined, second: string | undefined): string | undefined {
  return first === undefined || second === undefined || first.includes('|') ? undefined : `${first}|${second}`;
}

function ipOfType(type: string | undefined, value: string | undefined): string | undefined {
  return type === 'ipv4-addr' || type === 'ipv6-addr' ? value : undefined;
}

const SHAPES: readonly Shape[] = [
  ...ONE_FACT.map(([fact, type]): Shape => ({ facts: [fact], type, value: (facts) => facts.get(fact) })),
  ...FILENAME_HASHES.map(
    ([hash, type]): Shape => ({ facts: ['file-name', hash], type, value: (facts) => composite(facts.get('file-name'), facts.get(hash)) }),
  ),
  { facts: ['domain', 'resolves-to'], type: 'domain|ip', value: (facts) => composite(facts.get('domain'), facts.get('resolves-to')) },
  { facts: ['regkey', 'regkey-data'], type: 'regkey|value', value: (facts) => composite(facts.get('regkey'), facts.get('regkey-data')) },
  ...(['dst', 'src'] as const).flatMap((side): Shape[] => {
    const ip = (facts: Facts): string | undefined => ipOfType(facts.get(`${side}-type`), facts.get(`${side}-value`));
    return [
      { facts: [`${side}-type`, `${side}-value`], type: `ip-${side}`, value: ip },
      { facts: [`${side}-type`, `${side}-value`, `${side}-port`], type: `ip-${side}|port`, value: (facts) => composite(ip(facts), facts.get(`${side}-port`)) },
    ];
  }),
];

const SHAPES_BY_FACTS: ReadonlyMap<string, Shape> = new Map(SHAPES.map((shape) => [[...shape.facts].sort().join(','), shape]));

/**
 * The Sanad indicators a pattern amounts to, or null to keep the pattern intact. A pattern qualifies
 * when it is one observation, or several joined by OR, each an OR of `=` comparisons on well-known
 * properties; `file:name = X AND file:hashes.H = Y` (and the network-traffic, resolves_to_refs and
 * registry-value pairs) yield one composite indicator such as filename|sha256 `X|Y`. Qualifiers,
 * FOLLOWEDBY, AND between observations, negation and other operators yield null.
 */
export function simpleIndicators(pattern: Pattern): SimpleIndicator[] | null {
  const observations = pattern.kind === 'observation-group' && pattern.operator === 'OR' ? pattern.operands : [pattern];
  const indicators: SimpleIndicator[] = [];
  for (const observation of observations) {
    if (observation.kind !== 'observation') return null;
    const { comparison } = observation;
    const alternatives = comparison.kind === 'comparison-group' && comparison.operator === 'OR' ? comparison.operands : [comparison];
    for (const alternative of alternatives) {
      const indicator = indicatorOf(alternative);
      if (indicator === undefined) return null;
      indicators.push(indicator);
    }
  }
  return indicators;
}

function indicatorOf(expression: ComparisonExpression): SimpleIndicator | undefined {
  const conjuncts = expression.kind === 'comparison-group' && expression.operator === 'AND' ? expression.operands : [expression];
  const facts = new Map<Fact, string>();
  for (const conjunct of conjuncts) {
    if (conjunct.kind !== 'comparison' || conjunct.operator !== '=' || conjunct.negated) return undefined;
    const fact = factOf(conjunct.path);
    if (fact === undefined || facts.has(fact)) return undefined;
    const value = factValue(fact, conjunct.value);
    if (value === undefined) return undefined;
    facts.set(fact, value);
  }
  const shape = SHAPES_BY_FACTS.get([...facts.keys()].sort().join(','));
  const value = shape?.value(facts);
  return shape === undefined || value === undefined ? undefined : { type: shape.type, value };
}

function factOf(path: ObjectPath): Fact | undefined {
  const algorithm = hashAlgorithm(path);
  if (algorithm !== undefined) {
    const name = normaliseHashName(algorithm);
    if (path.objectType === 'file') return FILE_HASH_FACTS.get(name);
    if (path.objectType === 'x509-certificate') return CERTIFICATE_HASH_FACTS.get(name);
    return undefined;
  }
  const [extension, header, field, ...rest] = path.steps;
  if (
    path.objectType === 'network-traffic' &&
    path.property === 'extensions' &&
    extension?.kind === 'key' &&
    extension.key === 'http-request-ext' &&
    header?.kind === 'key' &&
    header.key === 'request_header' &&
    field?.kind === 'key' &&
    field.key.toLowerCase() === 'user-agent' &&
    rest.length === 0
  ) {
    return 'user-agent';
  }
  const steps = path.steps.map((step) => (step.kind === 'key' ? `.${step.key}` : stepText(step))).join('');
  return FACTS_BY_PATH.get(`${path.objectType}:${path.property}${steps}`);
}

function factValue(fact: Fact, literal: Literal): string | undefined {
  if (fact === 'asn') {
    const digits = literal.kind === 'integer' ? String(literal.value) : literal.kind === 'string' ? literal.value : '';
    return /^\d{1,10}$/.test(digits) ? `AS${Number(digits)}` : undefined;
  }
  if (fact === 'dst-port' || fact === 'src-port') {
    return literal.kind === 'integer' && literal.value >= 0 && literal.value <= 65_535 ? String(literal.value) : undefined;
  }
  return literal.kind === 'string' ? literal.value : undefined;
}

const EXPORTED_HASH_NAMES: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  ssdeep: 'SSDEEP',
  tlsh: 'TLSH',
};

// A step of '*' stands for [*].
function path(objectType: string, property: string, ...steps: string[]): ObjectPath {
  return { objectType, property, steps: steps.map((step): PathStep => (step === '*' ? { kind: 'any-index' } : { kind: 'key', key: step })) };
}

function equals(objectPath: ObjectPath, value: string | number): EqualityComparison {
  const literal: Literal = typeof value === 'number' ? { kind: 'integer', value } : { kind: 'string', value };
  return { kind: 'comparison', path: objectPath, negated: false, operator: '=', value: literal };
}

function observe(...comparisons: EqualityComparison[]): string {
  const [only] = comparisons;
  const comparison: ComparisonExpression =
    comparisons.length === 1 && only !== undefined ? only : { kind: 'comparison-group', operator: 'AND', operands: comparisons };
  return formatPattern({ kind: 'observation', comparison });
}

function fileHashPath(algorithm: string): ObjectPath {
  return algorithm === 'imphash' ? path('file', 'extensions', 'windows-pebinary-ext', 'imphash') : path('file', 'hashes', EXPORTED_HASH_NAMES[algorithm] ?? algorithm);
}

function addressType(address: string): string {
  return address.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
}

function halves(value: string): [string, string] {
  const bar = value.indexOf('|');
  if (bar < 0) throw new Invalid('value', 'must be two values separated by |');
  return [value.slice(0, bar).trim(), value.slice(bar + 1).trim()];
}

function portNumber(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) throw new Invalid('value', 'the port must be a number from 0 to 65535');
  return Number(text);
}

/**
 * A STIX pattern for a Sanad indicator, or null when the type has no STIX pattern (free text, detection
 * rules and the like, which are exported with another pattern_type or not at all). Several types
 * share a pattern, so {@link simpleIndicators} reads back ip-src as ip-dst, hostname as domain, and
 * email and email-dst as email-src. Throws Invalid on field `value` when a composite value lacks its `|`,
 * a port or AS number is malformed.
 */
export function patternForIndicator(type: IndicatorType, value: string): string | null {
  switch (type) {
    case 'ip-src':
    case 'ip-dst':
      return observe(equals(path(addressType(value), 'value'), value));
    case 'ip-src|port':
    case 'ip-dst|port': {
      const side = type === 'ip-src|port' ? 'src' : 'dst';
      const [address, port] = halves(value);
      return observe(
        equals(path('network-traffic', `${side}_ref`, 'type'), addressType(address)),
        equals(path('network-traffic', `${side}_ref`, 'value'), address),
        equals(path('network-traffic', `${side}_port`), portNumber(port)),
      );
    }
    case 'domain':
    case 'hostname':
      return observe(equals(path('domain-name', 'value'), value));
    case 'domain|ip': {
      const [domain, address] = halves(value);
      return observe(equals(path('domain-name', 'value'), domain), equals(path('domain-name', 'resolves_to_refs', '*', 'value'), address));
    }
    case 'url':
      return observe(equals(path('url', 'value'), value));
    case 'email':
    case 'email-src':
    case 'email-dst':
      return observe(equals(path('email-addr', 'value'), value));
    case 'email-subject':
      return observe(equals(path('email-message', 'subject'), value));
    case 'filename':
      return observe(equals(path('file', 'name'), value));
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
    case 'ssdeep':
    case 'tlsh':
    case 'imphash':
      return observe(equals(fileHashPath(type), value));
    case 'filename|md5':
    case 'filename|sha1':
    case 'filename|sha256':
    case 'filename|sha512':
    case 'filename|ssdeep':
    case 'filename|tlsh':
    case 'filename|imphash': {
      const [name, hash] = halves(value);
      return observe(equals(path('file', 'name'), name), equals(fileHashPath(type.slice('filename|'.length)), hash));
    }
    case 'x509-fingerprint-md5':
    case 'x509-fingerprint-sha1':
    case 'x509-fingerprint-sha256':
      return observe(equals(path('x509-certificate', 'hashes', EXPORTED_HASH_NAMES[type.slice('x509-fingerprint-'.length)] ?? ''), value));
    case 'mutex':
      return observe(equals(path('mutex', 'name'), value));
    case 'AS':
      return observe(equals(path('autonomous-system', 'number'), Number(normaliseAsn(value, 'value').slice('AS'.length))));
    case 'regkey':
      return observe(equals(path('windows-registry-key', 'key'), value));
    case 'regkey|value': {
      const [key, data] = halves(value);
      return observe(equals(path('windows-registry-key', 'key'), key), equals(path('windows-registry-key', 'values', '*', 'data'), data));
    }
    case 'user-agent':
      return observe(equals(path('network-traffic', 'extensions', 'http-request-ext', 'request_header', 'User-Agent'), value));
    default:
      return null;
  }
}
