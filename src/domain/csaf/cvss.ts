// CVSS v3.1 base metrics (FIRST, CVSS v3.1 specification §7): reading a vector string, computing its
// base score, and the `cvss_v3` object CSAF 2.0 carries. Advisories state a score only when it is the
// one their vector gives.
import { Invalid } from '../errors.ts';

const METRICS = {
  AV: { name: 'attackVector', values: { N: 'NETWORK', A: 'ADJACENT_NETWORK', L: 'LOCAL', P: 'PHYSICAL' } },
  AC: { name: 'attackComplexity', values: { L: 'LOW', H: 'HIGH' } },
  PR: { name: 'privilegesRequired', values: { N: 'NONE', L: 'LOW', H: 'HIGH' } },
  UI: { name: 'userInteraction', values: { N: 'NONE', R: 'REQUIRED' } },
  S: { name: 'scope', values: { U: 'UNCHANGED', C: 'CHANGED' } },
  C: { name: 'confidentialityImpact', values: { H: 'HIGH', L: 'LOW', N: 'NONE' } },
  I: { name: 'integrityImpact', values: { H: 'HIGH', L: 'LOW', N: 'NONE' } },
  A: { name: 'availabilityImpact', values: { H: 'HIGH', L: 'LOW', N: 'NONE' } },
} as const;

type Metric = keyof typeof METRICS;
const ORDER = Object.keys(METRICS) as Metric[];
export type CvssBaseMetrics = { [M in Metric]: keyof (typeof METRICS)[M]['values'] };

const WEIGHT = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

// Privileges weigh more when the attack reaches beyond the vulnerable component's scope.
const PRIVILEGES = { U: { N: 0.85, L: 0.62, H: 0.27 }, C: { N: 0.85, L: 0.68, H: 0.5 } } as const;

export const CVSS_SEVERITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type CvssSeverity = (typeof CVSS_SEVERITIES)[number];

/** Reads `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`: the eight base metrics, each once, in the
 *  specification's order (as CSAF's schema requires). */
export function parseCvss31Vector(vector: string, field = 'vectorString'): CvssBaseMetrics {
  const [prefix, ...parts] = vector.trim().split('/');
  if (prefix !== 'CVSS:3.1') throw new Invalid(field, 'must start with CVSS:3.1/ (a CVSS v3.1 vector)');
  if (parts.length !== ORDER.length) {
    throw new Invalid(field, `must hold exactly the eight base metrics ${ORDER.join('/')}, in that order`);
  }
  const metrics: Partial<Record<Metric, string>> = {};
  parts.forEach((part, i) => {
    const expected = ORDER[i]!;
    const [key, value] = part.split(':');
    if (key !== expected) throw new Invalid(field, `metric ${i + 1} must be ${expected} (base metrics in the specification's order)`);
    const allowed = Object.keys(METRICS[expected].values);
    if (value === undefined || !allowed.includes(value)) throw new Invalid(field, `${expected} must be one of ${allowed.join(', ')}`);
    metrics[expected] = value;
  });
  return metrics as CvssBaseMetrics;
}

/** CVSS v3.1's Roundup: the smallest number with one decimal that is not below the input, computed
 *  on integers so that floating-point noise (4.000000000000001) does not lift a score. */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

export function cvss31BaseScore(m: CvssBaseMetrics): number {
  const iss = 1 - (1 - WEIGHT.CIA[m.C]) * (1 - WEIGHT.CIA[m.I]) * (1 - WEIGHT.CIA[m.A]);
  const changed = m.S === 'C';
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * WEIGHT.AV[m.AV] * WEIGHT.AC[m.AC] * PRIVILEGES[m.S][m.PR] * WEIGHT.UI[m.UI];
  if (impact <= 0) return 0;
  return changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10)) : roundUp(Math.min(impact + exploitability, 10));
}

export function cvssSeverity(score: number): CvssSeverity {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

export interface CsafCvssV3 {
  version: '3.1';
  vectorString: string;
  baseScore: number;
  baseSeverity: CvssSeverity;
  [metric: string]: string | number;
}

/** The vector checked, its score computed (and compared with `statedScore` when one is given). */
export function cvss31(vector: string, statedScore: number | undefined, field: string): CsafCvssV3 {
  const metrics = parseCvss31Vector(vector, `${field}.vector`);
  const baseScore = cvss31BaseScore(metrics);
  if (statedScore !== undefined && statedScore !== baseScore) {
    throw new Invalid(`${field}.baseScore`, `${statedScore} does not match the vector, whose base score is ${baseScore}`);
  }
  const cvss: CsafCvssV3 = { version: '3.1', vectorString: vector.trim(), baseScore, baseSeverity: cvssSeverity(baseScore) };
  for (const key of ORDER) {
    const metric = METRICS[key];
    cvss[metric.name] = (metric.values as Record<string, string>)[metrics[key]]!;
  }
  return cvss;
}
