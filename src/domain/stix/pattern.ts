// STIX 2.1 patterning (STIX 2.1 section 9): the pattern tree, and the entry to parsing, printing,
// checking, and translating patterns to and from Sanad indicators.
// Why a hand-written recursive-descent parser: the grammar is small, and errors by offset need no dependency.
export { MAX_PATTERN_BYTES, MAX_PATTERN_DEPTH, parsePattern } from './pattern-parser.ts';
export { formatPattern } from './pattern-printer.ts';
export { checkPatternSemantics } from './pattern-semantics.ts';
export { SCO_TYPES } from './identifiers.ts';
export { patternForIndicator, simpleIndicators, type SimpleIndicator } from './pattern-indicators.ts';

export type Pattern = ObservationExpression;

export type ObservationExpression = Observation | ObservationGroup | QualifiedObservation;

/** `[ ... ]`: comparisons matched against one observed object. */
export interface Observation {
  readonly kind: 'observation';
  readonly comparison: ComparisonExpression;
}

export type ObservationOperator = 'AND' | 'OR' | 'FOLLOWEDBY';

/**
 * Two or more operands. The operators are associative, so parsing flattens `a AND (b AND c)` into one
 * group: an operand is never a group with the same operator.
 */
export interface ObservationGroup {
  readonly kind: 'observation-group';
  readonly operator: ObservationOperator;
  readonly operands: readonly ObservationExpression[];
}

export interface QualifiedObservation {
  readonly kind: 'qualified';
  readonly observation: ObservationExpression;
  readonly qualifier: Qualifier;
}

export type Qualifier =
  | { readonly kind: 'within'; readonly seconds: number }
  | { readonly kind: 'repeats'; readonly times: number }
  | { readonly kind: 'start-stop'; readonly start: string; readonly stop: string };

export type ComparisonExpression = ComparisonGroup | Comparison | ExistsTest;

/** Two or more operands, flattened like {@link ObservationGroup}. */
export interface ComparisonGroup {
  readonly kind: 'comparison-group';
  readonly operator: 'AND' | 'OR';
  readonly operands: readonly ComparisonExpression[];
}

export type EqualityOperator = '=' | '!=';
export type OrderOperator = '<' | '<=' | '>' | '>=';
export type StringOperator = 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

interface ComparisonBase {
  readonly kind: 'comparison';
  readonly path: ObjectPath;
  /** Written `NOT` before the operator. */
  readonly negated: boolean;
}

export interface EqualityComparison extends ComparisonBase {
  readonly operator: EqualityOperator;
  readonly value: Literal;
}

export interface OrderComparison extends ComparisonBase {
  readonly operator: OrderOperator;
  readonly value: OrderableLiteral;
}

export interface StringComparison extends ComparisonBase {
  readonly operator: StringOperator;
  readonly value: StringLiteral;
}

export interface SetComparison extends ComparisonBase {
  readonly operator: 'IN';
  readonly values: readonly Literal[];
}

export type Comparison = EqualityComparison | OrderComparison | StringComparison | SetComparison;

export interface ExistsTest {
  readonly kind: 'exists';
  readonly path: ObjectPath;
}

/** `file:hashes.'SHA-256'` is objectType file, property hashes, steps [key SHA-256]. */
export interface ObjectPath {
  readonly objectType: string;
  readonly property: string;
  readonly steps: readonly PathStep[];
}

export type PathStep =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'any-index' };

export interface StringLiteral {
  readonly kind: 'string';
  /** Unescaped. */
  readonly value: string;
}
export interface IntegerLiteral {
  readonly kind: 'integer';
  readonly value: number;
}
export interface FloatLiteral {
  readonly kind: 'float';
  readonly value: number;
}
export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
}
export interface HexLiteral {
  readonly kind: 'hex';
  /** Lower-case hex digits, two per byte. */
  readonly value: string;
}
export interface BinaryLiteral {
  readonly kind: 'binary';
  /** Base64 as written. */
  readonly value: string;
}
export interface TimestampLiteral {
  readonly kind: 'timestamp';
  /** RFC 3339 in UTC, as written. */
  readonly value: string;
}

export type OrderableLiteral = StringLiteral | IntegerLiteral | FloatLiteral | HexLiteral | BinaryLiteral | TimestampLiteral;
export type Literal = OrderableLiteral | BooleanLiteral;
