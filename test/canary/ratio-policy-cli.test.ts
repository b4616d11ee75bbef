/**
 * A canary policy's ratio metric through the shipped CLI: `policy check`
 * refuses a ratio without its denominator (and a denominator on another
 * kind) naming file, line and field; `canary judge --config` reads a policy
 * with a ratio and prints errors per request with their totals.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-ratio-policy-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

const POLICY = `kind: canary
analysis:
  judge:
    metrics:
      - name: error-rate
        kind: ratio
        query: sum(increase(http_errors_total{version="{{version}}"}[1m])) or vector(0)
        denominator: sum(increase(http_requests_total{version="{{version}}"}[1m]))
        direction: increase
`;

describe('ratio metrics of a canary policy (the process)', () => {
  it('policy check names the file, line and field of a missing or misplaced denominator', async () => {
    const bad = file(
      'canary.yml',
      `kind: canary
analysis:
  judge:
    metrics:
      - name: error-rate
        kind: ratio
        query: errors
      - name: latency
        query: latency_seconds
        denominator: requests
`,
    );
    const run = await runCliProcess(['policy', 'check', bad]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(
      `${bad}:5: analysis.judge.metrics[0].denominator: missing required field: a ratio metric (kind: ratio) needs the query of its requests per point`,
    );
    expect(run.stdout + run.stderr).toContain(
      `${bad}:10: analysis.judge.metrics[1].denominator: only a ratio metric (kind: ratio) has a denominator; this metric is kind: continuous`,
    );
  });

  it('canary judge reads the policy and shows errors per request with their totals', async () => {
    const input = file(
      'input.json',
      JSON.stringify({
        'error-rate': {
          baseline: flat(20, 60),
          canary: flat(30, 60),
          baselineDenominator: flat(10_000, 60),
          canaryDenominator: flat(10_000, 60),
        },
      }),
    );
    const run = await runCliProcess(['canary', 'judge', '--config', file('policy.yml', POLICY), '--input', input]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'error-rate High — canary 0.3% (1,800 of 600,000) against baseline 0.2% (1,200 of 600,000), +50% (the policy allows +5%)',
    );
  });
});
