import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateSecretsCommand } from '../../../src/cli/gate-command.js';
import { nodeGateFs } from '../../../src/gates/core/fs.js';
import { runSecretGate, type SecretGateDeps } from '../../../src/gates/secrets/run.js';
import { renderSecretsMarkdown } from '../../../src/gates/secrets/render.js';
import { CommandGit } from '../../../src/gitops/git.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { Fake, secretCore } from './fake-secrets.js';
import { TempRepo } from './git-repo.js';

const fixtures = resolve(import.meta.dirname, '../../fixtures/secrets');
const f = new Fake(314);
const secrets = {
  github: `ghp_${f.alnum(36)}`,
  stripe: `sk_live_${f.alnum(28)}`,
  generic: f.password(28),
  env: f.password(20),
  k8s: f.password(22),
  allowed: `npm_${f.alnum(36)}`,
  url: f.password(16),
};
const deps: SecretGateDeps = {
  fs: nodeGateFs,
  clock: new ManualClock(new Date('2026-11-22T12:00:00Z')),
  git: (cwd) => new CommandGit(cwd),
};

function expectNoSecret(out: string): void {
  for (const s of Object.values(secrets)) expect(out).not.toContain(secretCore(s));
}

describe('gate secrets over a real git diff', () => {
  let repo: TempRepo;
  let base: string;

  beforeAll(async () => {
    repo = await TempRepo.create();
    repo.write('src/config.ts', 'export const region = "eu-west-1";\n');
    repo.write('README.md', '# app\n');
    base = await repo.commit('base');
    await repo.run('checkout', '-q', '-b', 'feature');
    repo.write(
      'src/config.ts',
      [
        'export const region = "eu-west-1";',
        `export const token = "${secrets.github}";`,
        `const stripe = '${secrets.stripe}';`,
        `api_key = "${secrets.generic}"`,
        `const quiet = "${secrets.allowed}"; // gitleaks:allow`,
      ].join('\n') + '\n',
    );
    repo.write('.env', `DATABASE_URL=postgres://app:${secrets.url}@db:5432/app\nSESSION_SECRET=${secrets.env}\n`);
    repo.write(
      'k8s/secret.yaml',
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: app',
        'stringData:',
        `  password: "${secrets.k8s}"`,
      ].join('\n') + '\n',
    );
    repo.write('keys/release.p12', new Uint8Array([0x30, 0x82, 0, 1, 2, 3, 0, 0]));
    repo.write('test/fixtures/keys.txt', `token = "ghp_${f.alnum(36)}"\n`);
    await repo.commit('feature');
  });
  afterAll(() => repo.remove());

  it('finds what the change adds, at the lines it adds them, and exits 1', async () => {
    const out = await gateSecretsCommand({ base, head: 'feature', format: 'json', cwd: repo.dir }, deps);
    expect(out.exitCode).toBe(1);
    const report = JSON.parse(out.stdout) as {
      verdict: string;
      findings: Array<{ ruleId: string; file: string; line: number }>;
      notices: unknown[];
    };
    expect(report.verdict).toBe('fail');
    expect(report.findings.map((x) => `${x.file}:${x.line}:${x.ruleId}`).sort()).toEqual(
      [
        '.env:1:env-file',
        '.env:1:url-credentials',
        '.env:2:generic-secret',
        'k8s/secret.yaml:6:kubernetes-secret-manifest',
        'keys/release.p12:1:key-store-file',
        'src/config.ts:2:github-pat',
        'src/config.ts:3:stripe-secret-key',
        'src/config.ts:4:generic-secret',
        'test/fixtures/keys.txt:1:github-pat',
      ].sort(),
    );
    expect(report.notices).toEqual([{ file: 'keys/release.p12', message: 'binary file: only its name was checked' }]);
  });

  it.each(['text', 'json', 'sarif'] as const)('never prints a secret in %s', async (format) => {
    const out = await gateSecretsCommand({ base, head: 'feature', format, cwd: repo.dir }, deps);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('ghp_***');
    expectNoSecret(out.stdout);
  });

  it('renders Markdown for the job summary without a secret', async () => {
    const report = await runSecretGate({ base, head: 'feature', cwd: repo.dir }, deps);
    const md = renderSecretsMarkdown(report);
    expect(md).toMatch(/^### Secrets: fail/);
    expect(md).toContain('| `src/config.ts:2` | github-pat | critical | `ghp_*** (40 chars)` |');
    expectNoSecret(md);
  });

  it('writes SARIF 2.1.0 that code scanning can read', async () => {
    const out = await gateSecretsCommand({ base, head: 'feature', format: 'sarif', cwd: repo.dir }, deps);
    interface Result {
      ruleId: string;
      ruleIndex: number;
      partialFingerprints: Record<string, string>;
      locations: Array<{
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } };
      }>;
    }
    const log = JSON.parse(out.stdout) as {
      version: string;
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Result[] }>;
    };
    expect(log.version).toBe('2.1.0');
    const [run] = log.runs;
    const ids = run?.tool.driver.rules.map((r) => r.id) ?? [];
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of run?.results ?? []) {
      expect(ids[r.ruleIndex]).toBe(r.ruleId);
      expect(r.partialFingerprints['bellwetherFindingHash/v1']).toMatch(/^[0-9a-f]{32}$/);
      expect(r.locations[0]?.physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    expect(run?.results.find((r) => r.ruleId === 'github-pat')?.locations[0]?.physicalLocation).toMatchObject({
      artifactLocation: { uri: 'src/config.ts' },
      region: { startLine: 2, startColumn: 23 },
    });
  });

  it('applies the policy: allowed paths, disabled rules and the threshold', async () => {
    const out = await gateSecretsCommand(
      { base, head: 'feature', format: 'json', cwd: repo.dir, policy: join(fixtures, 'policy.yml') },
      deps,
    );
    const report = JSON.parse(out.stdout) as { findings: Array<{ file: string }> };
    expect(report.findings.some((x) => x.file.startsWith('test/fixtures/'))).toBe(false);
    expect(report.findings.length).toBe(8);
  });

  it('passes a change without secrets, saying what it read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-secrets-clean-'));
    writeFileSync(
      join(dir, 'clean.diff'),
      'diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,0 +1,2 @@\n+export const region = "eu-west-1";\n+export const zone = "a";\n',
    );
    const out = await gateSecretsCommand({ diff: join(dir, 'clean.diff'), format: 'text', cwd: repo.dir }, deps);
    expect(out).toMatchObject({ exitCode: 0 });
    expect(out.stdout).toContain('1 file, 2 lines');
    expect(out.stdout).toContain('Verdict: pass.');
  });

  it('refuses a range that changes nothing: it would have examined nothing', async () => {
    const out = await gateSecretsCommand({ base, head: base, format: 'text', cwd: repo.dir }, deps);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(`nothing to scan: git diff ${base}...${base} is empty`);
  });

  it('reads a diff from a file', async () => {
    const diff = await repo.run('diff', `${base}...feature`);
    const file = join(mkdtempSync(join(tmpdir(), 'bw-diff-')), 'change.diff');
    writeFileSync(file, diff);
    const out = await gateSecretsCommand({ diff: file, format: 'json', cwd: repo.dir }, deps);
    expect(out.exitCode).toBe(1);
    expect((JSON.parse(out.stdout) as { findings: unknown[] }).findings.length).toBe(9);
  });

  it('scans whole paths, skipping .git, and says which files it could read only in part', async () => {
    repo.write(
      'notes/latin1.txt',
      Buffer.concat([Buffer.from(`key: ${secrets.github}\n`), Buffer.from([0xff, 0xfe, 0x41])]),
    );
    // A link back to the root would loop forever if directories behind links were followed.
    symlinkSync('..', join(repo.dir, 'notes', 'loop'));
    symlinkSync('missing-target', join(repo.dir, 'notes', 'dangling'));
    const out = await gateSecretsCommand({ paths: ['.'], format: 'json', cwd: repo.dir }, deps);
    expect(out.exitCode).toBe(1);
    const report = JSON.parse(out.stdout) as {
      findings: Array<{ file: string; ruleId: string }>;
      notices: Array<{ file: string; message: string }>;
    };
    expect(
      report.findings
        .filter((x) => x.ruleId === 'github-pat')
        .map((x) => x.file)
        .sort(),
    ).toEqual(['notes/latin1.txt', 'src/config.ts', 'test/fixtures/keys.txt']);
    expect(report.findings.some((x) => x.file.startsWith('.git/'))).toBe(false);
    expect(report.notices).toContainEqual({
      file: 'notes/latin1.txt',
      message: 'not valid UTF-8: scanned with the invalid bytes replaced',
    });
    expect(report.notices.find((n) => n.file === 'notes/dangling')?.message).toMatch(/^could not be read: /);
    expectNoSecret(out.stdout);
  });
});

