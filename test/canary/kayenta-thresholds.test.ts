import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKayentaConfig } from '../../src/canary/judge/kayenta-config.js';
import { runCliProcess } from '../helpers/cli-process.js';

const fixture = (name: string): string => new URL(`../fixtures/canary/${name}`, import.meta.url).pathname;
const base = JSON.parse(readFileSync(fixture('kayenta-config.json'), 'utf8')) as {
  classifier: Record<string, unknown>;
};

/** The fixture's config with its classifier's score thresholds set. */
function configWith(scoreThresholds: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-kayenta-thresholds-'));
  const path = join(dir, 'canary-config.json');
  writeFileSync(path, JSON.stringify({ ...base, classifier: { ...base.classifier, scoreThresholds } }, null, 2));
  return path;
}

async function judge(config: string, ...flags: string[]) {
  const run = await runCliProcess([
    'canary',
    'judge',
    '--config',
    config,
    '--input',
    fixture('kayenta-input.json'),
    '--format',
    'json',
    ...flags,
  ]);
  return {
    code: run.code,
    result: JSON.parse(run.stdout) as {
      score: number;
      verdict: string;
      thresholds: { pass: number; marginal: number };
    },
  };
}

describe("a Kayenta config's classifier.scoreThresholds decide its verdict", () => {
  it('judges the score 70 Marginal under pass 75 / marginal 50, where the default 95 / 75 fails it', async () => {
    const marginal = await judge(configWith({ pass: 75, marginal: 50 }));
    expect(marginal.result).toMatchObject({ score: 70, verdict: 'Marginal', thresholds: { pass: 75, marginal: 50 } });
    expect(marginal.code).toBe(1);
    const passed = await judge(configWith({ pass: 65.0, marginal: 50.0 }));
    expect(passed.result).toMatchObject({ score: 70, verdict: 'Pass', thresholds: { pass: 65, marginal: 50 } });
    expect(passed.code).toBe(0);
  });

  it('lets the command-line thresholds override the config', async () => {
    const run = await judge(
      configWith({ pass: 75, marginal: 50 }),
      '--pass-threshold',
      '90',
      '--marginal-threshold',
      '80',
    );
    expect(run.result).toMatchObject({ verdict: 'Fail', thresholds: { pass: 90, marginal: 80 } });
  });

  it('reports thresholds out of range or out of order with the field', () => {
    expect(() => parseKayentaConfig({ ...base, classifier: { scoreThresholds: { pass: 120 } } }, 'c.json')).toThrow(
      /classifier\.scoreThresholds\.pass: expected a score from 0 to 100, got 120/,
    );
    expect(() =>
      parseKayentaConfig({ ...base, classifier: { scoreThresholds: { pass: 60, marginal: 70 } } }, 'c.json'),
    ).toThrow(/classifier\.scoreThresholds\.marginal: expected at most the pass score \(60\), got 70/);
    expect(() => parseKayentaConfig({ ...base, classifier: { scoreThresholds: 'strict' } }, 'c.json')).toThrow(
      /classifier\.scoreThresholds: expected an object/,
    );
  });
});
