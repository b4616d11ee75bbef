import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryJudgeCommand } from '../../src/cli/canary-judge-command.js';
import { loadJudgeConfig } from '../../src/canary/judge/load-config.js';
import type { JudgeResult } from '../../src/canary/judge/types.js';

const fixture = (name: string): string => new URL(`../fixtures/canary/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bellwether-judge-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('canary judge command', () => {
  it('runs a Kayenta config unchanged with the kayenta profile, and says which profile decided', async () => {
    const out = await canaryJudgeCommand({
      config: fixture('kayenta-config.json'),
      input: fixture('kayenta-input.json'),
      format: 'json',
    });
    const result = JSON.parse(out.stdout) as JudgeResult;
    expect(result.profile).toBe('kayenta');
    expect(result.metrics.map((m) => m.name)).toEqual(['http-errors', 'latency-p99', 'cpu', 'gc-pauses']);
    const latency = result.metrics.find((m) => m.name === 'latency-p99');
    expect(latency?.classification).toBe('High');
    expect(latency).toMatchObject({
      critical: false,
      interval: expect.any(Object),
      estimate: expect.any(Number),
      meanRatio: expect.any(Number),
    });
    expect(latency?.baseline).toMatchObject({
      n: 60,
      mean: expect.any(Number),
      median: expect.any(Number),
      p99: expect.any(Number),
    });
    // errors 50 + saturation 20 pass, latency 30 fails
    expect(result.score).toBe(70);
    expect(result.verdict).toBe('Fail');
    expect(out.exitCode).toBe(1);
    expect(result.thresholds).toEqual({ pass: 95, marginal: 75 });
  });

  it('takes --profile and the thresholds', async () => {
    const out = await canaryJudgeCommand({
      config: fixture('kayenta-config.json'),
      input: fixture('kayenta-input.json'),
      format: 'json',
      profile: 'bellwether',
      passThreshold: 70,
      marginalThreshold: 50,
    });
    const result = JSON.parse(out.stdout) as JudgeResult;
    expect(result.profile).toBe('bellwether');
    expect(result.verdict).toBe('Pass');
    expect(out.exitCode).toBe(0);
  });

  it('prints hot metrics first in text, with a chart of the distributions', async () => {
    const out = await canaryJudgeCommand({
      config: fixture('kayenta-config.json'),
      input: fixture('kayenta-input.json'),
      format: 'text',
    });
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe(
      'Fail: latency-p99 High — canary 0.188 s against baseline 0.126 s, +49% (the policy allows +10%)',
    );
    expect(lines[1]).toMatch(/^Score 70 \(pass needs ≥ \d+, marginal ≥ \d+\); kayenta profile\.$/);
    const header = lines.findIndex((l) => l.startsWith('METRIC'));
    expect(lines[header]).toMatch(/METRIC\s+STATE\s+CANARY\s+BASELINE\s+CHANGE\s+ALLOWED\s+WHAT DECIDED/);
    expect(lines[header + 1]).toMatch(/^latency-p99\s+High/);
    expect(out.stdout).toContain('Distributions');
    expect(out.stdout).toMatch(/B ├.*●.*┤/);
  });

  it('reads our YAML judge block', async () => {
    const config = file(
      'judge.yml',
      [
        'judge:',
        '  passThreshold: 90',
        '  marginalThreshold: 70',
        '  metrics:',
        '    - name: latency-p99',
        '      direction: increase',
        '      allowedIncrease: 10',
      ].join('\n'),
    );
    const input = file(
      'input.json',
      JSON.stringify({
        'latency-p99': {
          baseline: Array.from({ length: 40 }, (_, i) => 100 + i),
          canary: Array.from({ length: 40 }, (_, i) => 160 + i),
        },
      }),
    );
    const out = await canaryJudgeCommand({ config, input, format: 'json' });
    const result = JSON.parse(out.stdout) as JudgeResult;
    expect(result.profile).toBe('bellwether');
    expect(result.thresholds).toEqual({ pass: 90, marginal: 70 });
    expect(result.metrics[0]?.classification).toBe('High');
    expect(out.exitCode).toBe(1);
  });

  it.each([
    [
      'a string among the samples',
      '{"latency-p99": {"baseline": [1, "2"], "canary": [1]}}',
      /input\.json:1: latency-p99\.baseline\[1\]: expected a number or null, got "2"/,
    ],
    ['a missing side', '{\n"latency-p99": {"baseline": [1, 2]}\n}', /:2: latency-p99\.canary: missing required field/],
    ['not JSON', '{"latency-p99": ', /not valid JSON/],
    ['an array', '[1, 2]', /expected an object mapping each metric name/],
    [
      'an unknown metric',
      '{"latency-p99": {"baseline": [1], "canary": [1]}, "cpu": {"baseline": [1], "canary": [1]}}',
      /input\.json.*"cpu", which the configuration does not define/,
    ],
  ])('exits 2 on bad input: %s', async (_what, text, message) => {
    const config = file('one.yml', 'metrics:\n  - name: latency-p99\n');
    const out = await canaryJudgeCommand({ config, input: file('input.json', text), format: 'text' });
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toMatch(message);
  });

  it('passes a sequential look through and reports it', async () => {
    const out = await canaryJudgeCommand({
      config: fixture('kayenta-config.json'),
      input: fixture('kayenta-input.json'),
      format: 'json',
      profile: 'bellwether',
      sequential: { look: 2, looks: 6 },
    });
    const result = JSON.parse(out.stdout) as JudgeResult;
    expect(result.sequential).toEqual({ look: 2, looks: 6 });
    // an early look spends almost none of the budget
    expect(result.metrics.find((m) => m.name === 'cpu')?.alpha).toBeLessThan(1e-4);
    const bad = await canaryJudgeCommand({
      config: fixture('kayenta-config.json'),
      input: fixture('kayenta-input.json'),
      format: 'text',
      sequential: { look: 7, looks: 6 },
    });
    expect(bad.exitCode).toBe(2);
  });

  it('exits 2 on a missing file and on a bad threshold', async () => {
    const config = file('one.yml', 'metrics:\n  - name: m\n');
    expect(
      (await canaryJudgeCommand({ config: join(dir, 'nope.json'), input: config, format: 'json' })).stdout,
    ).toContain('no such file');
    const input = file('ok.json', '{"m": {"baseline": [1], "canary": [1]}}');
    const bad = await canaryJudgeCommand({ config, input, format: 'text', passThreshold: 120 });
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toContain('--pass-threshold');
  });

  it('holds a canary whose metrics have no data', async () => {
    const config = file('two.yml', 'metrics:\n  - name: a\n  - name: b\n');
    const out = await canaryJudgeCommand({
      config,
      input: file('empty.json', '{"a": {"baseline": [null], "canary": []}}'),
      format: 'json',
    });
    const result = JSON.parse(out.stdout) as JudgeResult;
    expect(result.metrics.map((m) => m.classification)).toEqual(['NoData', 'NoData']);
    expect(result.verdict).toBe('NoData');
    expect(result.score).toBeNull();
    expect(out.exitCode).toBe(4);
  });
});

describe('loadJudgeConfig', () => {
  it('names file, line and field for a mistake in the YAML block', () => {
    expect(() => loadJudgeConfig('metrics:\n  - name: m\n    direction: upward\n', 'judge.yml')).toThrow(
      /judge\.yml:3.*metrics\[0\]\.direction/,
    );
  });

  it('converts percent thresholds to Kayenta multipliers', () => {
    const config = loadJudgeConfig(
      'metrics:\n  - name: m\n    allowedIncrease: 10\n    allowedDecrease: 20\n  - name: c\n    effectSize: cles\n    allowedIncrease: 10\n',
      'judge.yml',
    );
    expect(config.metrics[0]?.effectSize).toMatchObject({
      measure: 'meanRatio',
      allowedIncrease: 1.1,
      allowedDecrease: 0.8,
    });
    expect(config.metrics[1]?.effectSize.allowedIncrease).toBeCloseTo(0.6, 12);
    expect(config.metrics[0]?.groups).toEqual(['default']);
  });

  it('reads the judge block of a canary policy', () => {
    const config = loadJudgeConfig(
      [
        'kind: canary',
        'version: 1',
        'analysis:',
        '  judge:',
        '    profile: kayenta',
        '    metrics:',
        '      - name: errors',
        '        query: sum(rate(errors[1m]))',
        '        direction: increase',
      ].join('\n'),
      'canary.yml',
    );
    expect(config.profile).toBe('kayenta');
    expect(config.metrics[0]).toMatchObject({ name: 'errors', direction: 'increase', query: 'sum(rate(errors[1m]))' });
  });
});
