/**
 * The promise "no credential reaches an output, report, comment or commit",
 * held through the shipped CLI: a distinct fake credential is planted in
 * every secret Bellwether reads, the metrics servers echo every request
 * header back in their error bodies, and every verb's stdout, stderr, the
 * files it writes and the whole git history are searched for every one of them.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { example, fileReply, putReply } from '../github/fixtures.js';
import { runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { runCliProcess, type CliRun } from '../helpers/cli-process.js';
import { GitHubExpectations, startGitHubServer, type GitHubServer } from '../helpers/github-server.js';
import { startFaultServer, type FaultServer } from '../helpers/metrics-fault-server.js';
import { canaryPolicy, git, soakingManifest, stableManifest } from './canary-repo.js';
import { webhookPayload } from '../helpers/payloads.js';

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
  it('appear in no stdout, stderr, written file or commit, while every metrics server echoes them back', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'bw-planted-'));
    const out = mkdtempSync(join(tmpdir(), 'bw-planted-out-'));
    git(repo, 'init', '-q', '-b', 'main');
    const since = new Date(Date.now() - 20 * MIN);
    for (const service of Object.keys(SERVICES)) {
      mkdirSync(join(repo, 'deploy', service, 'production'), { recursive: true });
      writeFileSync(join(repo, 'deploy', service, 'production', 'us-east-1.yaml'), soakingManifest(service, since));
      writeFileSync(
        join(repo, 'deploy', service, 'production', 'eu-west-1.yaml'),
        stableManifest(service, 'eu-west-1'),
      );
    }
    mkdirSync(join(repo, 'policies'));
    for (const [service, provider] of Object.entries(SERVICES))
      writeFileSync(join(repo, 'policies', `canary-${service}.yml`), canaryPolicy(service, provider));
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
    const common = (service: string, region = 'us-east-1') => [
      '--service',
      service,
      '--region',
      region,
      '--repo',
      repo,
      '--policy',
      'policies',
      '--metrics',
      'metrics.yml',
    ];

    const runs: Array<[string, CliRun]> = [];
    for (const service of Object.keys(SERVICES)) {
      runs.push([`canary tick ${service}`, await cli('canary', 'tick', ...common(service))]);
      runs.push([
        `canary tick ${service} --format json`,
        await cli('canary', 'tick', ...common(service), '--format', 'json'),
      ]);
      runs.push([
        `canary start ${service}`,
        await cli('canary', 'start', '--version', '1.42.0', ...common(service, 'eu-west-1')),
      ]);
    }
    for (const provider of Object.values(SERVICES)) {
      runs.push([
        `metrics query ${provider}`,
        await cli('metrics', 'query', 'up', '--config', 'metrics.yml', '--provider', provider),
      ]);
    }
    runs.push([
      'budget',
      await cli('budget', '--slo', 'checkout-slo.yaml', '--prometheus', echo.url, '--format', 'markdown'),
    ]);
    runs.push([
      'freeze',
      await cli('freeze', '--slo', 'checkout-slo.yaml', '--prometheus', echo.url, '--format', 'json'),
    ]);
    runs.push([
      'rollback',
      await cli(
        'rollback',
        '--service',
        'checkout',
        '--region',
        'us-east-1',
        '--reason',
        'latency page',
        '--repo',
        repo,
        '--policy',
        'policies',
        '--out',
        out,
        '--format',
        'json',
      ),
    ]);

    // The servers were asked, and they did echo the credentials: the test plants what it claims to.
    const sent = JSON.stringify(echo.requests.map((r) => r.headers));
    expect(leaksIn(sent)).toEqual(expect.arrayContaining(['PROMETHEUS_TOKEN', 'PROM_PASSWORD', 'PROM_HEADER_VALUE']));
    // The judgments were made and recorded: the reasons that would carry a leak exist.
    const manifest = git(repo, 'show', 'main:deploy/checkout/production/us-east-1.yaml');
    expect(manifest).toContain('HTTP 400');

    const leaks: string[] = [];
    for (const [name, run] of runs) {
      for (const [stream, text] of [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
      ] as const) {
        for (const secret of leaksIn(text)) leaks.push(`${secret} in the ${stream} of ${name}`);
      }
    }
    for (const file of [...filesUnder(out), ...filesUnder(repo)]) {
      for (const secret of leaksIn(readFileSync(file, 'utf8')))
        if (!file.endsWith('metrics.yml')) leaks.push(`${secret} in ${file}`);
    }
    for (const secret of leaksIn(git(repo, 'log', '-p', '--all'))) leaks.push(`${secret} in the git history`);
    expect(leaks).toEqual([]);
    // The reasons still say what went wrong, with the credentials hidden.
    // YAML folds long reasons over lines: read it as one line.
    expect(manifest.replace(/\s+/g, ' ')).toMatch(/authorization: Bearer \*\*\*/);
  });
});

