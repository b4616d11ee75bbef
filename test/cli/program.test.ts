import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { CommandGit } from '../../src/gitops/git.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo, createProgress } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

const VERBS = ['gate', 'canary', 'waves', 'budget', 'freeze', 'rollback', 'postmortem', 'policy', 'metrics'];

describe('bellwether CLI', () => {
  it('lists every verb in --help and exits 0', async () => {
    const io = recordingIo();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const verb of VERBS) expect(io.out).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    expect(io.out).toContain('Exit codes: 0 ok, 1 negative decision');
  });

  it.each(VERBS)('has --help for %s', async (verb) => {
    const io = recordingIo();
    expect(await runCli([verb, '--help'], io)).toBe(0);
    expect(io.out).toContain(`Usage: bellwether ${verb}`);
  });

  it('exits 2 on an unknown verb or a bad option value', async () => {
    const io = recordingIo();
    expect(await runCli(['promote-everything'], io)).toBe(2);
    expect(io.err).toContain("unknown command 'promote-everything'");
    const io2 = recordingIo();
    expect(await runCli(['policy', 'check', '--format', 'yaml'], io2)).toBe(2);
    expect(io2.err).toContain('Allowed choices are text, json');
  });

  it('exits 2 and says so for a verb that has not shipped, never a fake success', async () => {
    const io = recordingIo();
    expect(await runCli(['postmortem'], io)).toBe(2);
    expect(io.err).toBe('bellwether: `bellwether postmortem` is not available yet in this version of Bellwether.\n');
    expect(io.out).toBe('');
    // its help says the same, rather than describing a verb that then refuses
    const help = recordingIo();
    expect(await runCli(['postmortem', '--help'], help)).toBe(0);
    expect(help.out).toContain('not available yet as a verb');
    expect(help.out).not.toContain('open or update a postmortem issue');
  });

  it('runs the self-check on the shipped example', async () => {
    const io = recordingIo();
    const code = await runCli(['self-check', 'examples', '--format', 'json'], io);
    const report = JSON.parse(io.out) as { ok: boolean; checks: Array<{ name: string; ok: boolean }> };
    expect(report.checks.length).toBeGreaterThan(0);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(code).toBe(0);
  });

  it('exits 2 when the example folder is missing', async () => {
    const io = recordingIo();
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    expect(await runCli(['self-check', join(dir, 'nope')], io)).toBe(2);
    expect(io.err).toContain('example folder not found');
  });

  it('fails the self-check with exit 1 when the example is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    writeFileSync(join(dir, 'README.md'), 'empty example');
    const io = recordingIo();
    expect(await runCli(['self-check', dir], io)).toBe(1);
    expect(io.out).toMatch(/^FAIL {2}gitops repository: /m);
  });
});

describe('progress', () => {
  it('is shown only when a person watches a terminal', () => {
    const quiet = recordingIo({ interactive: false });
    const p1 = createProgress(quiet, 'judging', 10);
    p1.tick(5);
    p1.done();
    expect(quiet.err).toBe('');
    const tty = recordingIo({ interactive: true });
    const p2 = createProgress(tty, 'judging', 10);
    p2.tick(5, 'latency');
    p2.tick(5);
    expect(tty.err).toBe('\rjudging: 5/10 (50%) latency\x1b[K');
  });
});

