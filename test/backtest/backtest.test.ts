/**
 * `bellwether backtest` as a process, on a copy of the shipped example: its
 * two releases replayed from the recorded metrics through the example's
 * canary policy, and through a laxer one that misses the regression.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { summarize, type BacktestRelease } from '../../src/backtest/run.js';
import { runCliProcess } from '../helpers/cli-process.js';
import { parseMarkdown } from '../helpers/markdown.js';

let dir: string;
const releases = [
  'service: checkout',
  'region: us-east-1',
  'releases:',
  '  - { version: 1.42.0, baseline: 1.41.0, start: 2026-11-23T14:00:00Z, truth: good }',
  '  - { version: 1.43.0, baseline: 1.42.0, start: 2026-11-24T14:00:00Z, truth: regression }',
  '',
].join('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bw-backtest-'));
  cpSync('examples/checkout', dir, { recursive: true });
  writeFileSync(join(dir, 'releases.yml'), releases);
  // A laxer policy beside the example's: latency may triple before it counts, and no absolute gate.
  const lax = join(dir, 'lax');
  cpSync(join(dir, '.github/bellwether'), lax, { recursive: true });
  const canary = readFileSync(join(lax, 'canary.yml'), 'utf8');
  expect(canary).toContain('allowedIncrease: 10');
  writeFileSync(
    join(lax, 'canary.yml'),
    canary.replace('allowedIncrease: 10', 'allowedIncrease: 300').replace(/^health:\n(?: .*\n)*/m, ''),
  );
});

describe('bellwether backtest', () => {
  it('replays each release through the policy and says what it decided, and when', async () => {
    const run = await runCliProcess(['backtest', '--releases', 'releases.yml', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.releases).toEqual([
      expect.objectContaining({
        version: '1.42.0',
        result: 'promoted',
        right: true,
        maxWeight: 100,
        judgments: { Pass: 8 },
      }),
      expect.objectContaining({ version: '1.43.0', result: 'rolled-back', right: true, maxWeight: 1 }),
    ]);
    // Four stages of ten minutes to promote; the regression is caught at the first judgment, five minutes in.
    expect(out.releases[0].timeToDecisionMs).toBe(40 * 60_000);
    expect(out.releases[1].timeToDecisionMs).toBe(5 * 60_000);
    expect(out.releases[1].headline).toContain('latency-p99 High');
    expect(out.summary).toMatchObject({ regressions: 1, caught: 1, missed: 0, good: 1, falseFailures: 0, held: 0 });
  });

  it('exits 1 and names the miss when a policy would have promoted a regression', async () => {
    const run = await runCliProcess(['backtest', '--releases', 'releases.yml', '--policy', 'lax'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/1\.43\.0\s+regression\s+promoted\s+WRONG\s+100%/);
    expect(run.stdout).toContain('Regressions caught: 0 of 1 (1 promoted)');
  });

  it('writes well-formed Markdown for a job summary', async () => {
    const run = await runCliProcess(['backtest', '--releases', 'releases.yml', '--format', 'markdown'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(parseMarkdown(run.stdout).problems).toEqual([]);
    expect(run.stdout).toContain('| 1.43.0 | regression | rolled-back | right | 1% | 5 min |');
  });

  it('names the file, line and field of a mistake in the releases file', async () => {
    writeFileSync(join(dir, 'bad.yml'), releases.replace('truth: regression', 'truth: bad'));
    const run = await runCliProcess(['backtest', '--releases', 'bad.yml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.yml:5/);
    expect(run.stderr).toContain('truth');
  });
});

describe('summarize', () => {
  const r = (truth: BacktestRelease['truth'], result: BacktestRelease['result'], minutes: number): BacktestRelease => ({
    version: 'v',
    ...(truth ? { truth } : {}),
    result,
    start: '2026-01-01T00:00:00Z',
    decidedAt: '2026-01-01T00:00:00Z',
    timeToDecisionMs: minutes * 60_000,
    maxWeight: 1,
    judgments: {},
    headline: '',
  });

  it('counts caught and missed regressions, false failures and holds apart', () => {
    expect(
      summarize([
        r('regression', 'rolled-back', 5),
        r('regression', 'rolled-back', 15),
        r('regression', 'promoted', 40),
        r('good', 'rolled-back', 10),
        r('good', 'promoted', 40),
        r('good', 'held', 60),
        r(undefined, 'promoted', 40),
      ]),
    ).toEqual({
      releases: 7,
      regressions: 3,
      caught: 2,
      missed: 1,
      good: 3,
      falseFailures: 1,
      held: 1,
      medianTimeToCatchMs: 10 * 60_000,
      medianTimeToPromoteMs: 40 * 60_000,
    });
  });
});
