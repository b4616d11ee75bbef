/**
 * Checks zizmor users rely on, on fixtures of our own: caches where releases
 * are built, Dependabot cooldowns, environment files written by composite
 * actions, and zizmor's own ignore comments.
 */
import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';

const SHA = 'a'.repeat(40);
const of = (path: string, text: string, rule: string) =>
  auditSource(path, text)
    .findings.filter((f) => f.ruleId === rule)
    .map((f) => [f.line, f.severity]);

const release = (on: string, steps: string) => `on:
${on}
permissions: {}
jobs:
  dist:
    runs-on: ubuntu-latest
    steps:
${steps}`;

describe('cache-in-release', () => {
  it.each([
    ['rust-cache restores by default', `      - uses: Swatinem/rust-cache@${SHA}\n`, [[8, 'medium']]],
    [
      'rust-cache with lookup-only restores nothing',
      `      - uses: Swatinem/rust-cache@${SHA}\n        with:\n          lookup-only: true\n`,
      [],
    ],
    ['setup-uv before 10 caches by default', `      - uses: astral-sh/setup-uv@${SHA} # v6.5.0\n`, [[8, 'medium']]],
    ['setup-uv 10 does not', `      - uses: astral-sh/setup-uv@${SHA} # v10.0.0\n`, []],
    [
      'setup-uv 10 asked to',
      `      - uses: astral-sh/setup-uv@${SHA} # v10.0.0\n        with:\n          enable-cache: true\n`,
      [[8, 'medium']],
    ],
    ['setup-node 4 without cache', '      - uses: actions/setup-node@v4\n', []],
    ['setup-node 5 caches the package manager by default', '      - uses: actions/setup-node@v5\n', [[8, 'medium']]],
    [
      'composer-install unless ignore-cache',
      `      - uses: ramsey/composer-install@${SHA}\n        with:\n          ignore-cache: "yes"\n`,
      [],
    ],
    [
      'an expression may turn it on',
      `      - uses: PyO3/maturin-action@${SHA}\n        with:\n          sccache: \${{ github.ref == 'refs/heads/main' }}\n`,
      [[8, 'medium']],
    ],
  ])('on release: %s', (_name, steps, expected) => {
    expect(of('.github/workflows/r.yml', release('  release:', steps), 'cache-in-release')).toEqual(expected);
  });

  it('a tag guard that is false on tag pushes keeps a tag-only workflow clean', () => {
    const steps = `      - uses: PyO3/maturin-action@${SHA}\n        with:\n          sccache: \${{ !startsWith(github.ref, 'refs/tags/') }}\n`;
    expect(of('.github/workflows/r.yml', release("  push:\n    tags: ['v*']", steps), 'cache-in-release')).toEqual([]);
    expect(
      of(
        '.github/workflows/r.yml',
        release("  push:\n    branches: [release/*]\n    tags: ['v*']", steps),
        'cache-in-release',
      ),
    ).toEqual([[10, 'medium']]);
  });

  it('a push to main is not a release, unless the job publishes', () => {
    const cache = `      - uses: Swatinem/rust-cache@${SHA}\n`;
    expect(of('.github/workflows/r.yml', release('  push:\n    branches: [main]', cache), 'cache-in-release')).toEqual(
      [],
    );
    const publish = `${cache}      - uses: softprops/action-gh-release@${SHA}\n`;
    expect(
      of('.github/workflows/r.yml', release('  push:\n    branches: [main]', publish), 'cache-in-release'),
    ).toEqual([[9, 'medium']]);
  });
});

describe('dependabot-cooldown', () => {
  const dependabot = (extra: string) =>
    `version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n${extra}`;
  it.each([
    ['no cooldown', '', [[3, 'medium']]],
    ['no default-days', '    cooldown: {}\n', [[7, 'medium']]],
    ['too short', '    cooldown:\n      default-days: 2\n', [[8, 'medium']]],
    ['a week', '    cooldown:\n      default-days: 7\n', []],
  ])('%s', (_name, extra, expected) => {
    expect(of('.github/dependabot.yml', dependabot(extra), 'dependabot-cooldown')).toEqual(expected);
  });
});

describe('github-env in composite actions', () => {
  it('a computed value written to GITHUB_ENV or GITHUB_PATH is reported; a constant is not', () => {
    const action = `name: a
description: a
runs:
  using: composite
  steps:
    - run: echo "V=$(cat version)" >> "$GITHUB_ENV"
      shell: bash
    - run: echo "$env:TOOL" >> $env:GITHUB_PATH
      shell: pwsh
    - run: echo MODE=release >> "$GITHUB_ENV"
      shell: bash
`;
    expect(of('action.yml', action, 'github-env')).toEqual([
      [6, 'low'],
      [8, 'low'],
    ]);
  });
});

