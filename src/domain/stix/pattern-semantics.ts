// Checks on patterns that parse but are unlikely to match what their author meant.
import ipaddr from 'ipaddr.js';
import type { ComparisonExpression, ObjectPath, ObservationExpression, Pattern } from './pattern.ts';
import { pathText, quote, shorten } from './pattern-printer.ts';
import { isScoType } from './identifiers.ts';

// Hash lengths in hex characters, keyed by the algorithm name upper-cased without separators.
const HASH_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['MD5', 32],
  ['SHA1', 40],
  ['SHA256', 64],
  ['SHA512', 128],
  ['SHA3256', 64],
  ['SHA3512', 128],
]);

/**
 * Warnings about a pattern that parses but is unlikely to do what its author meant: object types that
 * are neither STIX 2.1 SCOs nor custom (`x-`), hashes of the wrong length, ISSUBSET/ISSUPERSET with
 * something other than an IP prefix, and START not before STOP. Each warning appears once.
 */
export function checkPatternSemantics(pattern: Pattern): string[] {
  const warnings = new Set<string>();
  const visitPath = (path: ObjectPath): void => {
    if (!isScoType(path.objectType) && !path.objectType.startsWith('x-')) {
      warnings.add(`object type ${path.objectType} is not a STIX 2.1 cyber-observable type (custom types start with x-)`);
    }
  };
  const visitComparison = (expression: ComparisonExpression): void => {
    if (expression.kind === 'comparison-group') {
      expression.operands.forEach(visitComparison);
      return;
    }
    visitPath(expression.path);
    if (expression.kind === 'exists') return;
    const values = expression.operator === 'IN' ? expression.values : [expression.value];
    const algorithm = hashAlgorithm(expression.path);
    const length = algorithm === undefined ? undefined : HASH_HEX_LENGTHS.get(normaliseHashName(algorithm));
    if (length !== undefined && (expression.operator === '=' || expression.operator === '!=' || expression.operator === 'IN')) {
      for (const value of values) {
        if (value.kind === 'string' && !(value.value.length === length && /^[0-9a-f]*$/i.test(value.value))) {
          warnings.add(`${pathText(expression.path)} ${quote(shorten(value.value))} is not a valid ${algorithm} hash (${length} hex digits)`);
        }
      }
    }
    if ((expression.operator === 'ISSUBSET' || expression.operator === 'ISSUPERSET') && !isIpOrPrefix(expression.value.value)) {
      warnings.add(`${expression.operator} compares IP prefixes, but ${quote(shorten(expression.value.value))} is not an IP address or prefix`);
    }
  };
  const visitObservation = (expression: ObservationExpression): void => {
    switch (expression.kind) {
      case 'observation':
        visitComparison(expression.comparison);
        return;
      case 'observation-group':
        expression.operands.forEach(visitObservation);
        return;
      case 'qualified': {
        const { qualifier } = expression;
        if (qualifier.kind === 'start-stop' && !isBefore(qualifier.start, qualifier.stop)) {
          warnings.add(`START t'${qualifier.start}' is not before STOP t'${qualifier.stop}': the observation can never fall in between`);
        }
        visitObservation(expression.observation);
      }
    }
  };
  visitObservation(pattern);
  return [...warnings];
}

export function hashAlgorithm(path: ObjectPath): string | undefined {
  const [step, ...rest] = path.steps;
  return path.property === 'hashes' && step?.kind === 'key' && rest.length === 0 ? step.key : undefined;
}

/** SHA-256, sha256 and 'SHA_256' name one algorithm. */
export function normaliseHashName(name: string): string {
  return name.toUpperCase().replace(/[-_]/g, '');
}

function isIpOrPrefix(text: string): boolean {
  return ipaddr.isValid(text) || ipaddr.isValidCIDR(text);
}

// Timestamps are fixed-width up to the seconds, so text order is time order, leap seconds included;
// the fractions compare as digits once padded to one length.
function isBefore(earlier: string, later: string): boolean {
  const [earlierSeconds = '', earlierFraction = ''] = earlier.replace(/Z$/, '').split('.');
  const [laterSeconds = '', laterFraction = ''] = later.replace(/Z$/, '').split('.');
  if (earlierSeconds !== laterSeconds) return earlierSeconds < laterSeconds;
  const width = Math.max(earlierFraction.length, laterFraction.length);
  return earlierFraction.padEnd(width, '0') < laterFraction.padEnd(width, '0');
}