describe('gate secrets usage errors exit 2', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await TempRepo.create();
    repo.write('a.txt', 'a\n');
    await repo.commit('one');
  });
  afterAll(() => repo.remove());

  it.each([
    ['nothing to scan', {}, /nothing to scan/],
    ['paths and a range', { paths: ['.'], base: 'HEAD' }, /not several/],
    ['head without base', { head: 'HEAD' }, /--head needs --base/],
    ['a diff file and a range', { diff: 'x.diff', base: 'HEAD' }, /cannot be combined/],
    ['a ref that looks like an option', { base: '--output=/tmp/x' }, /not a git revision/],
    ['an unknown ref', { base: 'no-such-branch' }, /git diff no-such-branch\.\.\.HEAD failed/],
    ['a missing path', { paths: ['missing/'] }, /missing\/: no such file or directory/],
    ['a missing diff file', { diff: 'missing.diff' }, /missing\.diff: cannot read the diff/],
    ['a missing policy', { paths: ['.'], policy: 'nope.yml' }, /nope\.yml: cannot read the policy/],
    [
      'a bad policy',
      { paths: ['.'], policy: join(fixtures, 'bad-policy.yml') },
      /bad-policy\.yml:5:.*secrets\.allow\.paths/,
    ],
  ])('%s', async (_name, args, message) => {
    const out = await gateSecretsCommand({ format: 'text', cwd: repo.dir, ...args }, deps);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toMatch(message);
  });

  it('an unknown format', async () => {
    const out = await gateSecretsCommand({ paths: ['.'], format: 'xml' as never, cwd: repo.dir }, deps);
    expect(out).toMatchObject({ exitCode: 2 });
  });
});
