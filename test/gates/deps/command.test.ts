import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateDepsCommand } from '../../../src/cli/gate-command.js';
import { readTextFile } from '../../../src/gates/core/fs.js';
import type { DepsGateDeps } from '../../../src/gates/deps/run.js';
import { lineOfArrayItem } from '../../../src/gates/deps/snapshot-file.js';
import { FINGERPRINT_KEY } from '../../../src/gates/workflows/sarif.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { mockGitHub, type GitHubMock } from '../../helpers/github-nock.js';
import { sha, testClient } from '../../github/fixtures.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const FIXTURES = new URL('../../fixtures/deps/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const NOW = '2026-11-22T12:00:00Z';

/** Files as the command sees them: the snapshot and policies by name, manifests relative to the checkout. */
function offline(files: Record<string, string>, extra: Partial<DepsGateDeps> = {}): DepsGateDeps {
  return {
    clock: new ManualClock(NOW),
    files: nodeFiles,
    readText: async (p) => files[p.replace(/^\.\//, '')],
    ...extra,
  };
}

const FILES = { 'changes.json': fixture('changes.json'), 'package-lock.json': fixture('package-lock.json') };

function policyFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-deps-'));
  const file = join(dir, 'gates.yml');
  writeFileSync(file, text);
  return file;
}

describe('gate deps from a snapshot file', () => {
  it('fails on the runtime advisories and points at the lock file line', async () => {
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'text', snapshot: 'changes.json' },
      offline(FILES),
    );
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain(
      'package-lock.json:25:5: high blocking [dependency-vulnerable] lodash@4.17.20 (npm, package-lock.json) has GHSA-35jh-r3h4-6jhm',
    );
    expect(out.stdout).toContain('package-lock.json:25:5: medium blocking [dependency-vulnerable]');
    // left-pad is a development dependency: reported, not blocking.
    expect(out.stdout).toMatch(
      /critical \[dependency-vulnerable\] left-pad@1\.3\.0 .*development scope, which the policy does not fail on/,
    );
    expect(out.stdout).toContain('note: 3 added and 1 removed dependencies from the snapshot changes.json');
    expect(out.stdout).toContain('FAIL: Dependency review: 4 finding(s), 2 blocking, 0 set aside.');
  });

  it('passes when the policy allows the advisories and fails only on high', async () => {
    const policy = policyFile(
      'kind: gates\ndependencies:\n  failOnSeverity: high\n  allow:\n    advisories: [GHSA-35jh-r3h4-6jhm]\n',
    );
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'json', snapshot: 'changes.json', policy },
      offline(FILES),
    );
    expect(out.exitCode).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.verdict).toBe('pass');
    expect(json.decisions[0].suppressed[0]).toMatchObject({ by: 'allow-list' });
    expect(json.decisions[0].findings.every((f: { blocking: boolean }) => !f.blocking)).toBe(true);
  });

  it('fails on a denied license and on an unknown one when the policy says so', async () => {
    const policy = policyFile(
      'dependencies:\n  vulnerabilities: false\n  failOnScopes: [runtime, development]\n  licenses:\n    deny: [GPL-3.0-only]\n    unknown: fail\n',
    );
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'json', snapshot: 'changes.json', policy },
      offline(FILES),
    );
    const rules = JSON.parse(out.stdout).decisions[0].findings.map(
      (f: { ruleId: string; subject: string }) => `${f.ruleId} ${f.subject}`,
    );
    // @acme/ui is MIT AND (GPL-3.0-only OR Apache-2.0): Apache-2.0 avoids the denied license.
    expect(rules).toEqual(['dependency-license-unknown pkg:npm/left-pad@1.3.0']);
    expect(out.exitCode).toBe(1);
  });

  it('writes SARIF with the manifest line, fingerprints and security severity', async () => {
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'sarif', snapshot: 'changes.json' },
      offline(FILES),
    );
    const log = JSON.parse(out.stdout);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('bellwether-deps');
    interface Result {
      ruleIndex: number;
      level: string;
      properties: { advisory?: string };
      locations: Array<{ physicalLocation: unknown }>;
      partialFingerprints: Record<string, string>;
    }
    const results = run.results as Result[];
    expect(results).toHaveLength(4);
    const lodash = results.find((r) => r.properties.advisory === 'GHSA-35jh-r3h4-6jhm');
    expect(lodash?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'package-lock.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 25, startColumn: 5 },
    });
    expect(lodash?.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}$/);
    expect(run.tool.driver.rules[lodash?.ruleIndex ?? -1].id).toBe('dependency-vulnerable');
    expect(lodash?.level).toBe('error');
    // Without the manifest's text the finding points at the manifest itself.
    const bare = JSON.parse(
      (
        await gateDepsCommand(
          { base: 'a', head: 'b', format: 'sarif', snapshot: 'changes.json' },
          offline({ 'changes.json': FILES['changes.json'] }),
        )
      ).stdout,
    );
    expect(bare.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1 });
  });

  it.each([
    [{ 'changes.json': '{"oops": ' }, 'changes.json: is not JSON'],
    [
      { 'changes.json': '{}' },
      "changes.json:1: expected the array that GitHub's dependency-graph compare endpoint returns",
    ],
    [
      { 'changes.json': '[\n  {"change_type": "added"},\n  {"change_type": "bumped"}\n]' },
      'changes.json:2: [0].manifest',
    ],
    [
      { 'changes.json': '[\n  {"change_type": "added"},\n  {"change_type": "bumped"}\n]' },
      'changes.json:3: [1].change_type',
    ],
    [{}, 'changes.json: no such snapshot file'],
  ])('a bad snapshot %j is a usage error naming the file: %s', async (files, message) => {
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'text', snapshot: 'changes.json' },
      offline(files),
    );
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(message);
  });

  it.each([
    [{ base: '', head: 'x', format: 'text' as const, snapshot: 'changes.json' }, 'give both --base and --head'],
    [{ base: 'a', head: 'b', format: 'xml' as 'text' }, "unknown format 'xml'"],
    [{ base: 'a', head: 'b', format: 'text' as const }, 'no GitHub connection'],
  ])('usage errors exit 2: %j', async (args, message) => {
    const out = await gateDepsCommand(args, offline(FILES));
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(message);
  });

  it('a policy mistake exits 2 with file, line and field', async () => {
    const policy = policyFile('dependencies:\n  failOnSeverity: severe\n');
    const out = await gateDepsCommand(
      { base: 'a', head: 'b', format: 'text', snapshot: 'changes.json', policy },
      offline(FILES),
    );
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(`${policy}:2:19: dependencies.failOnSeverity:`);
  });

  it('a manifest that cannot be read only costs the line', async () => {
    const deps = offline(FILES, {
      readText: async (p) => (p === 'changes.json' ? FILES['changes.json'] : Promise.reject(new Error('EACCES'))),
    });
    const out = await gateDepsCommand({ base: 'a', head: 'b', format: 'text', snapshot: 'changes.json' }, deps);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('package-lock.json:1:1: high blocking [dependency-vulnerable]');
  });

  it('reads real files; missing files and directories are undefined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bellwether-read-'));
    writeFileSync(join(dir, 'a.json'), '[]');
    expect(await readTextFile(join(dir, 'a.json'))).toBe('[]');
    expect(await readTextFile(join(dir, 'none.json'))).toBeUndefined();
    expect(await readTextFile(join(dir, 'a.json', 'x'))).toBeUndefined();
    expect(await readTextFile(dir)).toBeUndefined();
  });

  it('finds where each item of a JSON array starts', () => {
    expect([0, 1, 2, 3].map((i) => lineOfArrayItem('[\n {"a": "[,]"},\n\n {"b": [1, 2]},\n 3\n]', i))).toEqual([
      2,
      4,
      5,
      undefined,
    ]);
  });
});

