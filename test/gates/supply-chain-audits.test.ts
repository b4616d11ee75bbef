/**
 * The audits of ad-hoc installs, plaintext URLs, publishing with stored
 * tokens, obfuscated `uses:` paths and expressions, and ternaries that cannot
 * work: each finding of the fixtures exactly, what must not be reported, and
 * the inline ignores of both syntaxes.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { adhocInstall } from '../../src/gates/workflows/audits/adhoc-packages.js';
import { localHost } from '../../src/gates/workflows/audits/insecure-url.js';
import { isConstant, obfuscatedPath } from '../../src/gates/workflows/audits/obfuscation.js';
import { publishCommand } from '../../src/gates/workflows/audits/trusted-publishing.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { parseExpression } from '../../src/gates/workflows/expression.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';
import { runCliProcess } from '../helpers/cli-process.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'gates', 'vulnerable');
const NEW = new Set([
  'adhoc-packages',
  'insecure-url-scheme',
  'use-trusted-publishing',
  'obfuscation',
  'unsound-ternary',
]);
const rows = (file: string) =>
  auditSource(`fixtures/${file}`, readFileSync(join(dir, file), 'utf8'))
    .findings.filter((f) => NEW.has(f.ruleId))
    .map((f) => [f.ruleId, f.line, f.column, f.severity]);

describe('the fixtures, finding by finding', () => {
  it('supply-chain.yml: ad-hoc installs, plaintext downloads and publishing with stored tokens, and nothing on the safe lines', () => {
    expect(rows('supply-chain.yml')).toEqual([
      ['adhoc-packages', 10, 11, 'low'],
      ['adhoc-packages', 11, 11, 'low'],
      ['adhoc-packages', 12, 11, 'low'],
      ['adhoc-packages', 13, 11, 'info'],
      ['adhoc-packages', 14, 11, 'low'],
      ['insecure-url-scheme', 28, 11, 'medium'],
      ['insecure-url-scheme', 29, 11, 'high'],
      ['adhoc-packages', 30, 11, 'low'],
      ['insecure-url-scheme', 30, 11, 'high'],
      ['insecure-url-scheme', 37, 25, 'medium'],
      ['use-trusted-publishing', 42, 15, 'low'],
      ['use-trusted-publishing', 45, 14, 'low'],
      ['use-trusted-publishing', 49, 11, 'low'],
    ]);
  });

  it('obfuscation.yml: odd uses: paths, constant and computed expressions, a ternary that is always its fallback', () => {
    expect(rows('obfuscation.yml')).toEqual([
      ['obfuscation', 9, 15, 'low'],
      ['obfuscation', 10, 15, 'low'],
      ['obfuscation', 11, 15, 'low'],
      ['obfuscation', 12, 15, 'low'],
      ['obfuscation', 21, 24, 'low'],
      ['obfuscation', 22, 24, 'low'],
      ['obfuscation', 26, 22, 'low'],
      ['obfuscation', 27, 21, 'low'],
      ['unsound-ternary', 28, 22, 'low'],
    ]);
    const text = readFileSync(join(dir, 'obfuscation.yml'), 'utf8');
    const ternary = auditSource('o.yml', text).findings.find((f) => f.ruleId === 'unsound-ternary');
    expect(ternary?.message).toContain("is always 'pr'");
    expect(ternary?.fix).toContain('case(cond, X, Y)');
  });

  it('an obfuscated path does not hide the action from the other audits', () => {
    const text = readFileSync(join(dir, 'obfuscation.yml'), 'utf8');
    const found = auditSource('o.yml', text)
      .findings.filter((f) => f.line === 9)
      .map((f) => f.ruleId);
    expect(found).toContain('checkout-persist-credentials');
  });
});

describe('what each audit reads', () => {
  it.each([
    ['gem install rake', 'gem', ['rake']],
    ['gem i --no-document rake rspec', 'gem', ['rake', 'rspec']],
    ['gem install --help', undefined, []],
    ['gem install -g', undefined, []],
    ['npm i lodash', 'npm', ['lodash']],
    ['npm install --no-fund', 'npm', []],
    ['npm install ./local-pkg', 'npm', []],
    ['npm ci', undefined, []],
    ['pnpm add zod@3.23.8', 'pnpm', ['zod@3.23.8']],
    ['yarn global add serve', 'yarn', ['serve']],
    ['bundle add rubocop', 'bundle add', ['rubocop']],
    ['uv pip install ruff==0.7.0', 'pip', ['ruff==0.7.0']],
    ['pip install -r requirements.txt -c constraints.txt', 'pip', []],
    ['pip install -e .', 'pip', []],
    ['apt-get install -y -o Dpkg::Options::=--force-confnew jq curl=8.5.0-2', 'apt-get', ['jq']],
    ['cargo install ripgrep', undefined, []],
  ])('adhoc-packages: %s', (line, tool, packages) => {
    const got = adhocInstall(line.split(' '));
    expect(got?.tool).toBe(tool);
    expect(got?.packages ?? []).toEqual(packages);
  });

  it.each([
    ['cargo publish', 'crates.io'],
    ['cargo +nightly publish --allow-dirty', 'crates.io'],
    ['cargo publish -n', undefined],
    ['cargo publish --registry corp', undefined],
    ['yarn npm publish --access public', 'npm'],
    ['bunx npm publish', 'npm'],
    ['python -m twine upload dist/*', 'PyPI'],
    ['pipx run twine==6.1.0 upload dist/*', 'PyPI'],
    ['twine upload --repository-url https://pypi.corp.dev/ dist/*', undefined],
    ['bundle exec gem push app-1.0.0.gem', 'RubyGems'],
    ['dotnet nuget push app.nupkg', 'nuget.org'],
    ['npm pack', undefined],
  ])('use-trusted-publishing: %s', (line, registry) => {
    expect(publishCommand(line.split(' '))).toBe(registry);
  });

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.4', true],
    ['postgres', true],
    ['api.svc.cluster.local', true],
    ['downloads.example.com', true],
    ['${HOST}', true],
    ['172.40.0.1', false],
    ['cdn.tools.dev', false],
  ])('insecure-url-scheme: %s is local: %s', (host, local) => {
    expect(localHost(host)).toBe(local);
  });

  it.each([
    ['actions/checkout@v4', undefined],
    ['actions/cache/save@v4', undefined],
    ['actions/checkout//@v4', 'an empty segment (a doubled or trailing /)'],
    ['actions/cache/x/../save@v4', "a '..' segment"],
    ['./.github/actions/build/', undefined],
    ['./.github/actions/../actions/build', "a '..' segment"],
    ['$/./actions/build', "a '.' segment"],
    ['docker://alpine:3.20', undefined],
  ])('obfuscation: uses: %s', (uses, why) => {
    expect(obfuscatedPath(uses)).toBe(why);
  });

  it.each([
    ["format('{0}', 'a')", true],
    ['1 > 2 || true', true],
    ["fromJSON('true')", true],
    ['fromJSON(\'["a", "b"]\')', false],
    ['contains(fromJSON(\'["a"]\'), github.ref)', false],
    ['github.ref', false],
    ["format('{0}', github.ref)", false],
    ["hashFiles('**/lock')", false],
  ])('obfuscation: %s is a constant: %s', (expr, constant) => {
    expect(isConstant(parseExpression(expr))).toBe(constant);
  });
});