const blobSha = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');
const NOT_FOUND = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };

/** A repository over GitHub's REST contract that keeps every file written, and answers every write the two actions make. */
function repository(initial: Record<string, string>) {
  const files = new Map(Object.entries(initial));
  const gh = new GitHubExpectations();
  const any = { times: Infinity };
  gh.expect('GET /repos/{owner}/{repo}/contents/{path}', {
    ...any,
    reply: (r) => {
      const path = decodeURIComponent(r.params['path'] ?? '');
      const text = files.get(path);
      return text === undefined ? NOT_FOUND : { status: 200, body: fileReply(path, text, blobSha(text)) };
    },
  });
  gh.expect('PUT /repos/{owner}/{repo}/contents/{path}', {
    ...any,
    reply: (r) => {
      const path = decodeURIComponent(r.params['path'] ?? '');
      const text = Buffer.from((r.body as { content: string }).content, 'base64').toString('utf8');
      files.set(path, text);
      return { status: 200, body: putReply(200, blobSha(text), 'c'.repeat(40)) };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/deployments', { ...any, reply: { status: 200, body: [] } });
  gh.expect('POST /repos/{owner}/{repo}/deployments', {
    ...any,
    reply: () => ({ status: 201, body: example('POST /repos/{owner}/{repo}/deployments', 201, { id: 100 }) }),
  });
  gh.expect('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    ...any,
    reply: (r) => ({
      status: 201,
      body: example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
        state: (r.body as { state: string }).state,
      }),
    }),
  });
  gh.expect('POST /repos/{owner}/{repo}/check-runs', {
    ...any,
    reply: () => ({ status: 201, body: example('POST /repos/{owner}/{repo}/check-runs', 201, { id: 5 }) }),
  });
  gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
    ...any,
    reply: (r) => ({
      status: 201,
      body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201, { state: (r.body as { state: string }).state }),
    }),
  });
  gh.expect('GET /repos/{owner}/{repo}/issues', { ...any, reply: { status: 200, body: [] } });
  gh.expect('GET /repos/{owner}/{repo}/labels/{name}', { ...any, reply: NOT_FOUND });
  gh.expect('POST /repos/{owner}/{repo}/labels', {
    ...any,
    reply: (r) => ({
      status: 201,
      body: example('POST /repos/{owner}/{repo}/labels', 201, { name: (r.body as { name: string }).name }),
    }),
  });
  gh.expect('POST /repos/{owner}/{repo}/issues', {
    ...any,
    reply: () => ({
      status: 201,
      body: example('POST /repos/{owner}/{repo}/issues', 201, {
        number: 31,
        html_url: 'https://github.com/acme/shop/issues/31',
      }),
    }),
  });
  return { gh, files };
}

/** Every place a bundled action's words end up, as text; the runner's own mask requests are what hide a value, so they are left out. */
function actionSurfaces(run: ActionRun, server: GitHubServer, files: Map<string, string>): Array<[string, string]> {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [
    ['stdout', stdout],
    ['stderr', run.stderr],
    ['the job summary', run.summary],
    ['the outputs', JSON.stringify(run.outputs)],
    ['GitHub request bodies', JSON.stringify(server.requests.map((r) => r.body))],
    ['files committed through GitHub', [...files.values()].join('\n')],
    ...Object.entries(run.outputs)
      .filter(([, v]) => v.startsWith('/') && existsSync(v))
      .map(([k, v]): [string, string] => [`the file of output ${k}`, readFileSync(v, 'utf8')]),
  ];
}