describe('gate deps through GitHub', () => {
  let gh: GitHubMock;
  beforeEach(() => {
    gh = mockGitHub();
  });
  afterEach(() => {
    try {
      gh.done();
    } finally {
      gh.close();
    }
  });
  const ROUTE = 'GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}';

  it('asks GitHub for base...head and decides on its answer', async () => {
    gh.expect(ROUTE, {
      params: { basehead: `${sha(1)}...${sha(2)}` },
      reply: { status: 200, body: JSON.parse(fixture('changes.json')) },
    });
    const { port } = testClient();
    const out = await gateDepsCommand(
      { base: sha(1), head: sha(2), format: 'json' },
      offline({ 'package-lock.json': FILES['package-lock.json'] }, { github: port }),
    );
    expect(out.exitCode).toBe(1);
    const d = JSON.parse(out.stdout).decisions[0];
    expect(d.notes[0]).toBe(
      `3 added and 1 removed dependencies from GitHub's dependency graph (${sha(1)}...${sha(2)})`,
    );
    expect(d.blocking).toBe(2);
    expect(gh.applied(ROUTE)).toHaveLength(1);
  });

  it('passes on an empty comparison', async () => {
    gh.expect(ROUTE, { reply: { status: 200, body: [] } });
    const { port } = testClient();
    const out = await gateDepsCommand({ base: sha(1), head: sha(2), format: 'text' }, offline({}, { github: port }));
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('PASS: Dependency review: 0 finding(s)');
  });

  it.each([
    [
      403,
      'Dependency review is not supported on this repository. Please ensure that Dependency graph is enabled along with GitHub Advanced Security on private repositories',
    ],
    [404, 'Not Found'],
  ])('a %i from GitHub fails the gate and says why; it never passes', async (status, message) => {
    gh.expect(ROUTE, {
      reply: {
        status,
        body: { message, documentation_url: 'https://docs.github.com/rest/dependency-graph/dependency-review' },
      },
    });
    const { port } = testClient({ retries: 0 });
    const out = await gateDepsCommand({ base: sha(1), head: sha(2), format: 'text' }, offline({}, { github: port }));
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('the dependency review could not run');
    expect(out.stdout).toContain('is the dependency graph enabled for this repository?');
    expect(out.stdout).toContain('does not pass without it');
  });

  it('a failed review in SARIF is a failed invocation, never an empty all-clear', async () => {
    gh.expect(ROUTE, {
      reply: { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } },
    });
    const { port } = testClient({ retries: 0 });
    const out = await gateDepsCommand({ base: sha(1), head: sha(2), format: 'sarif' }, offline({}, { github: port }));
    expect(out.exitCode).toBe(1);
    const run = JSON.parse(out.stdout).runs[0];
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain(
      'the dependency review could not run',
    );
    expect(run.results).toEqual([]);
  });
});

describe('gate deps with an OpenSSF Scorecard floor', () => {
  it('asks the Scorecard API for each added dependency with a source repository, and judges by the floor', async () => {
    const asked: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      asked.push(String(url));
      return new Response(JSON.stringify({ date: '2026-11-16T00:00:00Z', score: 2.9, checks: [] }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    const policy = policyFile(
      'kind: dependencies\nlicenses:\n  check: false\nvulnerabilities: false\nscorecard:\n  minScore: 4\n  missing: allow\n',
    );
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'json', snapshot: 'changes.json', policy },
      offline(FILES, { fetch: fakeFetch }),
    );
    expect(asked).toEqual(['https://api.securityscorecards.dev/projects/github.com/lodash/lodash']);
    const findings = (
      JSON.parse(out.stdout) as { decisions: Array<{ findings: Array<{ ruleId: string; message: string }> }> }
    ).decisions.flatMap((d) => d.findings);
    expect(findings.map((f) => f.ruleId)).toEqual(['dependency-scorecard-low']);
    expect(findings[0]?.message).toContain('score is 2.9, below the floor of 4');
    expect(out.exitCode).toBe(1);
  });
});
