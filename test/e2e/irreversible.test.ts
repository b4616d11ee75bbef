/**
 * A release marked irreversible that fails its judgment, through the bundled
 * canary action on a real Prometheus and a simulated clock: under the
 * rollback policy's `irreversible: roll-forward` it is paused where it is,
 * its traffic untouched, and the rollback flow quarantines it and records
 * the roll-forward; under `irreversible: rollback` its traffic goes back to
 * stable as any failed canary's does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/gitops/manifest.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import type { PrometheusServer } from '../helpers/prometheus.js';
import { prometheusAvailability, prometheusRequired, startPrometheus, toOpenMetrics } from '../helpers/prometheus.js';
import { MANIFEST_TEXT, checkoutHistory, fourStagePolicy } from '../canary/promotion/fixtures.js';
import { simulatedRepository } from './simulated-github.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required) console.warn(`${availability.reason}: skipping the irreversible release tests`);

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 2 * 3600;
const AT = START + 3600;
const PATH = 'deploy/checkout/production/us-east-1.yaml';
const RELEASE_SHA = 'ffac537e6cbbf934b08745a378932722df287a53';

let prometheus: PrometheusServer | undefined;
let github: GitHubServer | undefined;

describe.skipIf(!availability.ok && !required)(
  'a failed irreversible release through the bundled canary action',
  () => {
    beforeAll(async () => {
      if (!availability.ok) throw new Error(`${availability.reason}, and with CI=true these tests must run`);
      // 1.43.0's latency is doubled from the moment it starts.
      const window = { start: START, end: END, step: STEP };
      prometheus = await startPrometheus(
        toOpenMetrics([...checkoutHistory('1.41.0', 1, window), ...checkoutHistory('1.43.0', 3, window, AT)]),
      );
    });
    afterEach(async () => {
      await github?.close();
      github = undefined;
    });
    afterAll(async () => {
      await prometheus?.stop();
    });

    async function startIrreversible(rule: 'roll-forward' | 'rollback') {
      const repo = simulatedRepository({ [PATH]: MANIFEST_TEXT }, RELEASE_SHA);
      github = await startGitHubServer(repo.gh);
      const workspace = mkdtempSync(join(tmpdir(), 'bw-irreversible-'));
      mkdirSync(join(workspace, '.github/bellwether'), { recursive: true });
      writeFileSync(join(workspace, '.github/bellwether/canary.yml'), fourStagePolicy('prom'));
      writeFileSync(
        join(workspace, '.github/bellwether/rollback.yml'),
        `kind: rollback\nemergencyDirectCommit: true\nirreversible: ${rule}\n`,
      );
      writeFileSync(
        join(workspace, '.github/bellwether/metrics.yml'),
        `providers:\n  prom:\n    type: prometheus\n    url: ${prometheus!.url}\n    step: ${STEP}s\n`,
      );
      const run = await runBundledAction('canary', {
        eventName: 'workflow_dispatch',
        apiUrl: github.url,
        workspace,
        sha: RELEASE_SHA,
        inputs: {
          service: 'checkout',
          region: 'us-east-1',
          command: 'start',
          version: '1.43.0',
          irreversible: 'true',
          policy: '.github/bellwether',
          metrics: '.github/bellwether/metrics.yml',
          'max-wait-minutes': '60',
          at: new Date(AT * 1000).toISOString(),
        },
      });
      return { repo, run, manifest: parseManifest(repo.branches.get('main')!.get(PATH)!, PATH) };
    }

    it('roll-forward: paused at its weight, still marked, quarantined and recorded for a fix forward', async () => {
      const { repo, run, manifest } = await startIrreversible('roll-forward');
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ state: 'paused', weight: '1', verdict: 'fail' });
      expect(run.commands.find((c) => c.command === 'error')?.message).toMatch(
        /^Failed at 1%: latency-p99 High — canary [\d.]+ s against baseline [\d.]+ s, \+\d+% \(the policy allows \+\d+%\)\. 1\.43\.0 is irreversible, paused at 1% to roll forward with a fix: /,
      );
      expect(manifest.canary).toEqual({ version: '1.43.0', weight: 1, irreversible: true });
      expect(manifest.promotion?.phase).toBe('paused');
      expect(manifest.stable.version).toBe('1.41.0');
      expect(repo.branches.get('main')!.get('deploy/checkout/quarantine.yaml')).toContain('1.43.0');
      expect(repo.pulls).toHaveLength(1);
      expect(repo.pulls[0]!.body).toContain('**Irreversible release:** 1.43.0');
      expect(repo.pulls[0]!.body).toContain('| us-east-1 | roll-forward |');
      expect(repo.checkRuns.map((c) => c.conclusion)).toEqual(['failure']);
    });

    it('rollback: traffic back to stable, as for any failed canary', async () => {
      const { run, manifest } = await startIrreversible('rollback');
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ state: 'failed', weight: '0', verdict: 'fail' });
      expect(manifest.canary).toEqual({ version: null, weight: 0 });
      expect(manifest.promotion?.phase).toBe('failed');
    });
  },
);
