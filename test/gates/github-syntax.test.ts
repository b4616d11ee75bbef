/**
 * Syntax GitHub accepts is not a finding (the self-repository reference,
 * service container entrypoint/command, the image_version event), artifacts
 * kept in their own folder are data, and structure GitHub refuses is one.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { runCliProcess } from '../helpers/cli-process.js';

const rules = (path: string, text: string) =>
  auditSource(path, text).findings.map((f) => [f.ruleId, f.severity, f.line]);

const SELF = `name: ci
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: $/.github/actions/setup
      - run: echo built
  call:
    uses: $/.github/workflows/reusable.yml
`;

describe('the self-repository reference uses: $/path', () => {
  it('is valid and pinned by construction: no finding, even under a hash-pin-everything policy', () => {
    expect(rules('.github/workflows/ci.yml', SELF)).toEqual([]);
    const strict = auditSource('.github/workflows/ci.yml', SELF, { pins: [{ pattern: '*', policy: 'hash-pin' }] });
    expect(strict.findings).toEqual([]);
  });

  it('is recommended (low) over ./path, except where an earlier step checked other code out there', () => {
    const text = SELF.replace('$/.github/actions/setup', './.github/actions/setup').replace(
      '      - run: echo built\n',
      '      - uses: actions/checkout@v4\n        with:\n          path: tools\n          persist-credentials: false\n      - uses: ./tools/lint\n',
    );
    expect(rules('.github/workflows/ci.yml', text)).toEqual([['self-repository', 'low', 8]]);
  });

  it('passes the shipped gate with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-self-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(dir, '.github', 'workflows', 'ci.yml'), SELF);
    const run = await runCliProcess(['gate', 'workflows', '.github/workflows', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { findings: unknown[] }).findings).toEqual([]);
  });
});

describe('valid workflow syntax', () => {
  it('service containers may set entrypoint and command; job containers may not', () => {
    const text = `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    container:
      image: node:22@sha256:${'a'.repeat(64)}
      command: nope
    services:
      cache:
        image: redis:7@sha256:${'b'.repeat(64)}
        entrypoint: redis-server
        command: --save 60 1
    steps:
      - run: echo ok
`;
    expect(rules('.github/workflows/t.yml', text)).toEqual([['invalid-workflow', 'high', 8]]);
  });

  it('the image_version event takes names and versions', () => {
    const text = `on:
  image_version:
    names: [my-image]
    versions: ['1.*']
    tags: [x]
permissions: {}
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
`;
    expect(rules('.github/workflows/t.yml', text)).toEqual([['invalid-workflow', 'high', 5]]);
  });
});

const PUBLISH = (steps: string) => `on:
  workflow_run:
    workflows: [build]
    types: [completed]
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          run-id: \${{ github.event.workflow_run.id }}
          path: site
${steps}`;

describe('artifact-poisoning', () => {
  it('an artifact unpacked into its own folder and only uploaded or deployed is data: no finding', () => {
    const text = PUBLISH(`      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
      - run: aws s3 sync site/ s3://bucket/ --delete
      - run: gh release upload v1 site/app.tar.gz
`);
    expect(rules('.github/workflows/p.yml', text).filter(([r]) => r === 'artifact-poisoning')).toEqual([]);
  });

  it.each([
    ['a script from the folder', '      - run: ./site/install.sh\n'],
    ['an interpreter given the folder', '      - run: bash site/deploy.sh\n'],
    ['cd into the folder', '      - run: |\n          cd site\n          make\n'],
    ['working-directory in the folder', '      - run: make\n        working-directory: site\n'],
    ['a local action from the folder', '      - uses: ./site/action\n'],
  ])('an artifact folder that a later step runs (%s) is high', (_name, steps) => {
    expect(rules('.github/workflows/p.yml', PUBLISH(steps)).filter(([r]) => r === 'artifact-poisoning')).toEqual([
      ['artifact-poisoning', 'high', 10],
    ]);
  });

  it('an artifact unpacked over the workspace before a script runs is still high', () => {
    const text = PUBLISH('      - run: npm test\n').replace('          path: site\n', '');
    expect(rules('.github/workflows/p.yml', text).filter(([r]) => r === 'artifact-poisoning')).toEqual([
      ['artifact-poisoning', 'high', 10],
    ]);
  });
});

describe('structure GitHub refuses is a finding', () => {
  it('a composite action whose steps are not a list', () => {
    const text = `name: x
description: x
runs:
  using: composite
  steps: 5
`;
    expect(rules('action.yml', text)).toEqual([['invalid-workflow', 'high', 5]]);
  });

  it('a JavaScript action without main, a Docker action without image', () => {
    expect(rules('action.yml', 'name: x\ndescription: x\nruns:\n  using: node20\n')).toEqual([
      ['invalid-workflow', 'high', 4],
    ]);
    expect(rules('action.yml', 'name: x\ndescription: x\nruns:\n  using: docker\n')).toEqual([
      ['invalid-workflow', 'high', 4],
    ]);
  });

  it('a dependabot.yml whose updates are not a list of update blocks', () => {
    expect(rules('.github/dependabot.yml', 'version: 2\nupdates: {a: 1}\n')).toEqual([['invalid-workflow', 'high', 2]]);
    expect(rules('.github/dependabot.yml', 'version: 2\n')).toEqual([['invalid-workflow', 'high', 1]]);
    const block = 'version: 2\nupdates:\n  - directory: /\n  - 7\n';
    expect(rules('.github/dependabot.yml', block)).toEqual([
      ['dependabot-cooldown', 'medium', 3],
      ['invalid-workflow', 'high', 3],
      ['invalid-workflow', 'high', 3],
      ['invalid-workflow', 'high', 4],
    ]);
  });
});