describe('planted credentials through the bundled actions', () => {
  let server: GitHubServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function workspace(): string {
    const dir = mkdtempSync(join(tmpdir(), 'bw-planted-ws-'));
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'canary.yml'), canaryPolicy('checkout', 'prometheus'));
    copyFileSync(SLO, join(dir, 'checkout-slo.yaml'));
    writeFileSync(join(dir, 'policies', 'freeze.yml'), 'kind: freeze\nslos: [checkout-slo.yaml]\n');
    writeFileSync(
      join(dir, 'metrics.yml'),
      `providers:\n  prometheus:\n    type: prometheus\n    url: ${echo.url}\n    auth: { type: basic, username: grafana, passwordEnv: PROM_PASSWORD }\n    headers: { X-Token-Echo: yes }\n    retry: { attempts: 1 }\n  bearer:\n    type: prometheus\n    url: ${echo.url}\n    auth: { type: bearer, tokenEnv: PROMETHEUS_TOKEN }\n  dd:\n    type: datadog\n`,
    );
    return dir;
  }

  it('canary tick: no planted value in its logs, summary, outputs, report file, GitHub bodies or commits', async () => {
    const path = 'deploy/checkout/production/us-east-1.yaml';
    const repo = repository({ [path]: soakingManifest('checkout', new Date(Date.now() - 20 * MIN)) });
    const gh = await startGitHubServer(repo.gh);
    server = gh;
    const run = await runBundledAction('canary', {
      apiUrl: gh.url,
      workspace: workspace(),
      env: { ...PLANTED },
      inputs: {
        service: 'checkout',
        region: 'us-east-1',
        command: 'tick',
        policy: 'policies',
        metrics: 'metrics.yml',
        token: PLANTED.GITHUB_TOKEN,
      },
      timeoutMs: 10 * MIN,
    });
    // The judgment was made on the echoing server and committed.
    expect(leaksIn(JSON.stringify(echo.requests.map((r) => r.headers)))).toContain('PROM_PASSWORD');
    expect(repo.files.get(path)).toContain('HTTP 400');
    expect(run.masked).toEqual(
      expect.arrayContaining([
        PLANTED.GITHUB_TOKEN,
        PLANTED.PROM_PASSWORD,
        PLANTED.PROMETHEUS_TOKEN,
        PLANTED.DD_API_KEY,
        PLANTED.DD_APP_KEY,
      ]),
    );
    expect(gh.requests.length).toBeGreaterThan(0);
    const leaks = actionSurfaces(run, gh, repo.files).flatMap(([where, text]) =>
      leaksIn(text).map((s) => `${s} in ${where}`),
    );
    expect(leaks).toEqual([]);
  });

  it('freeze on a schedule: no planted value in its status, issue, summary or outputs', async () => {
    const repo = repository({});
    const gh = await startGitHubServer(repo.gh);
    server = gh;
    const run = await runBundledAction('freeze', {
      eventName: 'schedule',
      payload: webhookPayload('schedule'),
      apiUrl: gh.url,
      workspace: workspace(),
      env: { ...PLANTED },
      inputs: {
        policy: 'policies/freeze.yml',
        slo: 'checkout-slo.yaml',
        metrics: 'metrics.yml',
        provider: 'prometheus',
        token: PLANTED.GITHUB_TOKEN,
      },
      timeoutMs: 10 * MIN,
    });
    expect(run.summary).toContain('HTTP 400');
    expect(gh.requests.length).toBeGreaterThan(0);
    const leaks = actionSurfaces(run, gh, repo.files).flatMap(([where, text]) =>
      leaksIn(text).map((s) => `${s} in ${where}`),
    );
    expect(leaks).toEqual([]);
  });
});
