/**
 * The promise "no credential reaches an output, report, comment or commit",
 * held through the shipped CLI: a distinct fake credential is planted in
 * every secret Bellwether reads, the metrics servers echo every request
 * header back in their error bodies, and every verb's stdout, stderr, the
 * files it writes and the whole git history are searched for every one of them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, type CliRun } from '../helpers/cli-process.js';
import { startFaultServer, type FaultServer } from '../helpers/metrics-fault-server.js';

/** One fake credential per secret the product reads; each is distinct so that a leak names its source. */
export const PLANTED = {
  PROMETHEUS_TOKEN: 'prom-bearer-7f3a9c2e1d',
  PROM_PASSWORD: 'basic-pass-4b8e6a0f5c',
  PROM_HEADER_VALUE: 'header-key-9d1c3e7b2a',
  DD_API_KEY: 'dd-api-2e5f8a1c4b9d',
  DD_APP_KEY: 'dd-app-6c0b3d9e7f2a',
  BELLWETHER_TOKEN: 'bw-token-1a4d7c0e3b6f',
  GITHUB_TOKEN: 'ghs_planted0e9d8c7b6a5f',
} as const;

/** Every form a planted value could be written in: as is, and base64 (a basic-auth header carries `user:password`). */
export function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(PLANTED)) {
    const forms = [value, Buffer.from(value).toString('base64')];
    if (name === 'PROM_PASSWORD') forms.push(Buffer.from(`grafana:${value}`).toString('base64'));
    if (forms.some((f) => text.includes(f))) found.push(name);
  }
  return found;
}

const SLO = join(import.meta.dirname, '../fixtures/freeze/checkout-availability.yaml');
const SERVICES = { checkout: 'prom', search: 'prom-basic', cart: 'prom-header' } as const;
const MIN = 60_000;

function canaryPolicy(service: string, provider: string): string {
  return `kind: canary
services: [${service}]
analysis:
  interval: 5m
  lookback: 10m
  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99_seconds{service="{{service}}",version="{{version}}"}'
        direction: increase
provider: ${provider}
`;
}

/** A manifest whose first stage has soaked long enough for a judgment to be due now. */
function soakingManifest(service: string, since: Date): string {
  const at = since.toISOString();
  return `service: ${service}
environment: production
region: us-east-1
stable:
  version: 1.41.0
canary:
  version: 1.42.0
  weight: 1
promotion:
  id: ${service}/production/us-east-1/1.42.0
  version: 1.42.0
  phase: soaking
  stage: 0
  startedAt: ${at}
  stageStartedAt: ${at}
  failedIntervals: 0
  judgments: []
  history:
    - at: ${at}
      event: started
      by: alice
`;
}

function stableManifest(service: string, region: string): string {
  return `service: ${service}\nenvironment: production\nregion: ${region}\nstable:\n  version: 1.41.0\ncanary:\n  version: null\n  weight: 0\n`;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('.git'))
    .map((e) => join(e.parentPath, e.name));
}

let echo: FaultServer;
beforeAll(async () => {
  echo = await startFaultServer('echo');
});
afterAll(async () => {
  await echo.close();
});

