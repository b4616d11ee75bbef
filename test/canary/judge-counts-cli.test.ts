/**
 * Count and ratio metrics through the shipped CLI: `kind` in the YAML judge
 * block, denominators in the input file, the verdict and its reason in the
 * JSON output and the exit code.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JudgeResult } from '../../src/canary/judge/types.js';
import { runCliProcess } from '../helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-judge-counts-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const spread = (total: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => Math.floor(((i + 1) * total) / n) - Math.floor((i * total) / n));
const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

const CONFIG = `judge:
  metrics:
    - name: server-errors
      kind: count
      direction: increase
    - name: error-ratio
      kind: ratio
      direction: increase
`;

describe('canary judge with count and ratio metrics (the process)', () => {
  it('fails errors rising from 0.2 to 0.3 per interval over 1,000 intervals, on the totals, and says so', async () => {
    const input = file(
      'rise.json',
      JSON.stringify({
        'server-errors': { baseline: spread(200, 1000), canary: spread(300, 1000) },
        'error-ratio': {
          baseline: spread(1200, 60),
          canary: spread(12, 60),
          baselineDenominator: flat(10_000, 60),
          canaryDenominator: flat(100, 60),
        },
      }),
    );
    const run = await runCliProcess([
      'canary',
      'judge',
      '--config',
      file('judge.yml', CONFIG),
      '--input',
      input,
      '--format',
      'json',
    ]);
    const result = JSON.parse(run.stdout) as JudgeResult;
    expect(result.verdict).toBe('Fail');
    expect(run.code).toBe(1);
    const [errors, ratio] = result.metrics;
    expect(errors?.classification).toBe('High');
    expect(errors?.reason).toMatch(
      /^higher: count test p = .*300 events in 1000 canary intervals against 200 in 1000 baseline intervals, rate ratio 1\.5 in \[/,
    );
    expect(ratio?.classification).toBe('Pass');
    expect(ratio?.reason).toMatch(/canary 12 of 6000 \(0\.2%\) against baseline 1200 of 600000 \(0\.2%\)/);
  });

  it('holds a ratio metric given without denominators, naming what is missing', async () => {
    const input = file(
      'no-denominators.json',
      JSON.stringify({
        'server-errors': { baseline: spread(12, 60), canary: spread(12, 60) },
        'error-ratio': { baseline: spread(12, 60), canary: spread(12, 60) },
      }),
    );
    const run = await runCliProcess([
      'canary',
      'judge',
      '--config',
      file('judge.yml', CONFIG),
      '--input',
      input,
      '--format',
      'json',
    ]);
    const result = JSON.parse(run.stdout) as JudgeResult;
    expect(result.verdict).toBe('NoData');
    expect(run.code).toBe(4);
    expect(result.metrics[1]?.reason).toBe(
      'a ratio metric needs its denominators: canaryDenominator and baselineDenominator missing',
    );
  });

  it('names the field of a bad denominator', async () => {
    const input = file(
      'bad.json',
      JSON.stringify({ 'error-ratio': { baseline: [1], canary: [1], canaryDenominator: [1, 'x'] } }),
    );
    const run = await runCliProcess(['canary', 'judge', '--config', file('judge.yml', CONFIG), '--input', input]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(
      /bad\.json:1: error-ratio\.canaryDenominator\[1\]: expected a number or null, got "x"/,
    );
  });
});
