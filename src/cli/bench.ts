import type { Command } from 'commander';
import { runBenchmarks } from '../../bench/run.ts';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks in bench/ and print each figure with its ratio to the named baseline')
    .option('--only <name>', 'run only benchmarks whose name contains this')
    .option('--duration <seconds>', 'seconds per load test', '10')
    .action(async (o: { only?: string; duration: string }) => {
      const failed = await runBenchmarks({ only: o.only, durationSeconds: Number.parseInt(o.duration, 10) });
      if (failed) process.exitCode = 1;
    });
}