describe('inline ignores', () => {
  const workflow = (comment: string) =>
    [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: gem install rake -v 13.2.1 ${comment}`,
      `      - uses: actions/checkout/@v4 ${comment}`,
      `      - run: echo "\${{ github.event_name == 'push' && '' || 'x' }}" ${comment}`,
      `      - run: curl -o t.tgz http://cdn.tools.dev/t.tgz ${comment}`,
      '',
    ].join('\n');
  const kept = (comment: string) =>
    decideGate({ audits: [auditSource('a.yml', workflow(comment))], policy: DEFAULT_GATES_POLICY, now: new Date() })
      .findings.map((f) => f.ruleId)
      .filter((r) => NEW.has(r) || r === 'unpinned-tool-install');

  it('reports each rule without a comment', () => {
    expect(kept('')).toEqual(['adhoc-packages', 'obfuscation', 'unsound-ternary', 'insecure-url-scheme']);
  });

  it("honours zizmor's and Bellwether's ignore comments for the new rules", () => {
    expect(kept('# zizmor: ignore[adhoc-packages,obfuscation,unsound-ternary,insecure-url-scheme]')).toEqual([]);
    expect(
      kept('# bellwether: ignore[adhoc-packages, obfuscation, unsound-ternary, insecure-url-scheme] reviewed'),
    ).toEqual([]);
  });

  it("reads zizmor's adhoc-packages ignore as covering an unpinned install, which Bellwether reports as unpinned-tool-install", () => {
    const text = workflow('').replace(
      'gem install rake -v 13.2.1',
      'gem install rake # zizmor: ignore[adhoc-packages]',
    );
    const d = decideGate({ audits: [auditSource('a.yml', text)], policy: DEFAULT_GATES_POLICY, now: new Date() });
    expect(d.findings.map((f) => f.ruleId)).not.toContain('unpinned-tool-install');
    expect(d.suppressed.map((s) => s.finding.ruleId)).toContain('unpinned-tool-install');
  });
});

