/**
 * The in-place diff scan must find exactly what the parse-then-scan path
 * finds. Real git writes the diffs: seeded random repositories whose files
 * hold secrets of many shapes, key blocks, values below their keys,
 * Kubernetes Secrets, allow markers, carriage returns and last lines
 * without a line end, changed by seeded random edits, renames, deletions
 * and binary files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../../src/gates/core/diff.js';
import { scanGitDiff } from '../../../src/gates/secrets/diff-scan.js';
import { DEFAULT_SECRETS_POLICY, parseSecretsPolicyText } from '../../../src/gates/secrets/policy.js';
import { defaultRules } from '../../../src/gates/secrets/rules.js';
import { scanDiffFiles, type ScanResult } from '../../../src/gates/secrets/scan.js';
import { Fake, seeded } from './fake-secrets.js';
import { TempRepo } from './git-repo.js';

/** A result with its findings in a stable order, every field that users see kept. */
function canonical(r: ScanResult): unknown {
  const findings = r.findings
    .map((f) => [f.file, f.line, f.column, f.endLine, f.endColumn, f.ruleId, f.fingerprint, f.message].join('|'))
    .sort();
  return { files: r.files, lines: r.lines, bytes: r.bytes, notices: r.notices, findings };
}

function bothWays(diff: string, policy = DEFAULT_SECRETS_POLICY): { parsed: ScanResult; inPlace: ScanResult } {
  return {
    parsed: scanDiffFiles(parseUnifiedDiff(diff), defaultRules(), policy),
    inPlace: scanGitDiff(diff, defaultRules(), policy),
  };
}

/** Lines of the kinds a repository holds, secrets among them. */
function lineMaker(seed: number): () => string[] {
  const f = new Fake(seed);
  const rand = seeded(seed + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const kinds: Array<() => string[]> = [
    () => [`const value${f.alnum(3)} = compute(${Math.floor(rand() * 100)});`],
    () => [`  // the key is read from the config, token refresh happens later`],
    () => [`GITHUB_TOKEN=ghp_${f.alnum(36)}`],
    () => [`stripe_key = "sk_live_${f.alnum(24)}"`],
    () => [`  "apiToken": "${f.password(28)}",`],
    () => [`const accessTokenSecretKey = '${f.password(24)}';`],
    () => [`aws_access_key_id = AKIA${f.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`],
    () => [`DATABASE_URL=postgres://app:${f.password(16)}@db.internal:5432/app`],
    () => [`Server=db;User Id=sa;Password=${f.password(14)};`],
    () => [`password=${f.password(12)}`],
    () => [`token: |`, `  ${f.password(30)}`],
    () => [`<apiKey>`, `${f.password(26)}</apiKey>`],
    () => f.pem('RSA PRIVATE KEY').split('\n'),
    () => [`secret = "${f.password(20)}" # gitleaks:allow`],
    () => [`npm_token=npm_${f.alnum(36)}\r`],
    () => [`curl -s -u deploy:${f.password(16)} https://ci.example.org/hook`],
    () => [`curl -s \\`, `  --user deploy:${f.password(16)} \\`, '  https://ci.example.org/hook'],
    () => [`  -H "Authorization: Bearer ${f.password(32)}"`],
    () => [''],
    () => ['diff --git a/looks b/looks', '@@ -1 +1 @@', '--- a/not-a-header', '+++ b/not-a-header'],
  ];
  return () => pick(kinds)();
}

const MANIFEST = (f: Fake): string =>
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: app',
    'stringData:',
    `  password: ${f.password(18)}`,
    `  api_key: "${f.password(22)}"`,
    '',
  ].join('\n');

/** Builds a base and a head commit from a seed; returns the repository. */
async function randomChange(seed: number): Promise<TempRepo> {
  const repo = await TempRepo.create();
  const rand = seeded(seed);
  const f = new Fake(seed + 7);
  const line = lineMaker(seed + 3);
  const fileText = (n: number): string =>
    Array.from({ length: n }, line).flat().join('\n') + (rand() < 0.2 ? '' : '\n');
  const names = Array.from(
    { length: 8 },
    (_, i) => `src/${['app', 'lib', 'config'][i % 3]}/file-${i}.${['ts', 'yml', 'env', 'json'][i % 4]}`,
  );
  const contents = new Map<string, string>();
  for (const name of names.slice(0, 6)) contents.set(name, fileText(10 + Math.floor(rand() * 30)));
  for (const [name, text] of contents) repo.write(name, text);
  repo.write('assets/logo.bin', new Uint8Array([0, 1, 2, 3, 0, 255]));
  await repo.commit('base');

  for (const [name, text] of contents) {
    const lines = text.split('\n');
    const edits = Math.floor(rand() * 5);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rand() * lines.length);
      if (rand() < 0.3) lines.splice(at, 1 + Math.floor(rand() * 3));
      else lines.splice(at, rand() < 0.5 ? 1 : 0, ...Array.from({ length: 1 + Math.floor(rand() * 4) }, line).flat());
    }
    repo.write(name, lines.join('\n'));
  }
  for (const name of names.slice(6)) repo.write(name, fileText(20));
  repo.write('deploy/secret.yaml', MANIFEST(f));
  repo.write('assets/logo.bin', new Uint8Array([0, 9, 8, 7, 0, 1]));
  await repo.commit('head');
  return repo;
}

const repos: TempRepo[] = [];
/** Rules seen across the seeded diffs, to check that the cases that span lines were exercised. */
const seen = new Set<string>();
afterAll(() => {
  for (const r of repos) r.remove();
});

