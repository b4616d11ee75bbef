/**
 * `bellwether dora` over a real git history: a repository whose release
 * manifests record a promotion, a canary caught and rolled back, a direct
 * deploy and a rollback of the stable version, with source commits tagged
 * per release, each at a set time. The figures are worked out by hand in the
 * comments.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { doraFigures, frequencyBand, weekOf } from '../../src/dora/figures.js';
import { releasesOf, type ManifestSnapshot } from '../../src/dora/releases.js';
import { parseManifest } from '../../src/gitops/manifest.js';
import { parseMarkdown } from '../helpers/markdown.js';
import { runCliProcess } from '../helpers/cli-process.js';

const H = 3600 * 1000;

interface Region {
  stable: string;
  canary?: { version: string; weight: number };
  previous?: string[];
  promotion?: string;
}

const manifest = (region: string, r: Region) =>
  [
    `service: checkout`,
    `environment: production`,
    `region: ${region}`,
    `stable:`,
    `  version: ${r.stable}`,
    `canary:`,
    `  version: ${r.canary ? r.canary.version : 'null'}`,
    `  weight: ${r.canary ? r.canary.weight : 0}`,
    `previous:${(r.previous ?? []).length === 0 ? ' []' : ''}`,
    ...(r.previous ?? []).map((v) => `  - version: ${v}`),
    ...(r.promotion ? [r.promotion] : []),
    '',
  ].join('\n');

const promotion = (phase: string, judgments: string) =>
  [
    'promotion:',
    '  id: checkout-1.2.0',
    '  version: 1.2.0',
    `  phase: ${phase}`,
    '  stage: 0',
    '  startedAt: 2026-09-06T09:00:00Z',
    '  stageStartedAt: 2026-09-06T09:00:00Z',
    `  judgments: ${judgments}`,
  ].join('\n');

let repo: string;

function git(args: string[], at: string): void {
  execFileSync('git', args, {
    cwd: repo,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
      GIT_AUTHOR_DATE: at,
      GIT_COMMITTER_DATE: at,
    },
    stdio: 'pipe',
  });
}

/** A source change, tagged as a release when `tag` is given. */
function change(at: string, file: string, tag?: string): void {
  writeFileSync(join(repo, 'src', file), `${at}\n`);
  git(['add', '-A'], at);
  git(['commit', '-q', '-m', `change ${file}`], at);
  if (tag) git(['tag', tag], at);
}

/** A manifest commit (a promotion step or a rollback). */
function deploy(at: string, regions: Record<string, Region>): void {
  for (const [region, r] of Object.entries(regions))
    writeFileSync(join(repo, 'deploy/checkout/production', `${region}.yaml`), manifest(region, r));
  git(['add', '-A'], at);
  git(['commit', '-q', '-m', `deploy at ${at}`], at);
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'bw-dora-'));
  mkdirSync(join(repo, 'src'));
  mkdirSync(join(repo, 'deploy/checkout/production'), { recursive: true });
  git(['init', '-q', '-b', 'main'], '2026-08-30T00:00:00Z');
  change('2026-08-30T10:00:00Z', 'a.ts', 'v1.0.0');
  deploy('2026-09-01T00:00:00Z', { 'us-east-1': { stable: '1.0.0' }, 'eu-west-1': { stable: '1.0.0' } });
  // 1.1.0: two commits, promoted in us-east-1 at 09-04 10:00 (lead times 48 h and 24 h).
  change('2026-09-02T10:00:00Z', 'b.ts');
  change('2026-09-03T10:00:00Z', 'c.ts', 'v1.1.0');
  deploy('2026-09-04T09:00:00Z', { 'us-east-1': { stable: '1.0.0', canary: { version: '1.1.0', weight: 1 } } });
  deploy('2026-09-04T10:00:00Z', { 'us-east-1': { stable: '1.1.0', previous: ['1.0.0'] } });
  deploy('2026-09-04T12:00:00Z', { 'eu-west-1': { stable: '1.1.0', previous: ['1.0.0'] } });
  // 1.2.0: a canary judged Fail at 09:20 and rolled back at 09:30 (restored in 10 minutes).
  change('2026-09-05T08:00:00Z', 'd.ts', 'v1.2.0');
  deploy('2026-09-06T09:00:00Z', {
    'us-east-1': {
      stable: '1.1.0',
      previous: ['1.0.0'],
      canary: { version: '1.2.0', weight: 5 },
      promotion: promotion('soaking', '[]'),
    },
  });
  deploy('2026-09-06T09:30:00Z', {
    'us-east-1': {
      stable: '1.1.0',
      previous: ['1.0.0'],
      promotion: promotion(
        'rolled-back',
        '\n    - { at: "2026-09-06T09:20:00Z", stage: 0, verdict: Fail, score: 40, reason: latency }',
      ),
    },
  });
  // 1.2.1: deployed straight to stable on 09-09 09:00 (lead times 97 h and 25 h)...
  change('2026-09-08T08:00:00Z', 'e.ts', 'v1.2.1');
  deploy('2026-09-09T09:00:00Z', { 'us-east-1': { stable: '1.2.1', previous: ['1.1.0', '1.0.0'] } });
  deploy('2026-09-09T10:00:00Z', { 'eu-west-1': { stable: '1.2.1', previous: ['1.1.0', '1.0.0'] } });
  // ...and rolled back to 1.1.0 the next day, the last region at 09:30: 24.5 h since it went live.
  deploy('2026-09-10T09:00:00Z', { 'us-east-1': { stable: '1.1.0', previous: ['1.0.0'] } });
  deploy('2026-09-10T09:30:00Z', { 'eu-west-1': { stable: '1.1.0', previous: ['1.0.0'] } });
});

