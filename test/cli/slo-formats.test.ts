import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FreezeAnswer } from '../../src/cli/freeze-command.js';
import { runCliProcess } from '../helpers/cli-process.js';
import { prometheusAvailability } from '../helpers/prometheus.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/slo-formats');

/**
 * A server speaking Prometheus' instant query API. Checkout fails `bad` of
 * its requests: as a rate (10 a second) for rate() queries, as a count (a
 * million) for increase() queries.
 */
async function prometheus(bad: number): Promise<{ url: string; queries: string[]; server: Server }> {
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = url.searchParams.get('query') ?? '';
    queries.push(query);
    const total = query.includes('increase(') ? 1_000_000 : 10;
    const value = query.includes('code=~"5.."') ? bad * total : total;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ metric: {}, value: [Number(url.searchParams.get('time')), String(value)] }],
        },
      }),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries, server };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

async function freeze(
  file: string,
  bad: number,
): Promise<{ code: number | null; answer: FreezeAnswer; queries: string[]; stderr: string }> {
  const prom = await prometheus(bad);
  server = prom.server;
  const run = await runCliProcess([
    'freeze',
    '--slo',
    path.join(FIXTURES, file),
    '--prometheus',
    prom.url,
    '--change-type',
    'feature',
    '--format',
    'json',
  ]);
  return { code: run.code, answer: JSON.parse(run.stdout) as FreezeAnswer, queries: prom.queries, stderr: run.stderr };
}

describe('bellwether freeze, the shipped CLI as a process, on SLO files as teams already write them', () => {
  it.each([
    ['a Sloth prometheus/v1 spec', 'checkout-sloth.yaml', 'checkout-availability'],
    [
      'OpenSLO objects as a YAML list, with plain counter queries',
      'checkout-openslo-list.yaml',
      'checkout-availability',
    ],
  ])('gates on %s: within budget it allows, at twice the budget it blocks', async (_name, file, slo) => {
    const healthy = await freeze(file, 0.0002);
    expect(healthy.stderr).toBe('');
    expect([healthy.code, healthy.answer.verdict]).toEqual([0, 'allow']);
    expect(healthy.answer.report?.slos[0]?.name).toBe(slo);
    expect(healthy.answer.report?.slos[0]?.budget?.consumed).toBeCloseTo(0.2, 9);
    const frozen = await freeze(file, 0.002);
    expect([frozen.code, frozen.answer.verdict]).toEqual([1, 'block']);
    expect(frozen.answer.report?.slos[0]?.budget?.consumed).toBeCloseTo(2, 9);
  });

  it('asks Prometheus for each window by counting the plain counter query with increase()', async () => {
    const run = await freeze('checkout-openslo-list.yaml', 0.0005);
    expect(run.queries).toContain('sum(increase(http_requests_total{job="checkout",code=~"5.."}[1h]))');
    expect(run.queries).toContain('sum(increase(http_requests_total{job="checkout"}[30d]))');
  });

  it('loads an SLO over Datadog, asks nothing, and blocks on its unknown budget, saying why', async () => {
    const run = await freeze('search-datadog.yaml', 0);
    expect(run.stderr).toBe('');
    expect(run.queries).toEqual([]);
    expect([run.code, run.answer.verdict]).toEqual([1, 'block']);
    expect(run.answer.report?.slos[0]?.unavailable).toBe(
      'Bellwether cannot evaluate this SLO: the good and total metrics read "Datadog", which Bellwether cannot query (it queries Prometheus)',
    );
  });
});

describe('bellwether policy check on SLO files', () => {
  it('names the file, line and field of each mistake in an OpenSLO list', async () => {
    const file = path.join(FIXTURES, 'invalid-service.yaml');
    const run = await runCliProcess(['policy', 'check', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`${file}:4: [0].metadata.name: expected a DNS label`);
    expect(run.stdout).toContain(`${file}:6: [0].spec.summary: unknown key "summary"`);
  });

  it('checks Sloth specs and OpenSLO lists with the SLO reader', async () => {
    const files = ['checkout-sloth.yaml', 'checkout-openslo-list.yaml', 'search-datadog.yaml'].map((f) =>
      path.join(FIXTURES, f),
    );
    const run = await runCliProcess(['policy', 'check', ...files]);
    expect(run.stdout).toBe(
      `ok ${files[0]} (Sloth)\nok ${files[1]} (OpenSLO)\nok ${files[2]} (OpenSLO)\n3 policy files checked, all valid\n`,
    );
    expect(run.code).toBe(0);
  });
});

describe('bellwether budget rules, the shipped CLI as a process', () => {
  it('writes a rule file that promtool accepts, and names what it left out', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'bellwether-rules-')), 'slo-rules.yml');
    const slo = ['checkout-sloth.yaml', 'search-datadog.yaml'].map((f) => path.join(FIXTURES, f)).join(',');
    const run = await runCliProcess(['budget', 'rules', '--slo', slo, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      `wrote 1 rule groups to ${out}\nnot generated: search-availability: the good and total metrics read "Datadog", which Bellwether cannot query (it queries Prometheus)\n`,
    );
    expect(run.code).toBe(0);
    if (prometheusAvailability().ok) {
      const check = spawnSync('promtool', ['check', 'rules', out], { encoding: 'utf8' });
      expect(check.status).toBe(0);
    }
  });

  it('is an error when no SLO can be turned into rules', async () => {
    const run = await runCliProcess(['budget', 'rules', '--slo', path.join(FIXTURES, 'search-datadog.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('no rules: none of the 1 SLOs can be turned into Prometheus rules');
  });
});
