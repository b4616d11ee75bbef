import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCanary } from '../../../src/canary/promotion/run.js';
import type { CanaryRunInputs } from '../../../src/canary/promotion/run.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { GitHubContentStore } from '../../../src/gitops/content-store.js';
import { parseManifest } from '../../../src/gitops/manifest.js';
import type { MetricsProvider, MetricsProviders, QueryResult } from '../../../src/metrics/provider.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import type { Deps } from '../../../src/deps/deps.js';
import { RecordingLogger } from '../../../src/runtime/logger.js';
import { CommandGit } from '../../../src/gitops/git.js';
import { MANIFEST_TEXT, T0 } from './fixtures.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const POLICY = `kind: canary
services: ["checkout"]
stages:
  - { weight: 1, soakTime: 10m }
  - { weight: 10, soakTime: 10m }
  - { weight: 100, soakTime: 10m }
analysis:
  interval: 5m
  lookback: 10m
  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99{service="{{service}}",version="{{version}}"}'
        direction: increase
      - name: errors
        query: 'errors_per_second{service="{{service}}",version="{{version}}"}'
        direction: increase
`;

const PATH = 'deploy/checkout/production/us-east-1.yaml';

/** Metrics as a Prometheus would answer them: the canary's latency is `canaryFactor(minutes since T0)` times the baseline's. */
function metrics(canaryFactor: (minute: number) => number): MetricsProviders {
  const provider: MetricsProvider = {
    type: 'test',
    async queryRange(q): Promise<QueryResult> {
      const canary = q.query.includes('1.42.0');
      const base = q.query.includes('latency') ? 120 : 3;
      const factor =
        canary && q.query.includes('latency') ? canaryFactor((q.start.getTime() - T0.getTime()) / 60_000) : 1;
      const t0 = Math.floor(q.start.getTime() / 1000);
      const points = Array.from({ length: 60 }, (_, i) => ({
        t: t0 + i * 10,
        v: base * factor * (0.85 + ((i * 29) % 31) / 100),
      }));
      return { ok: true, query: q.query, warnings: [], series: [{ labels: {}, points }] };
    },
    async queryInstant(q) {
      return { ok: false, query: q.query, reason: 'unused' };
    },
  };
  return { get: () => provider, names: () => ['prometheus'] };
}

function setup(canaryFactor: (minute: number) => number) {
  const clock = new ManualClock(T0);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  const releaseSha = github.seedBranch('main', { [PATH]: MANIFEST_TEXT });
  const store = new GitHubContentStore(github, 'main');
  const dir = mkdtempSync(join(tmpdir(), 'bw-run-'));
  writeFileSync(join(dir, 'canary.yml'), POLICY);
  const deps: Deps = {
    clock,
    sleep: clock.sleep,
    logger: new RecordingLogger(),
    github,
    metrics: metrics(canaryFactor),
    git: new CommandGit(dir),
    files: nodeFiles,
  };
  const inputs = (command: CanaryRunInputs['command'], extra: Partial<CanaryRunInputs> = {}): CanaryRunInputs => ({
    service: 'checkout',
    environment: 'production',
    region: 'us-east-1',
    command,
    actor: 'alice',
    manifests: 'deploy',
    policy: dir,
    waitWithinMs: 60 * 60_000,
    ...extra,
  });
  const surfaces = {
    sha: releaseSha,
    environment: 'production/us-east-1',
    logUrl: 'https://github.com/acme/shop/actions/runs/1',
  };
  const run = async (command: CanaryRunInputs['command'], extra: Partial<CanaryRunInputs> = {}) => {
    const outcome = await runCanary(inputs(command, extra), deps, store, surfaces);
    return outcome;
  };
  const track = async () => parseManifest((await store.read(PATH))!.text, PATH);
  return { clock, github, store, run, track };
}

describe('runCanary with the in-memory GitHub', () => {
  it('takes a good release to stable within the job, with a deployment whose statuses tell the story', async () => {
    const s = setup(() => 1);
    const outcome = await s.run('start', { version: '1.42.0' });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.outputs).toMatchObject({ state: 'promoted', weight: '0', verdict: 'pass' });
    const final = await s.track();
    expect(final.stable.version).toBe('1.42.0');
    expect(s.clock.now().getTime() - T0.getTime()).toBe(30 * 60_000);
    const [deployment] = await s.github.listDeployments({ environment: 'production/us-east-1' });
    const states = (await s.github.listDeploymentStatuses(deployment!.id)).map((x) => x.state).reverse();
    expect(states[0]).toBe('in_progress');
    expect(states.at(-1)).toBe('success');
    expect(outcome.markdown).toContain('Promoted 1.42.0 to stable');
    // The API budget of a whole promotion, from the port's own count.
    const calls = s.github.calls();
    if (process.env.BELLWETHER_PRINT_CALLS) console.log(JSON.stringify(calls, null, 2));
    // Three stages of ten minutes judged every five: well inside a GITHUB_TOKEN's 1,000 an hour.
    expect(calls.total).toBeGreaterThan(10);
    expect(calls.total).toBeLessThan(80);
  });

  it('stops a release whose latency regresses at 10% and fails the step with the evidence', async () => {
    // Stage 2 (10%) starts 10 minutes in; the regression shows in its windows.
    const s = setup((minute) => (minute >= 10 ? 1.6 : 1));
    const outcome = await s.run('start', { version: '1.42.0' });
    expect(outcome.outputs).toMatchObject({ state: 'failed', weight: '0', verdict: 'fail' });
    expect(outcome.failure).toMatch(
      /^Failed at 10%: latency-p99 High — canary 192 against baseline 120, \+60% \(the policy allows \+5%\)\. Traffic back to 1\.41\.0: /,
    );
    expect(outcome.markdown).toContain('latency-p99');
    expect(outcome.markdown).toMatch(/\| latency-p99 \| High \|/);
    const final = await s.track();
    expect(final.canary).toEqual({ version: null, weight: 0 });
    expect(final.stable.version).toBe('1.41.0');
  });

  it('ends the job on a long wait and continues on the next tick', async () => {
    const s = setup(() => 1);
    const first = await s.run('start', { version: '1.42.0', waitWithinMs: 0 });
    expect(first.outputs).toMatchObject({ state: 'soaking', weight: '1', verdict: 'none' });
    s.clock.advance(5 * 60_000);
    const second = await s.run('tick', { waitWithinMs: 0 });
    expect(second.outputs).toMatchObject({ state: 'soaking', weight: '1', verdict: 'pass' });
    expect(second.json).toMatchObject({ step: 'wait', phase: 'soaking' });
  });

  it('refuses a start by someone the policy does not name, and fails the step saying why', async () => {
    const s = setup(() => 1);
    const outcome = await s.run('start', { version: '1.42.0', actor: 'mallory', waitWithinMs: 0 });
    expect(outcome.failure).toBeUndefined();
    const strict = setup(() => 1);
    const dir = mkdtempSync(join(tmpdir(), 'bw-strict-'));
    writeFileSync(join(dir, 'canary.yml'), `${POLICY}approvers:\n  users: [alice]\n`);
    const refused = await strict.run('start', { version: '1.42.0', actor: 'mallory', policy: dir });
    expect(refused.failure).toBe("mallory may not start a promotion: the policy's approvers are @alice");
  });
});