describe('wired verbs', () => {
  it('policy check validates the shipped policies', async () => {
    const io = recordingIo();
    expect(await runCli(['policy', 'check', 'policies', '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ valid: true });
  });

  it('policy check names file, line and field and exits 2 on a bad policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    writeFileSync(
      join(dir, 'canary.yml'),
      'kind: canary\nstages:\n  - { weight: 1 }\n  - { weight: "50%" }\n  - { weight: 100 }\n',
    );
    const io = recordingIo();
    expect(await runCli(['policy', 'check', dir], io)).toBe(2);
    expect(io.out).toContain(
      `${join(dir, 'canary.yml')}:4: stages[1].weight: expected a number from 0 to 100, got "50%"`,
    );
  });

  it('metrics query says which configuration is missing', async () => {
    const io = recordingIo();
    expect(await runCli(['metrics', 'query', 'up', '--config', '/nonexistent/metrics.yml'], io)).toBe(2);
    expect(io.err).toContain('/nonexistent/metrics.yml');
  });
});

describe('waves and budget verbs', () => {
  it('waves plan shows each wave with its start time and the reasons for waits', async () => {
    const io = recordingIo();
    const code = await runCli(
      [
        'waves',
        'plan',
        '--policy',
        'test/waves/fixtures/six-regions.yml',
        '--at',
        '2026-11-26T12:00:00Z',
        '--service',
        'checkout',
        '--version',
        '1.42.0',
        '--format',
        'json',
      ],
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(io.out) as {
      plan: { waves: unknown[] };
      matrix: { include: Array<{ environment: string }> };
    };
    expect(out.plan.waves.length).toBeGreaterThan(1);
    expect(out.matrix.include.every((m) => m.environment.startsWith('production/'))).toBe(true);
  });

  it('budget needs a Prometheus URL and says so', async () => {
    const io = recordingIo();
    expect(await runCli(['budget', '--slo', 'test/fixtures/freeze'], io)).toBe(2);
    expect(io.err).toContain('--prometheus');
  });
});

describe('gate verbs', () => {
  it("gate workflows passes on Bellwether's own workflows and fails with SARIF on a vulnerable one", async () => {
    const ok = recordingIo();
    expect(await runCli(['gate', 'workflows', '.github/workflows', 'actions'], ok)).toBe(0);
    const bad = recordingIo();
    expect(await runCli(['gate', 'workflows', 'test/fixtures/gates/vulnerable', '--format', 'sarif'], bad)).toBe(1);
    const sarif = JSON.parse(bad.out) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
  });

  it('gate secrets finds a planted token in a path scan and never prints it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-secrets-'));
    const token = 'ghp_' + 'Zx7Qm2Lk9Vb4Np6Rt8Yw3Hs5Jd1Fg0Ca2Eu4';
    writeFileSync(join(dir, 'config.js'), `const token = "${token}";\n`);
    const io = recordingIo();
    expect(await runCli(['gate', 'secrets', dir, '--format', 'json'], io)).toBe(1);
    expect(io.out).not.toContain(token);
    expect(io.out).toContain('ghp_');
  });
});

describe('canary judge verb', () => {
  it('judges a Kayenta config unchanged and explains each metric', async () => {
    const io = recordingIo();
    const code = await runCli(
      [
        'canary',
        'judge',
        '--config',
        'test/fixtures/canary/kayenta-config.json',
        '--input',
        'test/fixtures/canary/kayenta-input.json',
        '--format',
        'json',
      ],
      io,
    );
    const out = JSON.parse(io.out) as {
      profile: string;
      verdict: string;
      score: number;
      metrics: Array<{ name: string; classification: string; reason: string }>;
    };
    expect(out.profile).toBe('kayenta');
    expect(['Pass', 'Marginal', 'Fail']).toContain(out.verdict);
    expect(code).toBe(out.verdict === 'Pass' ? 0 : 1);
    expect(out.metrics.every((m) => m.reason.length > 0)).toBe(true);
  });

  it('names the file when the input is not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-judge-'));
    writeFileSync(join(dir, 'in.json'), '{"latency": ');
    const io = recordingIo();
    expect(
      await runCli(
        ['canary', 'judge', '--config', 'test/fixtures/canary/kayenta-config.json', '--input', join(dir, 'in.json')],
        io,
      ),
    ).toBe(2);
    expect(io.err + io.out).toContain(join(dir, 'in.json'));
  });
});

describe('bellwether gate (every family)', () => {
  it('runs every family on a change in a real git repository and fails it on an added secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-gate-all-'));
    const git = new CommandGit(dir);
    await git.run(['init', '-q', '-b', 'main']);
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(
      join(dir, '.github/workflows/ci.yml'),
      'name: ci\non: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n',
    );
    await git.run(['add', '.']);
    await git.run(['commit', '-q', '-m', 'base']);
    writeFileSync(join(dir, 'settings.py'), `STRIPE_KEY = "${'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc'}"\n`);
    await git.run(['add', '.']);
    await git.run(['commit', '-q', '-m', 'head']);
    const io = recordingIo();
    const code = await runCliIn(dir, ['gate', '--base', 'HEAD~1', '--format', 'json'], io);
    const out = JSON.parse(io.out) as { verdict: string; families: Array<{ family: string; verdict: string }> };
    expect(out.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(out.families.map((f) => f.family)).toEqual(['workflows', 'secrets', 'dependencies']);
    expect(out.families.find((f) => f.family === 'secrets')?.verdict).toBe('fail');
    expect(out.families.find((f) => f.family === 'workflows')?.verdict).toBe('pass');
  });
});

async function runCliIn(dir: string, args: string[], io: ReturnType<typeof recordingIo>): Promise<number> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await runCli(args, io);
  } finally {
    process.chdir(before);
  }
}
