/**
 * A metric's unit: the one its policy declares (`unit:`), or else the one
 * its query's metric names carry. Held through the shipped CLI: `bellwether
 * canary judge` writes values in the declared unit, and a unit it does not
 * know is an error naming the file, line and field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatValue, unitOfMetric } from '../../src/report/units.js';
import { runCliProcess } from '../helpers/cli-process.js';

const LATENCY = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))';

describe('the unit of a metric', () => {
  it('is the declared one, whatever the query says', () => {
    expect(formatValue(0.222, unitOfMetric({ unit: 's', query: LATENCY }))).toBe('0.222 s');
    expect(formatValue(12, unitOfMetric({ unit: 'ms', query: 'errors_total' }))).toBe('12 ms');
    expect(formatValue(0.031, unitOfMetric({ unit: 'ratio', query: 'sum(a_total) / sum(b_total)' }))).toBe('3.1%');
    expect(formatValue(3.1, unitOfMetric({ unit: 'percent' }))).toBe('3.1%');
    expect(formatValue(1200, unitOfMetric({ unit: 'bytes' }))).toBe('1.2 kB');
    expect(formatValue(40, unitOfMetric({ unit: 'per-second' }))).toBe('40/s');
    expect(formatValue(0.5, unitOfMetric({ unit: 'count', query: 'x_seconds' }))).toBe('0.5');
  });

  it('is guessed from the query when none is declared, and a bare number when the query does not tell', () => {
    expect(formatValue(0.5, unitOfMetric({ query: 'process_resident_memory_bytes' }))).toBe('0.5 B');
    // a quantile over a rate of seconds: the names do not say seconds, so no unit is guessed
    expect(formatValue(0.222, unitOfMetric({ query: LATENCY }))).toBe('0.222');
    expect(formatValue(0.222, unitOfMetric({}))).toBe('0.222');
  });
});

const series = (n: number, level: number, k = 0) =>
  Array.from({ length: n }, (_, i) => level + (((i + k) * 37) % 11) / 100);

function judgeFiles(unit: string): { config: string; input: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bw-unit-'));
  const config = join(dir, 'canary.yml');
  writeFileSync(
    config,
    [
      'kind: canary',
      'analysis:',
      '  judge:',
      '    metrics:',
      '      - name: latency-p99',
      `        query: '${LATENCY}'`,
      ...(unit ? [`        unit: ${unit}`] : []),
      '        direction: increase',
      '',
    ].join('\n'),
  );
  const input = join(dir, 'samples.json');
  writeFileSync(
    input,
    JSON.stringify({ 'latency-p99': { baseline: series(30, 0.119), canary: series(30, 0.222, 3) } }),
  );
  return { config, input };
}

describe('bellwether canary judge writes values in the declared unit', () => {
  it('seconds when the policy says s; bare numbers without it', async () => {
    const declared = judgeFiles('s');
    const withUnit = await runCliProcess(['canary', 'judge', '--config', declared.config, '--input', declared.input]);
    expect(withUnit.stderr).toBe('');
    expect(withUnit.stdout).toMatch(/canary 0\.2\d+ s against baseline 0\.1\d+ s/);
    const guessed = judgeFiles('');
    const without = await runCliProcess(['canary', 'judge', '--config', guessed.config, '--input', guessed.input]);
    expect(without.stdout).toMatch(/canary 0\.2\d+ against baseline 0\.1\d+,/);
  });

  it('an unknown unit is an error naming the file, line and field, and the units there are', async () => {
    const bad = judgeFiles('seconds');
    const run = await runCliProcess(['canary', 'judge', '--config', bad.config, '--input', bad.input]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(
      `${bad.config}:7: analysis.judge.metrics[0].unit: expected one of "s", "ms", "bytes", "percent", "ratio", "per-second" or "count", got "seconds"`,
    );
  });
});
