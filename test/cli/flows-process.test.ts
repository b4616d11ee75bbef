/**
 * The canary and rollback flows through the shipped CLI, as a process over
 * a real git repository: every line printed is a write on the branch (or
 * says it was already in place), a missing region or service is a usage
 * error naming what exists, a failed canary is handed to the rollback flow
 * as the action hands it, and the policy folder `.github/bellwether/` is
 * found by every verb. Run `npm run build` first.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import { parseManifest } from '../../src/gitops/manifest.js';
import { runCliProcess } from '../helpers/cli-process.js';

const REGIONS = ['eu-west-1', 'us-east-1'];

// Each test runs several processes over real git on a shared machine: no deadline that depends on its speed.
const UNHURRIED = { timeout: 600_000 };

function manifest(region: string, extra = ''): string {
  return `service: checkout\nenvironment: production\nregion: ${region}\nstable:\n  version: 2.0.0\ncanary:\n  version: null\n  weight: 0\n${extra}`;
}

/** A git repository with checkout's manifests in two regions, on `main`. */
async function repo(
  files: Record<string, string> = {},
): Promise<{ dir: string; git: CommandGit; store: GitContentStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-flows-'));
  const git = new CommandGit(dir);
  await git.run(['init', '-q', '-b', 'main']);
  const store = new GitContentStore(git, 'main');
  for (const region of REGIONS)
    await store.write(`deploy/checkout/production/${region}.yaml`, manifest(region), null, `checkout ${region}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, git, store };
}

const bw = (args: string[], cwd: string) => runCliProcess(args, { cwd, env: { USER: 'alice' } });

async function manifestOn(store: GitContentStore, region: string) {
  const stored = await store.read(`deploy/checkout/production/${region}.yaml`);
  return parseManifest(stored!.text, region);
}

describe('bellwether rollback, locally with the default policy', UNHURRIED, () => {
  it('commits the restored traffic and the quarantine on the branch, refuses the version afterwards, and says no pull request was opened', async () => {
    const { dir, store, git } = await repo();
    const common = ['--service', 'checkout', '--region', 'us-east-1', '--repo', dir];
    const started = await bw(['canary', 'start', '--version', '2.1.0', ...common], dir);
    expect(started.code).toBe(0);
    expect((await manifestOn(store, 'us-east-1')).canary).toEqual({ version: '2.1.0', weight: 1 });

    const rb = await bw(['rollback', ...common, '--reason', 'p99 page'], dir);
    expect(rb.code).toBe(0);
    // On the branch: the canary at 0% and the quarantine committed.
    expect((await manifestOn(store, 'us-east-1')).canary).toMatchObject({ version: null, weight: 0 });
    const quarantine = await store.read('deploy/checkout/quarantine.yaml');
    expect(quarantine?.text).toContain('2.1.0');
    const log = (await git.run(['log', '--format=%s', 'main'])).stdout;
    expect(log).toContain('canary 2.1.0 from 1% to 0%');
    // What it says is what happened.
    expect(rb.stdout).toMatch(
      /us-east-1: canary 2\.1\.0 from 1% to 0% in checkout\/production\/us-east-1; 2\.0\.0 serves all traffic \(commit [0-9a-f]{7}\)/,
    );
    expect(rb.stdout).toContain('2.1.0 quarantined in deploy/checkout/quarantine.yaml');
    const draft = /no pull request was opened: [^;\n]*GitHub token; the draft is at (\S+)/.exec(rb.stdout)?.[1];
    expect(draft).toBeDefined();
    expect(readFileSync(draft!, 'utf8')).toContain('**Why:** p99 page');
    expect(rb.stdout).toContain('rollback policy: the embedded defaults');

    const promote = await bw(['canary', 'promote', ...common], dir);
    expect(promote.code).toBe(1);
    const again = await bw(['canary', 'start', '--version', '2.1.0', ...common], dir);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('Cannot start 2.1.0: it is quarantined');
    expect((await manifestOn(store, 'us-east-1')).canary).toMatchObject({ version: null, weight: 0 });

    // Run again: nothing moves twice, and it says so.
    const rerun = await bw(['rollback', ...common, '--version', '2.1.0', '--reason', 'p99 page'], dir);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('2.1.0 was already quarantined');
  });
});

describe('bellwether canary rollback hands over to the rollback flow, as its help says', UNHURRIED, () => {
  it('sends traffic back, quarantines the version on the branch and writes the draft', async () => {
    const { dir, store } = await repo();
    const common = ['--service', 'checkout', '--region', 'us-east-1', '--repo', dir];
    expect((await bw(['canary', 'start', '--version', '2.1.0', ...common], dir)).code).toBe(0);
    const rolled = await bw(['canary', 'rollback', '--reason', 'checkout errors', ...common], dir);
    expect(rolled.code).toBe(0);
    expect((await manifestOn(store, 'us-east-1')).canary).toMatchObject({ version: null, weight: 0 });
    expect((await store.read('deploy/checkout/quarantine.yaml'))?.text).toContain('checkout errors');
    expect(rolled.stdout).toContain('2.1.0 quarantined in deploy/checkout/quarantine.yaml');
    expect(rolled.stdout).toMatch(/no pull request was opened: [^\n]*; the draft is at \S+/);
  });
});

describe('a missing or misspelled region or service is a usage error naming what exists', UNHURRIED, () => {
  const cases: Array<[string, string[]]> = [
    ['canary start', ['canary', 'start', '--version', '3.0.0']],
    ['canary tick', ['canary', 'tick']],
    ['canary promote', ['canary', 'promote']],
    ['canary abort', ['canary', 'abort']],
    ['rollback', ['rollback', '--reason', 'page']],
  ];
  it.each(cases)('%s', async (_name, verb) => {
    const { dir } = await repo();
    const noRegion = await bw(
      [...verb, '--service', 'checkout', '--repo', dir, ...(verb[0] === 'rollback' ? ['--region', 'default'] : [])],
      dir,
    );
    expect(noRegion.stderr).not.toContain('internal error');
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain('eu-west-1, us-east-1');

    const misspelledRegion = await bw([...verb, '--service', 'checkout', '--region', 'us-east1', '--repo', dir], dir);
    expect(misspelledRegion.code).toBe(2);
    expect(misspelledRegion.stderr).toContain('eu-west-1, us-east-1');

    const misspelledService = await bw([...verb, '--service', 'chekout', '--region', 'us-east-1', '--repo', dir], dir);
    expect(misspelledService.stderr).not.toContain('internal error');
    expect(misspelledService.code).toBe(2);
    expect(misspelledService.stderr).toContain('the services are checkout');
  });

  it('rollback lift of a misspelled service', async () => {
    const { dir } = await repo();
    const lifted = await bw(
      ['rollback', 'lift', '--service', 'chekout', '--version', '2.1.0', '--reason', 'fixed', '--repo', dir],
      dir,
    );
    expect(lifted.code).toBe(2);
    expect(lifted.stderr).toContain('the services are checkout');
  });

  it('rollback of every region finds the regions from the manifests when no waves policy names them', async () => {
    const { dir, store } = await repo();
    for (const region of REGIONS)
      expect(
        (
          await bw(
            ['canary', 'start', '--version', '2.1.0', '--service', 'checkout', '--region', region, '--repo', dir],
            dir,
          )
        ).code,
      ).toBe(0);
    const rb = await bw(['rollback', '--service', 'checkout', '--reason', 'page', '--repo', dir], dir);
    expect(rb.stderr).not.toContain('internal error');
    expect(rb.code).toBe(0);
    for (const region of REGIONS) expect((await manifestOn(store, region)).canary.weight).toBe(0);
  });
});

const TWO_STAGES = `kind: canary
services: [checkout]
stages:
  - { weight: 10, soakTime: 10m }
  - { weight: 100, soakTime: 10m }
analysis:
  interval: 5m
  lookback: 10m
  maxFailedIntervals: 0
  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99_seconds{service="{{service}}",region="{{region}}",version="{{version}}"}'
        direction: increase
provider: recorded
`;

describe('one policy folder, .github/bellwether/, for every verb', UNHURRIED, () => {
  it('canary start and tick use its two stages without --policy, and say which policy applied', async () => {
    const { dir, store } = await repo({ '.github/bellwether/canary.yml': TWO_STAGES });
    const common = ['--service', 'checkout', '--region', 'us-east-1', '--repo', dir];
    const started = await bw(['canary', 'start', '--version', '2.1.0', ...common, '--format', 'json'], dir);
    expect(started.code).toBe(0);
    const json = JSON.parse(started.stdout) as { policy: string; canary: { weight: number } };
    expect(json.policy).toBe(join(dir, '.github/bellwether/canary.yml'));
    expect((await manifestOn(store, 'us-east-1')).canary.weight).toBe(10);
    const ticked = await bw(['canary', 'tick', ...common], dir);
    expect(ticked.code).toBe(0);
    expect(ticked.stdout).toContain('stage 1 of 2');
    expect(ticked.stdout).toContain(`canary policy: ${join(dir, '.github/bellwether/canary.yml')}`);
  });

  it('without the folder, the output says the embedded defaults were used and where it looked', async () => {
    const { dir } = await repo();
    const started = await bw(
      ['canary', 'start', '--version', '2.1.0', '--service', 'checkout', '--region', 'us-east-1', '--repo', dir],
      dir,
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(
      `canary policy: the embedded defaults (nothing at ${join(dir, '.github/bellwether')})`,
    );
  });

  it('rollback reads the same folder (a rollback policy there turns quarantine off), run from another directory with --repo', async () => {
    const { dir, store } = await repo({
      '.github/bellwether/rollback.yml': 'kind: rollback\nquarantine:\n  enabled: false\n',
    });
    const elsewhere = mkdtempSync(join(tmpdir(), 'bw-flows-cwd-'));
    const common = ['--service', 'checkout', '--region', 'us-east-1', '--repo', dir];
    expect((await bw(['canary', 'start', '--version', '2.1.0', ...common], elsewhere)).code).toBe(0);
    const rb = await bw(['rollback', ...common, '--reason', 'page'], elsewhere);
    expect(rb.code).toBe(0);
    expect(rb.stdout).toContain(`rollback policy: ${join(dir, '.github/bellwether/rollback.yml')}`);
    expect(rb.stdout).toContain('2.1.0 is not quarantined');
    expect(await store.read('deploy/checkout/quarantine.yaml')).toBeNull();
    expect(existsSync(join(dir, '.git/bellwether/drafts'))).toBe(true);
    expect(existsSync(join(dir, '.bellwether'))).toBe(false);
  });

  it('policy check, waves plan and the workflow gate read it by default', async () => {
    const { dir } = await repo({
      '.github/bellwether/canary.yml': TWO_STAGES,
      '.github/bellwether/gates.yml': 'kind: gates\nversion: 1\nfailOn: medium\n',
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
      '.github/bellwether/waves.yml':
        'kind: waves\nwaves:\n  - { name: pilot, regions: [us-east-1] }\n  - { name: rest, regions: [eu-west-1] }\n',
    });
    const check = await bw(['policy', 'check', '--format', 'json'], dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('canary.yml');
    const plan = await bw(['waves', 'plan', '--service', 'checkout', '--format', 'json'], dir);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('eu-west-1');
    // The gates policy in the folder sets failOn: medium, the embedded default is high.
    for (const policy of [[], ['--policy', '.github/bellwether']]) {
      const gate = await bw(['gate', 'workflows', ...policy, '--format', 'json'], dir);
      expect(JSON.parse(gate.stdout)).toMatchObject({ failOn: 'medium' });
    }
  });
});

/** A recording of latency for the stable and the canary version over the last hour, the canary twice as slow. */
function recording(now: number): string {
  const start = Math.floor(now / 1000) - 3600;
  const end = Math.floor(now / 1000) + 600;
  const entry = (version: string, factor: number) => {
    const points: Array<[number, string]> = [];
    for (let t = start, i = 0; t <= end; t += 30, i++)
      points.push([t, (0.12 * factor * (0.9 + ((i * 7) % 11) / 50)).toFixed(4)]);
    return {
      query: `latency_p99_seconds{service="checkout",region="us-east-1",version="${version}"}`,
      ok: true,
      start: new Date(start * 1000).toISOString(),
      end: new Date(end * 1000).toISOString(),
      stepSeconds: 30,
      series: [{ labels: { service: 'checkout', region: 'us-east-1', version }, points }],
    };
  };
  return JSON.stringify({
    format: 'bellwether-metrics-recording',
    version: 1,
    recordedAt: new Date(now).toISOString(),
    source: { name: 'recorded', type: 'prometheus' },
    entries: [entry('2.0.0', 1), entry('2.1.0', 2)],
  });
}

describe('canary tick on the CLI hands a failed canary to the rollback flow, as the action does', UNHURRIED, () => {
  it('fails the canary on a replayed regression, quarantines the version on the branch and writes the rollback draft', async () => {
    const now = Date.now();
    const stageStart = new Date(now - 20 * 60_000).toISOString();
    const { dir, store } = await repo({
      '.github/bellwether/canary.yml': TWO_STAGES,
      '.github/bellwether/metrics.yml': 'providers:\n  recorded:\n    type: replay\n    file: recording.json\n',
      '.github/bellwether/recording.json': recording(now),
    });
    const promotion = `promotion:\n  id: checkout/production/us-east-1/2.1.0\n  version: 2.1.0\n  phase: soaking\n  stage: 0\n  startedAt: ${stageStart}\n  stageStartedAt: ${stageStart}\n`;
    const path = 'deploy/checkout/production/us-east-1.yaml';
    const current = await store.read(path);
    await store.write(
      path,
      manifest('us-east-1', promotion).replace(
        'canary:\n  version: null\n  weight: 0',
        'canary:\n  version: 2.1.0\n  weight: 10',
      ),
      current!.sha,
      'canary 2.1.0 at 10%',
    );

    const ticked = await bw(['canary', 'tick', '--service', 'checkout', '--region', 'us-east-1', '--repo', dir], dir);
    expect(ticked.stderr).not.toContain('internal error');
    expect(ticked.code).toBe(1);
    const m = await manifestOn(store, 'us-east-1');
    expect(m.canary.weight).toBe(0);
    expect(m.promotion?.phase).toBe('failed');
    expect((await store.read('deploy/checkout/quarantine.yaml'))?.text).toContain('2.1.0');
    expect(ticked.stdout).toContain('2.1.0 quarantined in deploy/checkout/quarantine.yaml');
    const draft = /the draft is at (\S+)/.exec(ticked.stdout)?.[1];
    expect(draft).toBeDefined();
    expect(readFileSync(draft!, 'utf8')).toContain('Roll back checkout 2.1.0');
    // And its postmortem, as the rollback workflow would open it (sev2 needs one by the default policy).
    const postmortem = /no postmortem issue was opened \(no GitHub token\); the draft is at (\S+)/.exec(
      ticked.stdout,
    )?.[1];
    expect(postmortem).toBeDefined();
    expect(readFileSync(postmortem!, 'utf8')).toContain('# [Postmortem] checkout 2.1.0 rolled back');
    // The version cannot come back by accident.
    const again = await bw(
      ['canary', 'start', '--version', '2.1.0', '--service', 'checkout', '--region', 'us-east-1', '--repo', dir],
      dir,
    );
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('it is quarantined');
  });
});

describe('the metrics verbs read the same folder', UNHURRIED, () => {
  it('metrics query finds .github/bellwether/metrics.yml by default, and takes the folder as --config', async () => {
    const { dir } = await repo({
      '.github/bellwether/metrics.yml': 'providers:\n  recorded:\n    type: replay\n    file: recording.json\n',
      '.github/bellwether/recording.json': recording(Date.now()),
    });
    const query = 'latency_p99_seconds{service="checkout",region="us-east-1",version="2.0.0"}';
    for (const config of [[], ['--config', '.github/bellwether']]) {
      const out = await bw(['metrics', 'query', query, ...config, '--format', 'json'], dir);
      expect(out.stderr).not.toContain('cannot read');
      expect(out.code).toBe(0);
    }
  });
});
