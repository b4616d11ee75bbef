/**
 * The whole pipeline through the bundled actions, as GitHub's runner runs
 * them: the validated GitHub server holds the repository, a real Prometheus
 * holds backfilled metrics, and the canary action runs on a simulated clock
 * (`at`) so that forty minutes of soak take a second. A good release reaches
 * stable; a release that regresses at 25% is stopped, traffic goes back to
 * stable, the version is quarantined, a rollback pull request is opened, and
 * the same run opens the postmortem, which the postmortem action then refreshes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/gitops/manifest.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import type { HistorySeries, PrometheusServer } from '../helpers/prometheus.js';
import { prometheusAvailability, prometheusRequired, startPrometheus, toOpenMetrics } from '../helpers/prometheus.js';
import { MANIFEST_TEXT, checkoutHistory, fourStagePolicy } from '../canary/promotion/fixtures.js';
import { simulatedRepository } from './simulated-github.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required) console.warn(`${availability.reason}: skipping the end-to-end pipeline`);

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 4 * 3600;
const GOOD_AT = START + 3600;
const BAD_AT = GOOD_AT + 3600;
const PATH = 'deploy/checkout/production/us-east-1.yaml';
const RELEASE_SHA = 'ffac537e6cbbf934b08745a378932722df287a53';

const CANARY = fourStagePolicy('prom');

function history(version: string, seed: number, regressFrom = Infinity): HistorySeries[] {
  return checkoutHistory(version, seed, { start: START, end: END, step: STEP }, regressFrom);
}

let prometheus: PrometheusServer | undefined;
let github: GitHubServer | undefined;

describe.skipIf(!availability.ok && !required)('the whole pipeline through the bundled actions', () => {
  beforeAll(async () => {
    if (!availability.ok) throw new Error(`${availability.reason}, and with CI=true the end-to-end pipeline must run`);
    // 1.43.0 doubles its latency 20 minutes into its promotion: when it takes 25%.
    prometheus = await startPrometheus(
      toOpenMetrics([...history('1.41.0', 1), ...history('1.42.0', 2), ...history('1.43.0', 3, BAD_AT + 20 * 60)]),
    );
  });
  afterAll(async () => {
    await github?.close();
    await prometheus?.stop();
  });

  it('promotes a good release to stable, and stops, rolls back, quarantines and writes up a bad one', async () => {
    const repo = simulatedRepository({ [PATH]: MANIFEST_TEXT }, RELEASE_SHA);
    github = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-e2e-'));
    mkdirSync(join(workspace, '.github/bellwether'), { recursive: true });
    writeFileSync(join(workspace, '.github/bellwether/canary.yml'), CANARY);
    writeFileSync(join(workspace, '.github/bellwether/rollback.yml'), 'kind: rollback\nemergencyDirectCommit: true\n');
    writeFileSync(
      join(workspace, '.github/bellwether/metrics.yml'),
      `providers:\n  prom:\n    type: prometheus\n    url: ${prometheus!.url}\n    step: ${STEP}s\n`,
    );
    const canary = (version: string, at: number) =>
      runBundledAction('canary', {
        eventName: 'workflow_dispatch',
        apiUrl: github!.url,
        workspace,
        sha: RELEASE_SHA,
        inputs: {
          service: 'checkout',
          region: 'us-east-1',
          command: 'start',
          version,
          policy: '.github/bellwether',
          metrics: '.github/bellwether/metrics.yml',
          'max-wait-minutes': '60',
          at: new Date(at * 1000).toISOString(),
        },
      });

    const before = github.requests.length;
    const good = await canary('1.42.0', GOOD_AT);
    const goodCalls = github.requests.length - before;
    expect(good.stderr).toBe('');
    expect(good.exitCode).toBe(0);
    expect(good.outputs).toMatchObject({ state: 'promoted', weight: '0', verdict: 'pass' });
    expect(parseManifest(repo.branches.get('main')!.get(PATH)!, PATH).stable.version).toBe('1.42.0');

    const beforeBad = github.requests.length;
    const bad = await canary('1.43.0', BAD_AT);
    const badCalls = github.requests.length - beforeBad;
    expect(bad.exitCode).toBe(1);
    expect(bad.outputs).toMatchObject({ state: 'failed', weight: '0', verdict: 'fail' });
    expect(bad.commands.find((c) => c.command === 'error')?.message).toMatch(
      /^Failed at 25%: latency-p99 High — canary [\d.]+ s against baseline [\d.]+ s, \+\d+% \(the policy allows \+\d+%\)\. Traffic back to 1\.42\.0: /,
    );

    // The final state, as GitHub would show it.
    const manifest = parseManifest(repo.branches.get('main')!.get(PATH)!, PATH);
    expect(manifest.stable.version).toBe('1.42.0');
    expect(manifest.canary).toEqual({ version: null, weight: 0 });
    expect(manifest.previous[0]?.version).toBe('1.41.0');
    expect(repo.branches.get('main')!.get('deploy/checkout/quarantine.yaml')).toContain('1.43.0');
    // Traffic went back to stable first; the quarantine and the pull request's record came after.
    const lastTrafficWrite = repo.writes.lastIndexOf(`main:${PATH}`);
    expect(repo.writes.indexOf('main:deploy/checkout/quarantine.yaml')).toBeGreaterThan(lastTrafficWrite);
    expect(repo.writes.at(-1)).toBe(
      'bellwether/rollback/checkout/production/1.43.0:deploy/checkout/rollbacks/1.43.0.md',
    );
    const puts = github.requests.map((r, i) => ({ i, r })).filter(({ r }) => r.method === 'PUT');
    const failedPut = puts.filter(({ r }) => decodeURIComponent(r.params['path'] ?? '') === PATH).at(-1)!.i;
    const quarantinePut = puts.find(
      ({ r }) => decodeURIComponent(r.params['path'] ?? '') === 'deploy/checkout/quarantine.yaml',
    )!.i;
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]).toMatchObject({
      head: 'bellwether/rollback/checkout/production/1.43.0',
      base: 'main',
      title: 'Roll back checkout 1.43.0 in production to 1.42.0',
    });
    expect(repo.pulls[0]!.body).toMatch(/\| latency-p99 \| High \|/);
    expect(repo.pulls[0]!.labels).toEqual(['bellwether:rollback', 'bellwether:quarantined']);
    expect(
      repo.deployments.map((d) => [
        d['environment'],
        (d['payload'] as { version: string }).version,
        d.statuses.at(-1)?.state,
      ]),
    ).toEqual([
      ['production/us-east-1', '1.43.0', 'failure'],
      ['production/us-east-1', '1.42.0', 'success'],
    ]);
    expect(repo.checkRuns.map((c) => c.conclusion)).toEqual(['success', 'failure']);

    // The failed canary's run opened its postmortem, with the promotion's timeline and the deployments' statuses.
    expect(bad.outputs['postmortem-issue']).toBe(String(repo.issues[0]?.number));
    expect(repo.issues).toHaveLength(1);
    expect(repo.issues[0]!.title).toBe('[Postmortem] checkout 1.43.0 rolled back');
    expect(repo.issues[0]!.body).toContain('### Timeline');
    expect(repo.issues[0]!.body).toContain('1.43.0 rolled back to 1.42.0');
    expect(repo.issues[0]!.body).toMatch(/\| verdict \| judgment Fail \|/);
    expect(repo.issues[0]!.body).toMatch(
      new RegExp(`\\| rollback-pr \\| \\[rollback pull request #${repo.pulls[0]!.number} opened\\]`),
    );

    // rollback.yml's postmortem job names the same incident: it refreshes that issue and opens no second one.
    const postmortem = await runBundledAction('postmortem', {
      eventName: 'workflow_dispatch',
      apiUrl: github.url,
      workspace,
      inputs: {
        trigger: 'rollback',
        incident: 'rollback-checkout-1.43.0',
        title: 'checkout 1.43.0 rolled back',
        service: 'checkout',
        environment: 'production/us-east-1',
        'started-at': new Date(BAD_AT * 1000).toISOString(),
        evidence: repo.pulls[0]!.body,
      },
    });
    expect(postmortem.exitCode).toBe(0);
    expect(['updated', 'unchanged']).toContain(postmortem.outputs.status);
    expect(postmortem.outputs.issue).toBe(String(repo.issues[0]!.number));
    expect(repo.issues).toHaveLength(1);
    // The refresh added the deployments it read and lost none of the canary run's rows.
    expect(repo.issues[0]!.body).toMatch(/\| verdict \| judgment Fail \|/);
    expect(repo.issues[0]!.body).toMatch(/\| deployment-status \| \[Deployment #\d+ failure/);
    github.done();
    console.log(
      `pipeline figures: ${goodCalls} GitHub requests for the good promotion (4 stages), ${badCalls} for the bad one with its rollback; ` +
        `the failed verdict's commit (traffic back on stable) and the quarantine commit are ${quarantinePut - failedPut} requests apart, in the same run, at 0 s on the test clock`,
    );
  });
});