describe('scanGitDiff reads a git diff in place', () => {
  it.each([11, 23, 37, 41, 59, 67])('finds what the parsed diff finds, seed %i', async (seed) => {
    const repo = await randomChange(seed);
    repos.push(repo);
    for (const args of [
      ['diff', 'HEAD~1...HEAD'],
      ['diff', '-U0', 'HEAD~1...HEAD'],
      ['diff', '-U10', '--no-renames', 'HEAD~1...HEAD'],
    ]) {
      const diff = await repo.run(...args);
      const { parsed, inPlace } = bothWays(diff);
      expect(parsed.findings.length, 'the random change plants secrets').toBeGreaterThan(0);
      expect(canonical(inPlace)).toEqual(canonical(parsed));
      for (const x of inPlace.findings) seen.add(x.ruleId);
    }
  });

  it('the seeded diffs held key blocks, values below their keys, continued curl commands and manifests', () => {
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'private-key',
        'curl-user-password',
        'kubernetes-secret-manifest',
        'authorization-header',
        'generic-secret',
        'connection-string-password',
        'url-credentials',
      ]),
    );
  });

  it('agrees on renames, deletions and copies', async () => {
    const repo = await randomChange(5);
    repos.push(repo);
    await repo.run('mv', 'src/app/file-0.ts', 'src/app/renamed.ts');
    await repo.run('rm', '-q', 'src/lib/file-1.yml');
    repo.write('assets/new-icon.bin', new Uint8Array([0, 0, 7]));
    repo.write('docs/café notes.env', `GITHUB_TOKEN=ghp_${new Fake(8).alnum(36)}\n`);
    await repo.commit('move');
    const diff = await repo.run('diff', '-M', '-C', 'HEAD~2...HEAD');
    const { parsed, inPlace } = bothWays(diff);
    expect(canonical(inPlace)).toEqual(canonical(parsed));
    expect(inPlace.notices.map((n) => n.file)).toContain('assets/new-icon.bin');
    expect(diff).toMatch(/^rename from /m);
    expect(diff).toContain('"b/docs/caf\\303\\251 notes.env"');
    expect(inPlace.findings.map((x) => x.file)).toContain('docs/café notes.env');
  });

  it('reads text before the first header, and a diff without git headers, the parsed way', () => {
    const f = new Fake(3);
    const plain = [
      '--- a/one.txt',
      '+++ b/one.txt',
      '@@ -0,0 +1,2 @@',
      `+GITHUB_TOKEN=ghp_${f.alnum(36)}`,
      '+ok',
      '',
    ].join('\n');
    const git = [
      'diff --git a/two.txt b/two.txt',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/two.txt',
      '@@ -0,0 +1 @@',
      `+npm_${f.alnum(36)}`,
      '',
    ].join('\n');
    for (const diff of [plain, `${plain}${git}`, `From the mail of a patch\n\n${git}`]) {
      const { parsed, inPlace } = bothWays(diff);
      expect(parsed.findings.length).toBeGreaterThan(0);
      expect(canonical(inPlace)).toEqual(canonical(parsed));
    }
  });

  it('applies the policy the same way: disabled rules, allowed paths and patterns', async () => {
    const repo = await randomChange(77);
    repos.push(repo);
    const diff = await repo.run('diff', 'HEAD~1...HEAD');
    const { policy } = parseSecretsPolicyText(
      [
        'kind: secrets',
        'disable: [github-pat, kubernetes-secret-manifest]',
        'allow:',
        '  paths: ["src/config/**"]',
        '  patterns: ["^sk_live_"]',
      ].join('\n'),
      'secrets.yml',
    );
    const { parsed, inPlace } = bothWays(diff, policy);
    expect(canonical(inPlace)).toEqual(canonical(parsed));
    expect(
      inPlace.findings
        .filter((x) => x.ruleId === 'github-pat' || x.file.startsWith('src/config/'))
        .map((x) => `${x.file}:${x.ruleId}`),
    ).toEqual([]);
  });

  it('takes a value below its key only from the next line of the file, not from the next added line', () => {
    const value = new Fake(12).password(30);
    const diff = (between: string[]): string =>
      [
        'diff --git a/c.yml b/c.yml',
        '--- a/c.yml',
        '+++ b/c.yml',
        `@@ -1,${1 + between.length} +1,${2 + between.length} @@`,
        '+token: |',
        ...between,
        `+  ${value}`,
        '',
      ].join('\n');
    for (const [between, found] of [
      [[], 1],
      [[' keep: this'], 0],
    ] as const) {
      const { parsed, inPlace } = bothWays(diff([...between]));
      expect(canonical(inPlace)).toEqual(canonical(parsed));
      expect(inPlace.findings.filter((x) => x.ruleId === 'generic-secret')).toHaveLength(found);
    }
  });

  it('counts lines and characters of pure additions from the hunk headers, as the parser does line by line', () => {
    const body = ['first', 'second line', '', 'fourth'];
    const diff = [
      'diff --git a/n.txt b/n.txt',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/n.txt',
      `@@ -0,0 +1,${body.length} @@`,
      ...body.map((l) => `+${l}`),
      '\\ No newline at end of file',
    ].join('\n');
    const { parsed, inPlace } = bothWays(diff);
    expect(inPlace).toMatchObject({ files: 1, lines: 4, bytes: body.join('\n').length });
    expect(canonical(inPlace)).toEqual(canonical(parsed));
  });
});
