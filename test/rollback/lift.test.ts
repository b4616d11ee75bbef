import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollbackLiftCommand } from '../../src/cli/rollback-command.js';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { GitContentStore, GitHubContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import type { GitPort } from '../../src/gitops/git.js';
import { localDeps } from '../../src/cli/local-deps.js';
import { liftQuarantine } from '../../src/rollback/lift.js';
import { changeQuarantine, quarantined, readQuarantine } from '../../src/rollback/quarantine.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { T0 } from './fixtures.js';

const put = {
  version: '1.42.0',
  reason: 'canary verdict Fail: latency p99 High',
  at: T0.toISOString(),
  by: 'bellwether',
};

async function setup() {
  const clock = new ManualClock(T0);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  github.seedBranch('main', {});
  const store = new GitHubContentStore(github, 'main');
  await changeQuarantine(store, 'deploy', 'checkout', { kind: 'put', entry: put });
  clock.advance(3_600_000);
  return { clock, github, store, deps: { store, clock, logger: new RecordingLogger() } };
}

const lift = {
  service: 'checkout',
  version: '1.42.0',
  reason: 'false alarm: the p99 came from a load test',
  by: 'alice',
  manifests: 'deploy',
};

describe('liftQuarantine', () => {
  it('lifts with the reason, who and when recorded beside the quarantine it ends', async () => {
    const s = await setup();
    const out = await liftQuarantine(lift, s.deps);
    expect(out).toMatchObject({ changed: true, path: 'deploy/checkout/quarantine.yaml', quarantine: put });
    const { quarantine } = await readQuarantine(s.store, 'deploy', 'checkout');
    expect(quarantined(quarantine, '1.42.0')).toBeUndefined();
    expect(quarantine.versions).toEqual([put]);
    expect(quarantine.lifted).toEqual([
      { version: '1.42.0', reason: lift.reason, by: 'alice', at: '2026-11-22T13:00:00.000Z' },
    ]);
  });

  it('a second lift writes nothing and names the first', async () => {
    const s = await setup();
    await liftQuarantine(lift, s.deps);
    const head = (await s.github.getRef('heads/main'))!.sha;
    const again = await liftQuarantine({ ...lift, by: 'bob', reason: 'again' }, s.deps);
    expect(again).toMatchObject({ changed: false, lift: { by: 'alice', reason: lift.reason } });
    expect(again.summary).toContain('already lifted by alice');
    expect((await s.github.getRef('heads/main'))!.sha).toBe(head);
  });

  it('a version quarantined again after a lift can be lifted again', async () => {
    const s = await setup();
    await liftQuarantine(lift, s.deps);
    s.clock.advance(60_000);
    await changeQuarantine(s.store, 'deploy', 'checkout', {
      kind: 'put',
      entry: { ...put, at: s.clock.now().toISOString(), reason: 'failed again' },
    });
    s.clock.advance(60_000);
    const out = await liftQuarantine({ ...lift, reason: 'fixed upstream' }, s.deps);
    expect(out).toMatchObject({ changed: true, quarantine: { reason: 'failed again' } });
    expect(quarantined((await readQuarantine(s.store, 'deploy', 'checkout')).quarantine, '1.42.0')).toBeUndefined();
  });

  it.each([
    [
      'a version that is not quarantined',
      { version: '1.43.0' },
      'deploy/checkout/quarantine.yaml: versions: checkout 1.43.0 is not quarantined (quarantined: 1.42.0)',
    ],
    [
      'an empty reason',
      { reason: '  ' },
      'deploy/checkout/quarantine.yaml: reason: lifting a quarantine needs a reason, which is recorded',
    ],
    [
      'a service without a quarantine file',
      { service: 'cart' },
      'deploy/cart/quarantine.yaml: versions: cart 1.42.0 is not quarantined',
    ],
  ])('refuses %s, writing nothing', async (_name, change, message) => {
    const s = await setup();
    const head = (await s.github.getRef('heads/main'))!.sha;
    const err = await liftQuarantine({ ...lift, ...change }, s.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toContain(message);
    expect((await s.github.getRef('heads/main'))!.sha).toBe(head);
  });
});

describe('rollbackLiftCommand (local git)', () => {
  async function repo(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'bw-rb-lift-'));
    const git = new CommandGit(dir);
    await git.run(['init', '-q', '-b', 'main']);
    await changeQuarantine(new GitContentStore(git, 'main'), 'deploy', 'checkout', { kind: 'put', entry: put });
    return dir;
  }

  it('lifts with one commit whose message carries the reason; JSON says what was recorded', async () => {
    const dir = await repo();
    const out = await rollbackLiftCommand({
      service: 'checkout',
      version: '1.42.0',
      reason: 'fixed in 1.42.1 config',
      by: 'alice',
      repo: dir,
      format: 'json',
    });
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      service: 'checkout',
      version: '1.42.0',
      changed: true,
      file: 'deploy/checkout/quarantine.yaml',
      lift: { by: 'alice', reason: 'fixed in 1.42.1 config' },
    });
    const log = (await new CommandGit(dir).run(['log', '--format=%B', '-1', 'main'])).stdout.trim();
    expect(log).toBe('checkout: lift the quarantine of 1.42.0\n\nfixed in 1.42.1 config');
    const text = await rollbackLiftCommand(
      { service: 'checkout', version: '1.42.0', reason: 'again', by: 'bob', repo: dir },
      {},
    );
    expect(text).toEqual({ exitCode: 0, stdout: expect.stringContaining('already lifted by alice') });
  });

  it('takes the user from the environment when --by is not given', async () => {
    const dir = await repo();
    const out = await rollbackLiftCommand(
      { service: 'checkout', version: '1.42.0', reason: 'ok', repo: dir, format: 'json' },
      { GITHUB_ACTOR: 'octocat' },
    );
    expect(JSON.parse(out.stdout)).toMatchObject({ lift: { by: 'octocat' } });
  });

  it('works through the Deps it is given: the injected git runs every command and the injected clock dates the lift', async () => {
    const dir = await repo();
    const seen: string[][] = [];
    const real = new CommandGit(dir);
    const git: GitPort = {
      cwd: dir,
      run: (args, options) => (seen.push([...args]), real.run(args, options)),
    };
    const clock = new ManualClock('2030-01-02T03:04:05Z');
    const out = await rollbackLiftCommand(
      { service: 'checkout', version: '1.42.0', reason: 'ok', by: 'alice', repo: dir, format: 'json' },
      {},
      dir,
      ({ repo: at }) => ({ ...localDeps({ repo: at }), git, clock }),
    );
    expect(JSON.parse(out.stdout)).toMatchObject({ changed: true, lift: { at: '2030-01-02T03:04:05.000Z' } });
    expect(seen.some((args) => args[0] === 'commit-tree')).toBe(true);
    expect(seen.some((args) => args[0] === 'ls-tree')).toBe(true);
  });

  it('a version that is not quarantined is a usage error naming the file', async () => {
    const dir = await repo();
    await expect(
      rollbackLiftCommand({ service: 'checkout', version: '9.9.9', reason: 'r', by: 'a', repo: dir }),
    ).rejects.toThrow(ConfigurationError);
  });
});
