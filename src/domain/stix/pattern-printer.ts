// Prints a pattern tree as canonical STIX 2.1 pattern text.
import type {
  ComparisonExpression,
  Literal,
  ObjectPath,
  ObservationExpression,
  ObservationOperator,
  PathStep,
  Pattern,
  Qualifier,
} from './pattern.ts';

// Keywords are upper-case and the booleans lower-case; all are reserved words in the grammar.
export const KEYWORDS: ReadonlySet<string> = new Set(
  'AND OR NOT FOLLOWEDBY LIKE MATCHES ISSUPERSET ISSUBSET EXISTS LAST IN START STOP SECONDS true false WITHIN REPEATS TIMES'.split(' '),
);

const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OBSERVATION_PRECEDENCE: Readonly<Record<ObservationOperator, number>> = { FOLLOWEDBY: 0, OR: 1, AND: 2 };
const COMPARISON_PRECEDENCE: Readonly<Record<'AND' | 'OR', number>> = { OR: 0, AND: 1 };

/**
 * The canonical text of a pattern: single spaces, keys quoted only where needed, strings with `\'` and
 * `\\` escaped. `parsePattern(formatPattern(p))` equals `p` for every tree parsePattern returns.
 */
export function formatPattern(pattern: Pattern): string {
  return observationText(pattern);
}

function observationText(expression: ObservationExpression): string {
  switch (expression.kind) {
    case 'observation':
      return `[${comparisonText(expression.comparison)}]`;
    case 'observation-group':
      return expression.operands
        .map((operand) =>
          operand.kind === 'observation-group' && OBSERVATION_PRECEDENCE[operand.operator] <= OBSERVATION_PRECEDENCE[expression.operator]
            ? `(${observationText(operand)})`
            : observationText(operand),
        )
        .join(` ${expression.operator} `);
    case 'qualified': {
      const inner = expression.observation;
      const grouped = inner.kind === 'observation-group' || chainHasQualifier(inner, expression.qualifier.kind);
      return `${grouped ? `(${observationText(inner)})` : observationText(inner)} ${qualifierText(expression.qualifier)}`;
    }
  }
}

// A qualifier kind may appear once in an unparenthesised chain, so a repeat needs parentheses.
function chainHasQualifier(expression: ObservationExpression, kind: Qualifier['kind']): boolean {
  for (let e = expression; e.kind === 'qualified'; e = e.observation) if (e.qualifier.kind === kind) return true;
  return false;
}

function qualifierText(qualifier: Qualifier): string {
  switch (qualifier.kind) {
    case 'within':
      return `WITHIN ${Number.isInteger(qualifier.seconds) ? String(qualifier.seconds) : plainDecimal(qualifier.seconds)} SECONDS`;
    case 'repeats':
      return `REPEATS ${qualifier.times} TIMES`;
    case 'start-stop':
      return `START t'${qualifier.start}' STOP t'${qualifier.stop}'`;
  }
}

function comparisonText(expression: ComparisonExpression): string {
  switch (expression.kind) {
    case 'comparison-group':
      return expression.operands
        .map((operand) =>
          operand.kind === 'comparison-group' && COMPARISON_PRECEDENCE[operand.operator] <= COMPARISON_PRECEDENCE[expression.operator]
            ? `(${comparisonText(operand)})`
            : comparisonText(operand),
        )
        .join(` ${expression.operator} `);
    case 'exists':
      return `EXISTS ${pathText(expression.path)}`;
    case 'comparison': {
      const left = `${pathText(expression.path)}${expression.negated ? ' NOT' : ''} ${expression.operator}`;
      if (expression.operator === 'IN') return `${left} (${expression.values.map(literalText).join(', ')})`;
      return `${left} ${literalText(expression.value)}`;
    }
  }
}

export function pathText(path: ObjectPath): string {
  return `${path.objectType}:${keyText(path.property)}${path.steps.map(stepText).join('')}`;
}

export function stepText(step: PathStep): string {
  switch (step.kind) {
    case 'key':
      return `.${keyText(step.key)}`;
    case 'index':
      return `[${step.index}]`;
    case 'any-index':
      return '[*]';
  }
}

// Reserved words are quoted too, so other STIX parsers, which tokenise them as keywords, read the key.
function keyText(key: string): string {
  return PROPERTY_NAME.test(key) && !KEYWORDS.has(key) ? key : quote(key);
}

export function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function literalText(literal: Literal): string {
  switch (literal.kind) {
    case 'string':
      return quote(literal.value);
    case 'integer':
      return String(literal.value);
    case 'float': {
      const text = plainDecimal(literal.value);
      return text.includes('.') ? text : `${text}.0`;
    }
    case 'boolean':
      return String(literal.value);
    case 'hex':
      return `h'${literal.value}'`;
    case 'binary':
      return `b'${literal.value}'`;
    case 'timestamp':
      return `t'${literal.value}'`;
  }
}

/** A number in positional notation: the grammar has no exponents. */
export function plainDecimal(value: number): string {
  const [mantissa = '', exponentText] = String(Math.abs(value)).split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText ?? 0);
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return value < 0 ? `-${text}` : text;
}

export function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
