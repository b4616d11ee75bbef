import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { freezeCommand, parseChangeType } from '../../src/cli/freeze-command.js';
import type { FreezeAnswer } from '../../src/cli/freeze-command.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { runCliProcess } from '../helpers/cli-process.js';

const SLO = path.join(import.meta.dirname, '../fixtures/freeze/checkout-availability.yaml');

/** A server speaking Prometheus' instant query API: checkout fails `bad` of its 10 requests a second. */
async function prometheus(bad: number): Promise<{ url: string; times: string[]; server: Server }> {
  const times: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = url.searchParams.get('query') ?? '';
    times.push(url.searchParams.get('time') ?? '');
    const value = query.includes('code=~"5.."') ? bad : 10;
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, times, server };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

async function cli(bad: number, ...args: string[]) {
  const prom = await prometheus(bad);
  server = prom.server;
  const io = recordingIo();
  const code = await runCli(['freeze', '--slo', SLO, '--prometheus', prom.url, ...args], io);
  return { code, io, times: prom.times };
}

// Twice the errors the 99.9% objective allows: 200% of the budget spent. And a tenth of them.
const FROZEN = 0.02;
const HEALTHY = 0.001;

describe('bellwether freeze', () => {
  it('says a metrics source failure once, however many figures it leaves unknown', async () => {
    const io = recordingIo();
    // port 9 is one fetch refuses at once ("bad port"): every query fails the same way
    const code = await runCli(['freeze', '--slo', SLO, '--prometheus', 'http://127.0.0.1:9'], io);
    expect(code).toBe(1);
    expect(io.out.match(/bad port/g)).toHaveLength(1);
    expect(io.out).toMatch(
      /^metrics source failure \[1\] \(every figure it left unknown says so\): request failed: .*bad port.* from http:\/\/127\.0\.0\.1:9$/m,
    );
    expect(io.out).toMatch(
      /^feature: block \(the error budget of checkout-availability is unknown: metrics source failure \[1\]/,
    );
    expect(io.out).toContain('budget: unknown (metrics source failure [1] (query: ');
    expect(io.out.match(/^\s+feature\s+block/gm)).toHaveLength(1);
  });

  it.each([
    ['feature while frozen', FROZEN, 'feature', 1, 'block'],
    ['security fix while frozen', FROZEN, 'security-fix', 0, 'allow'],
    ['hotfix while frozen', FROZEN, 'hotfix', 0, 'allow'],
    ['feature within budget', HEALTHY, 'feature', 0, 'allow'],
  ] as const)('%s', async (_name, bad, type, exit, verdict) => {
    const { code, io } = await cli(bad, '--change-type', type);
    expect(io.err).toBe('');
    expect(code).toBe(exit);
    expect(io.out.split('\n')[0]).toMatch(new RegExp(`^${type}: ${verdict} \\(`));
    expect(io.out).toContain('SLO checkout-availability (service checkout)');
  });

  it('allows a rollback while frozen without asking the metrics server anything', async () => {
    const { code, io, times } = await cli(FROZEN, '--change-type', 'rollback');
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out).toBe('rollback: allow (rollbacks are never blocked, so nothing was measured)\n');
    expect(times).toEqual([]);
  });

  it('takes feature when no change type is given, and says why it blocks', async () => {
    const { code, io } = await cli(FROZEN);
    expect(code).toBe(1);
    expect(io.out.split('\n')[0]).toBe(
      'feature: block (checkout-availability has spent 200% of its error budget, at or past the 100% tier (freeze))',
    );
  });

  it('prints the verdict and the whole budget report as JSON, evaluated at --at', async () => {
    const { code, io, times } = await cli(FROZEN, '--format', 'json', '--at', '2026-11-22T10:30:00+01:00');
    expect(code).toBe(1);
    const answer = JSON.parse(io.out) as FreezeAnswer;
    expect(answer).toMatchObject({ at: '2026-11-22T09:30:00.000Z', changeType: 'feature', verdict: 'block' });
    expect(answer.report?.slos[0]?.budget?.consumed).toBeCloseTo(2, 9);
    expect(answer.report?.gate.rollback.verdict).toBe('allow');
    expect(new Set(times)).toEqual(new Set([String(Date.parse('2026-11-22T09:30:00Z') / 1000)]));
  });

  it.each([
    ['no --slo', ['freeze', '--prometheus', 'http://127.0.0.1:9'], "required option '--slo <paths>' not specified"],
    [
      'an unknown change type',
      ['freeze', '--slo', SLO, '--prometheus', 'http://127.0.0.1:9', '--change-type', 'deploy'],
      "argument 'deploy' is invalid",
    ],
    [
      'a time without an offset',
      ['freeze', '--slo', SLO, '--prometheus', 'http://127.0.0.1:9', '--at', '2026-11-22 09:30'],
      '--at: expected an RFC 3339 time',
    ],
    ['no Prometheus', ['freeze', '--slo', SLO], '--prometheus'],
    [
      'an SLO file that is not there',
      ['freeze', '--slo', '/nonexistent/slo.yaml', '--prometheus', 'http://127.0.0.1:9'],
      '/nonexistent/slo.yaml',
    ],
  ])('exits 2 on a usage mistake: %s', async (_name, argv, message) => {
    const io = recordingIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err).toContain(message);
    expect(io.out).toBe('');
  });
});

