// The benchmark runner: each benchmark reports figures; each figure is printed with its unit and
// its ratio to a named baseline (higher ratio = better than the baseline, whatever the unit).
import { httpThroughput } from './http-throughput.ts';
import { intelBulk } from './intel-bulk.ts';
import { incidentsBench } from './incidents.ts';
import { exchangeBench } from './exchange.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number; higherIsBetter: boolean };
}

export interface Benchmark {
  name: string;
  run(options: { durationSeconds: number; progress: (message: string) => void }): Promise<Figure[]>;
}

const BENCHMARKS: Benchmark[] = [httpThroughput, intelBulk, incidentsBench, exchangeBench];

export function ratio(figure: Figure): number {
  return figure.baseline.higherIsBetter ? figure.value / figure.baseline.value : figure.baseline.value / figure.value;
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

/** Runs the benchmarks; returns true when one of them failed. */
export async function runBenchmarks(options: { only?: string | undefined; durationSeconds: number }): Promise<boolean> {
  const selected = BENCHMARKS.filter((b) => !options.only || b.name.includes(options.only));
  let failed = false;
  for (const bench of selected) {
    console.log(`\n== ${bench.name}`);
    try {
      const figures = await bench.run({ durationSeconds: options.durationSeconds, progress: (m) => console.log(`   … ${m}`) });
      for (const f of figures) {
        console.log(
          `${f.name.padEnd(44)} ${format(f.value).padStart(10)} ${f.unit.padEnd(8)} ratio ${ratio(f).toFixed(2)}x  vs ${f.baseline.name} (${format(f.baseline.value)} ${f.unit})`,
        );
      }
    } catch (error) {
      failed = true;
      console.error(`${bench.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  return failed;
}