const dora = (...extra: string[]) =>
  runCliProcess(['dora', '--service', 'checkout', '--since', '2026-09-01', '--until', '2026-09-15', ...extra], {
    cwd: repo,
  });

describe('bellwether dora', () => {
  it('reports the four figures from the manifests and the tagged commits', async () => {
    const run = await dora('--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.releases.map((r: { version: string }) => r.version)).toEqual(['1.1.0', '1.2.0', '1.2.1']);
    const f = out.figures;
    // 1.1.0 and 1.2.1 became stable: 2 in 14 days, once a week.
    expect(f.deployments).toMatchObject({ count: 2, days: 2, perWeek: 1, band: 'between once a day and once a week' });
    // Commit lead times 24, 25, 48 and 97 hours: median 36.5 h. The manifest commits are deployments, not changes.
    expect(f.leadTime).toMatchObject({ count: 4, releases: 2, medianMs: 36.5 * H });
    expect(f.leadTimeUnknown).toEqual([]);
    // 1.2.0 (as a canary) and 1.2.1 (after it was stable) rolled back, of 3 releases that ended.
    expect(f.changeFailureRate).toEqual({ failed: 2, ended: 3, rate: 2 / 3 });
    expect(f.caughtInCanary).toBe(1);
    // 10 minutes from the failing judgment; 24.5 h from when 1.2.1 went live (no judgment recorded).
    expect(f.timeToRestore).toMatchObject({ count: 2, medianMs: ((10 / 60 + 24.5) / 2) * H, fromExposure: 1 });
  });

  it('prints an aligned table on the terminal and well-formed Markdown for a job summary', async () => {
    const text = await dora();
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('DORA metrics of checkout in production, 2026-09-01 to 2026-09-15 (UTC)');
    expect(text.stdout).toMatch(/Change failure rate\s+66\.7%\s+2 of 3 release\(s\) rolled back; 1 caught as a canary/);
    expect(text.stdout).not.toMatch(/[|#<]/);
    const md = await dora('--format', 'markdown');
    expect(md.code).toBe(0);
    const doc = parseMarkdown(md.stdout);
    expect(doc.problems).toEqual([]);
    expect(doc.tables).toBe(2);
    expect(doc.fences).toEqual(['mermaid']);
    expect(md.stdout).toContain('xychart-beta');
    expect(md.stdout).toContain('bar [1, 1, 0]');
  });

  it('says which releases it cannot trace to commits, and never makes a lead time up', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bw-dora-src-'));
    execFileSync('git', ['init', '-q'], { cwd: empty });
    const untraced = JSON.parse((await dora('--format', 'json', '--source-repo', empty)).stdout);
    expect(untraced.figures.leadTime).toBeNull();
    expect(untraced.figures.leadTimeUnknown).toEqual([
      { version: '1.1.0', reason: '1.1.0 is neither a tag nor a commit in the source repository' },
      { version: '1.2.1', reason: '1.2.1 is neither a tag nor a commit in the source repository' },
    ]);
  });

  it('is an error, never empty figures, when the service has no manifest history', async () => {
    const run = await dora('--service', 'payments');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no release manifest of payments in production has any history');
  });
});

describe('the reusable workflow bellwether-dora.yml', () => {
  it('writes the figures to the job summary with the command its step runs', () => {
    // The step's script, run as the runner would: Bellwether checked out
    // under .bellwether/action (here, this repository with its bundle) and
    // the inputs in the environment.
    const wf = parse(readFileSync('.github/workflows/bellwether-dora.yml', 'utf8'));
    const step = wf.jobs.dora.steps.find((s: { name?: string }) => s.name === 'DORA metrics');
    mkdirSync(join(repo, '.bellwether'), { recursive: true });
    symlinkSync(resolve('.'), join(repo, '.bellwether/action'));
    const summary = join(mkdtempSync(join(tmpdir(), 'bw-dora-summary-')), 'summary.md');
    writeFileSync(summary, '');
    execFileSync('bash', ['-e', '-c', step.run], {
      cwd: repo,
      env: {
        PATH: `${process.execPath.replace(/\/node$/, '')}:${process.env.PATH ?? ''}`,
        GITHUB_STEP_SUMMARY: summary,
        SERVICE: 'checkout',
        ENVIRONMENT: 'production',
        MANIFESTS: 'deploy',
        SINCE: '3650d',
      },
    });
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('## DORA metrics of checkout in production');
    expect(md).toContain('| Change failure rate | 66.7% |');
    expect(parseMarkdown(md).problems).toEqual([]);
  });
});

describe('releases and figures', () => {
  const snap = (at: string, path: string, yaml: string | null): ManifestSnapshot => ({
    commit: at,
    at,
    path,
    manifest: yaml === null ? null : parseManifest(yaml, path),
  });

  it('counts an aborted canary neither as deployed nor as failed', () => {
    const p = 'deploy/s/prod/r.yaml';
    const releases = releasesOf([
      snap('2026-09-01T00:00:00.000Z', p, manifest('r', { stable: '1.0.0' })),
      snap('2026-09-02T00:00:00.000Z', p, manifest('r', { stable: '1.0.0', canary: { version: '1.2.0', weight: 1 } })),
      snap('2026-09-02T01:00:00.000Z', p, manifest('r', { stable: '1.0.0', promotion: promotion('aborted', '[]') })),
    ]);
    expect(releases).toEqual([expect.objectContaining({ version: '1.2.0', aborted: true, regions: [] })]);
    const f = doraFigures(releases, [], {
      since: new Date('2026-09-01T00:00:00Z'),
      until: new Date('2026-09-08T00:00:00Z'),
    });
    expect(f).toMatchObject({ aborted: 1, changeFailureRate: null, timeToRestore: null, leadTime: null });
    expect(f.notes).toContain('Change failure rate: no release reached users and ended in the period.');
  });

  it.each([
    [10, 7, 'on demand (several a day)'],
    [7, 7, 'between once a day and once a week'],
    [1, 7, 'between once a day and once a week'],
    [1, 30, 'between once a week and once a month'],
    [1, 90, 'between once a month and once every six months'],
    [1, 365, 'less than once every six months'],
  ] as const)('%i deployments in %i days: %s', (count, days, band) => {
    expect(frequencyBand(count, days)).toBe(band);
  });

  it('names weeks by their Monday in UTC', () => {
    expect(weekOf(Date.parse('2026-09-06T23:59:00Z'))).toBe('2026-08-31');
    expect(weekOf(Date.parse('2026-09-07T00:00:00Z'))).toBe('2026-09-07');
  });
});