describe('freezeCommand', () => {
  it('rejects an unknown change type before asking anything', async () => {
    await expect(
      freezeCommand({ slo: SLO, prometheus: 'http://127.0.0.1:9', changeType: 'yolo', format: 'text' }),
    ).rejects.toThrow(ConfigurationError);
    expect(() => parseChangeType('yolo')).toThrow(
      '--change-type: expected one of feature, security-fix, hotfix, rollback, got "yolo"',
    );
    expect(parseChangeType(undefined)).toBe('feature');
  });
});

describe('bellwether freeze, the shipped CLI as a process, at each tier of the error budget policy', () => {
  // Of 10 requests a second, the share that fails: 0.01 spends exactly the 0.1% the SLO allows.
  it.each([
    ['notify', 0.003, '30%', 'allow', 'allow'],
    ['consider-freeze', 0.006, '60%', 'block', 'allow'],
    ['all-hands', 0.008, '80%', 'block', 'allow'],
    ['freeze', 0.02, '200%', 'block', 'allow'],
  ] as const)(
    'tier %s (%s of 10 failing, %s spent): feature %s, security-fix %s',
    async (tier, bad, spent, feature, securityFix) => {
      const prom = await prometheus(bad);
      server = prom.server;
      const verdicts: Record<string, string> = {};
      for (const type of ['feature', 'security-fix'] as const) {
        const run = await runCliProcess([
          'freeze',
          '--slo',
          SLO,
          '--prometheus',
          prom.url,
          '--change-type',
          type,
          '--format',
          'json',
        ]);
        expect(run.stderr).toBe('');
        const answer = JSON.parse(run.stdout) as FreezeAnswer;
        expect(run.code).toBe(answer.verdict === 'block' ? 1 : 0);
        expect(answer.report?.slos[0]?.tier?.action).toBe(tier);
        verdicts[type] = answer.verdict;
        if (answer.verdict === 'block')
          expect(answer.reason).toContain(`checkout-availability has spent ${spent} of its error budget`);
      }
      expect(verdicts).toEqual({ feature, 'security-fix': securityFix });
    },
  );

  it('says at consider-freeze what a feature lacks', async () => {
    const prom = await prometheus(0.006);
    server = prom.server;
    const run = await runCliProcess(['freeze', '--slo', SLO, '--prometheus', prom.url]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(
      'feature: block (checkout-availability has spent 60% of its error budget, at or past the 50% tier (consider-freeze): a feature deploys only from an approved pull request)',
    );
  });
});
