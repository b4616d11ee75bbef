/**
 * A break-glass lets `bellwether canary start` through an error-budget
 * freeze, judged as the freeze step judges it: only a user the freeze
 * policy names, with a justification and an expiry, and the promotion
 * records who broke the glass and why. Driven through the shipped CLI as a
 * process, against a Prometheus that reports 200% of the budget spent.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { canaryPolicy, git, stableManifest } from '../e2e/canary-repo.js';
import { runCliProcess } from '../helpers/cli-process.js';

const SLO = join(import.meta.dirname, '../fixtures/freeze/checkout-availability.yaml');
const MANIFEST = 'main:deploy/checkout/production/eu-west-1.yaml';

let prometheus: Server;
let url: string;
beforeEach(async () => {
  // Checkout fails 0.02 of its 10 requests a second: twice what its 99.9% objective allows.
  prometheus = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const value = (u.searchParams.get('query') ?? '').includes('code=~"5.."') ? 0.02 : 10;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ metric: {}, value: [Number(u.searchParams.get('time') ?? 0), String(value)] }],
        },
      }),
    );
  });
  await new Promise<void>((done) => prometheus.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((done) => prometheus.close(done));
});

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-glass-canary-'));
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'deploy', 'checkout', 'production'), { recursive: true });
  writeFileSync(
    join(dir, 'deploy', 'checkout', 'production', 'eu-west-1.yaml'),
    stableManifest('checkout', 'eu-west-1'),
  );
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'canary.yml'), canaryPolicy('checkout', 'prom'));
  copyFileSync(SLO, join(dir, 'checkout-slo.yaml'));
  writeFileSync(
    join(dir, 'policies', 'freeze.yml'),
    'kind: freeze\nslos: [checkout-slo.yaml]\nbreakGlass:\n  users: [alice]\n',
  );
  writeFileSync(join(dir, 'metrics.yml'), `providers:\n  prom:\n    type: prometheus\n    url: ${url}\n`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial state');
  return dir;
}

const start = (dir: string, by: string, ...more: string[]) =>
  runCliProcess(
    [
      'canary',
      'start',
      '--version',
      '1.42.0',
      '--service',
      'checkout',
      '--region',
      'eu-west-1',
      '--repo',
      dir,
      '--policy',
      'policies',
      '--metrics',
      'metrics.yml',
      '--by',
      by,
      '--format',
      'json',
      ...more,
    ],
    { cwd: dir },
  );

describe('bellwether canary start through an error-budget freeze', () => {
  it('is refused without a break-glass, and the manifest stays as it was', async () => {
    const dir = repo();
    const run = await start(dir, 'alice');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'checkout-availability has spent 200% of its error budget, at or past the 100% tier (freeze)',
    );
    expect(git(dir, 'show', MANIFEST)).toContain('weight: 0');
  });

  it('is refused when the break-glass comes from a user the freeze policy does not name', async () => {
    const dir = repo();
    const run = await start(dir, 'mallory', '--break-glass', 'I want to ship', '--break-glass-expiry', '2h');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('break-glass refused: mallory is not permitted to break the glass');
    expect(git(dir, 'show', MANIFEST)).toContain('weight: 0');
  });

  it('is refused when the break-glass has no expiry', async () => {
    const dir = repo();
    const run = await start(dir, 'alice', '--break-glass', 'payment outage');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('break-glass refused: break-glass needs an expiry time');
  });

  it('starts for a permitted user with a justification and an expiry, and the promotion records the break-glass', async () => {
    const dir = repo();
    const run = await start(
      dir,
      'alice',
      '--break-glass',
      'payment provider outage, the fix must ship',
      '--break-glass-expiry',
      '2h',
    );
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(0);
    const manifest = parse(git(dir, 'show', MANIFEST)) as { canary: { version: string; weight: number } };
    expect(manifest.canary).toMatchObject({ version: '1.42.0', weight: 1 });
    // The commit that moved the traffic says who broke the glass, until when and why.
    expect(git(dir, 'log', '-1', '--format=%B', 'main')).toMatch(
      /^Error-budget freeze lifted by a break-glass by alice until \S+Z: payment provider outage, the fix must ship\.$/m,
    );
    expect(run.stdout).toContain('break-glass by alice until');
  });
});