describe("zizmor's ignore comments", () => {
  it('suppress the rules of ours that check the same thing, and say where they came from', () => {
    const text = `on: push
permissions:
  contents: write # zizmor: ignore[excessive-permissions]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/tool@v1 # zizmor: ignore[unpinned-uses]
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/other@v1 # zizmor: ignore[template-injection]
`;
    const audit = auditSource('.github/workflows/z.yml', text);
    const decision = decideGate({
      audits: [audit],
      policy: DEFAULT_GATES_POLICY,
      now: new Date('2026-06-01T00:00:00Z'),
    });
    expect(decision.findings.map((f) => [f.ruleId, f.line])).toEqual([['unpinned-uses', 12]]);
    expect(decision.suppressed.map((s) => [s.finding.ruleId, s.by, s.reason])).toEqual([
      ['permissions-broad-write', 'inline-ignore', 'zizmor: ignore[excessive-permissions]'],
      ['unpinned-uses', 'inline-ignore', 'zizmor: ignore[unpinned-uses]'],
    ]);
  });
});

describe('typosquat-uses', () => {
  const wf = (uses: string) =>
    `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}@${SHA}\n`;
  it.each([
    ['action/checkout', [[7, 'high']]],
    ['cations/checkout', [[7, 'high']]],
    ['acti0ns/checkout', [[7, 'high']]],
    ['dokcer/login-action', [[7, 'high']]],
    ['actions/checkout', []],
    ['my-org/deploy', []],
    ['docker/login-action', []],
  ])('%s', (uses, expected) => {
    expect(of('.github/workflows/t.yml', wf(uses), 'typosquat-uses')).toEqual(expected);
  });
});

describe('github-app-token', () => {
  const step = (inputs: string) =>
    `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/create-github-app-token@${SHA}\n        with:\n          client-id: \${{ vars.ID }}\n          private-key: \${{ secrets.KEY }}\n${inputs}`;
  it.each([
    ['scoped to this repository with one permission', '          permission-contents: read\n', []],
    [
      'kept alive after the job',
      '          permission-contents: read\n          skip-token-revoke: true\n',
      [[12, 'high']],
    ],
    ['every permission of the installation', '', [[7, 'high']]],
    ['an owner without repositories', '          owner: my-org\n          permission-issues: write\n', [[11, 'high']]],
    [
      'an owner with organization permissions only',
      '          owner: my-org\n          permission-members: read\n',
      [],
    ],
    [
      'an owner with repositories',
      '          owner: my-org\n          repositories: app\n          permission-issues: write\n',
      [],
    ],
  ])('%s', (_name, inputs, expected) => {
    expect(of('.github/workflows/t.yml', step(inputs), 'github-app-token')).toEqual(expected);
  });
});

describe('expression sinks and conditions', () => {
  it('a bot check by actor id is as spoofable as one by name', () => {
    const text = `on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    if: github.actor_id == 49699333\n    steps:\n      - run: echo hi\n`;
    expect(of('.github/workflows/t.yml', text, 'spoofable-actor')).toEqual([[6, 'high']]);
  });

  it('code inputs are found whatever the case of their name', () => {
    const text = `on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: azure/cli@${SHA}\n        with:\n          inlineScript: echo "\${{ github.event.pull_request.title }}"\n`;
    expect(of('.github/workflows/t.yml', text, 'template-injection').map(([l]) => l)).toEqual([9]);
  });
});

describe('docs/workflow-rules.md', () => {
  it('lists every rule of the catalog with its severity and equivalents', async () => {
    const { readFileSync } = await import('node:fs');
    const { RULES } = await import('../../src/gates/workflows/rules.js');
    const doc = readFileSync(new URL('../../docs/workflow-rules.md', import.meta.url), 'utf8');
    for (const r of RULES.values()) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${r.id}\` |`));
      expect(row, r.id).toBeDefined();
      expect(row).toContain(`| ${r.severity} |`);
      if (r.equivalents.zizmor) expect(row).toContain(`\`${r.equivalents.zizmor}\``);
    }
  });
});

describe('misfeature', () => {
  it('cmd as a shell and setup-python pip-install are low findings', () => {
    const text = `on: push\npermissions: {}\ndefaults:\n  run:\n    shell: cmd\njobs:\n  a:\n    runs-on: windows-latest\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          pip-install: -r requirements.txt\n      - run: echo hi\n        shell: pwsh\n`;
    expect(of('.github/workflows/t.yml', text, 'misfeature')).toEqual([
      [5, 'low'],
      [12, 'low'],
    ]);
  });
});

describe('unredacted-secrets', () => {
  it('a secret decoded with fromJSON, whole or a field of it, is not masked', () => {
    const text = `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$A $B"\n        env:\n          A: \${{ fromJSON(secrets.A) }}\n          B: \${{ fromJson(secrets.B).field }}\n          C: \${{ secrets.C }}\n`;
    expect(of('.github/workflows/t.yml', text, 'unredacted-secrets')).toEqual([
      [9, 'medium'],
      [10, 'medium'],
    ]);
  });
});