describe('through the CLI', () => {
  it('bellwether gate workflows reports the new rules with their zizmor names in JSON', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bw-supply-'));
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    for (const f of ['supply-chain.yml', 'obfuscation.yml'])
      writeFileSync(join(root, '.github', 'workflows', f), readFileSync(join(dir, f)));
    const run = await runCliProcess(['gate', 'workflows', '.', '--format', 'json'], { cwd: root });
    const out = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; equivalents: { zizmor?: string } }> };
    const byRule = new Map(out.findings.map((f) => [f.ruleId, f.equivalents.zizmor]));
    for (const rule of NEW) expect(byRule.get(rule)).toBe(rule);
    // A high insecure-url-scheme finding blocks under the default failOn: high.
    expect(run.code).toBe(1);
  });
});

describe('pre-commit configurations', () => {
  it('reports hook repositories fetched over http:// or git://, and reads nothing else as a workflow', () => {
    const text = readFileSync(join(dir, 'pre-commit', '.pre-commit-config.yaml'), 'utf8');
    const audit = auditSource('.pre-commit-config.yaml', text);
    expect(audit.kind).toBe('pre-commit');
    expect(audit.findings.map((f) => [f.ruleId, f.line, f.column, f.severity])).toEqual([
      ['insecure-url-scheme', 3, 11, 'high'],
      ['insecure-url-scheme', 7, 11, 'high'],
    ]);
  });

  it('bellwether gate workflows finds a pre-commit configuration in any folder it is given', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bw-precommit-'));
    writeFileSync(
      join(root, '.pre-commit-config.yaml'),
      readFileSync(join(dir, 'pre-commit', '.pre-commit-config.yaml')),
    );
    const run = await runCliProcess(['gate', 'workflows', '.', '--format', 'json'], { cwd: root });
    const out = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; line: number }> };
    expect(out.findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['insecure-url-scheme', 3],
      ['insecure-url-scheme', 7],
    ]);
    expect(run.code).toBe(1);
  });
});

describe('hostile scripts', () => {
  it('a script line of 300,000 blanks or of 50,000 unclosed ${{ is read in one pass, not from every position', () => {
    const run = (line: string) =>
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: '${line} && curl -o t http://cdn.tools.dev/t'\n`;
    for (const line of [`echo${' '.repeat(300_000)}x`, `echo ${'${{ '.repeat(50_000)}`]) {
      const audit = auditSource('.github/workflows/x.yml', run(line), { maxBytes: 10_000_000 });
      expect(audit.findings.map((f) => f.ruleId)).toContain(
        line.includes('${{') ? 'malformed-expression' : 'insecure-url-scheme',
      );
    }
  });
});

describe('unpinned-tool-install reads option values as values', () => {
  it('pip install --index-url URL pkg==1.2.3 is pinned; the URL is not a package', () => {
    const text = (line: string) =>
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${line}\n`;
    const rules = (line: string) => auditSource('.github/workflows/x.yml', text(line)).findings.map((f) => f.ruleId);
    expect(rules('pip install --index-url https://pypi.corp.dev/simple black==24.10.0')).not.toContain(
      'unpinned-tool-install',
    );
    expect(rules('npm install -g --registry https://npm.corp.dev pnpm@9.12.0')).not.toContain('unpinned-tool-install');
    expect(rules('pip install --index-url https://pypi.corp.dev/simple black')).toContain('unpinned-tool-install');
  });
});