describe('planted credentials through the CLI', () => {
  it('appear in no stdout, stderr, written file or commit, while every metrics server echoes them back', { timeout: 15 * MIN }, async () => {
    const repo = mkdtempSync(join(tmpdir(), 'bw-planted-'));
    const out = mkdtempSync(join(tmpdir(), 'bw-planted-out-'));
    git(repo, 'init', '-q', '-b', 'main');
    const since = new Date(Date.now() - 20 * MIN);
    for (const service of Object.keys(SERVICES)) {
      mkdirSync(join(repo, 'deploy', service, 'production'), { recursive: true });
      writeFileSync(join(repo, 'deploy', service, 'production', 'us-east-1.yaml'), soakingManifest(service, since));
      writeFileSync(join(repo, 'deploy', service, 'production', 'eu-west-1.yaml'), stableManifest(service, 'eu-west-1'));
    }
    mkdirSync(join(repo, 'policies'));
    for (const [service, provider] of Object.entries(SERVICES)) writeFileSync(join(repo, 'policies', `canary-${service}.yml`), canaryPolicy(service, provider));
    copyFileSync(SLO, join(repo, 'checkout-slo.yaml'));
    // A freeze policy with an SLO: starting a canary asks the error-budget gate, over the same metrics.
    writeFileSync(join(repo, 'policies', 'freeze.yml'), 'kind: freeze\nslos: [checkout-slo.yaml]\n');
    writeFileSync(join(repo, 'policies', 'rollback.yml'), 'kind: rollback\nemergencyDirectCommit: true\n');
    writeFileSync(
      join(repo, 'metrics.yml'),
      `providers:
  prom:
    type: prometheus
    url: ${echo.url}
    auth: { type: bearer, tokenEnv: PROMETHEUS_TOKEN }
    retry: { attempts: 1 }
  prom-basic:
    type: prometheus
    url: ${echo.url}/prometheus
    auth: { type: basic, username: grafana, passwordEnv: PROM_PASSWORD }
    retry: { attempts: 1 }
  prom-header:
    type: prometheus
    url: ${echo.url}
    auth: { type: header, name: X-Api-Key, valueEnv: PROM_HEADER_VALUE }
    retry: { attempts: 1 }
  dd:
    type: datadog
`,
    );
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'initial state');
    const env = { ...PLANTED, GITHUB_ACTOR: 'alice' };
    const cli = (...args: string[]): Promise<CliRun> => runCliProcess(args, { cwd: repo, env });
    const common = (service: string, region = 'us-east-1') => ['--service', service, '--region', region, '--repo', repo, '--policy', 'policies', '--metrics', 'metrics.yml'];

    const runs: Array<[string, CliRun]> = [];
    for (const service of Object.keys(SERVICES)) {
      runs.push([`canary tick ${service}`, await cli('canary', 'tick', ...common(service))]);
      runs.push([`canary tick ${service} --format json`, await cli('canary', 'tick', ...common(service), '--format', 'json')]);
      runs.push([`canary start ${service}`, await cli('canary', 'start', '--version', '1.42.0', ...common(service, 'eu-west-1'))]);
    }
    for (const provider of Object.values(SERVICES)) {
      runs.push([`metrics query ${provider}`, await cli('metrics', 'query', 'up', '--config', 'metrics.yml', '--provider', provider)]);
    }
    runs.push(['budget', await cli('budget', '--slo', 'checkout-slo.yaml', '--prometheus', echo.url, '--format', 'markdown')]);
    runs.push(['freeze', await cli('freeze', '--slo', 'checkout-slo.yaml', '--prometheus', echo.url, '--format', 'json')]);
    runs.push(['rollback', await cli('rollback', '--service', 'checkout', '--region', 'us-east-1', '--reason', 'latency page', '--repo', repo, '--policy', 'policies', '--out', out, '--format', 'json')]);

    // The servers were asked, and they did echo the credentials: the test plants what it claims to.
    const sent = JSON.stringify(echo.requests.map((r) => r.headers));
    expect(leaksIn(sent)).toEqual(expect.arrayContaining(['PROMETHEUS_TOKEN', 'PROM_PASSWORD', 'PROM_HEADER_VALUE']));
    // The judgments were made and recorded: the reasons that would carry a leak exist.
    const manifest = git(repo, 'show', 'main:deploy/checkout/production/us-east-1.yaml');
    expect(manifest).toContain('HTTP 400');

    const leaks: string[] = [];
    for (const [name, run] of runs) {
      for (const [stream, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
        for (const secret of leaksIn(text)) leaks.push(`${secret} in the ${stream} of ${name}`);
      }
    }
    for (const file of [...filesUnder(out), ...filesUnder(repo)]) {
      for (const secret of leaksIn(readFileSync(file, 'utf8'))) if (!file.endsWith('metrics.yml')) leaks.push(`${secret} in ${file}`);
    }
    for (const secret of leaksIn(git(repo, 'log', '-p', '--all'))) leaks.push(`${secret} in the git history`);
    expect(leaks).toEqual([]);
    // The reasons still say what went wrong, with the credentials hidden.
    expect(manifest).toMatch(/authorization: Bearer \*\*\*/);
  });
});
