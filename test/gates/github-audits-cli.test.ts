/**
 * The GitHub audits through the shipped CLI, as a process: GITHUB_API_URL
 * points it at a local server that answers from expectations validated
 * against GitHub's OpenAPI description.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process.js';
import { GitHubExpectations, startGitHubServer, type GitHubServer } from '../helpers/github-server.js';
import { TOKEN } from '../github/fixtures.js';
import { expectActionWorld, STRAY, WORLD_CALLS } from './github-audits-fixtures.js';
import { WORKFLOW } from './github-audits-fixtures.js';

let dir: string;
let server: GitHubServer | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bellwether-ghaudits-cli-'));
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(dir, '.github', 'workflows', 'ci.yml'), WORKFLOW);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  try {
    server?.done();
  } finally {
    await server?.close();
    server = undefined;
  }
});

describe('bellwether gate workflows asks GitHub when it has a token', () => {
  it('reports an impostor commit and the requests it spent, and never prints the token', async () => {
    server = await startGitHubServer(expectActionWorld(new GitHubExpectations()));
    const out = await runCliProcess(['gate', 'workflows', '.', '--format', 'json'], {
      cwd: dir,
      env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.url },
    });
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as { github: unknown; findings: Array<{ ruleId: string; message: string }> };
    expect(report.github).toEqual({ status: 'ran', actions: 3, calls: WORLD_CALLS, couldNotCheck: [] });
    expect(report.findings.find((f) => f.ruleId === 'impostor-commit')?.message).toContain(STRAY);
    expect(report.findings.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['ref-version-mismatch', 'archived-uses', 'known-vulnerable-actions']),
    );
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(server.requests.every((r) => r.headers['authorization']?.endsWith(TOKEN))).toBe(true);
  });

  it('BELLWETHER_TOKEN is taken before GITHUB_TOKEN', async () => {
    server = await startGitHubServer(expectActionWorld(new GitHubExpectations()));
    const mine = 'ghs_bellwetherOwnToken0123456789abc';
    const out = await runCliProcess(['gate', 'workflows', '.'], {
      cwd: dir,
      env: { BELLWETHER_TOKEN: mine, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.url },
    });
    expect(out.stdout).toContain(`GitHub audits: 3 action reference(s) checked with ${WORLD_CALLS} request(s)`);
    expect(server.requests.every((r) => r.headers['authorization']?.endsWith(mine))).toBe(true);
  });
});

describe('without a token', () => {
  it('gate workflows says once, in text and JSON, that the GitHub audits were skipped and why', async () => {
    const text = await runCliProcess(['gate', 'workflows', '.'], { cwd: dir });
    expect(text.stdout.match(/skipped/g)).toHaveLength(1);
    expect(text.stdout).toMatch(
      /GitHub audits .*skipped: no GitHub token was given .*3 action reference\(s\) left unchecked/,
    );
    const json = JSON.parse(
      (await runCliProcess(['gate', 'workflows', '.', '--format', 'json'], { cwd: dir })).stdout,
    ) as { github: { status: string; reason: string } };
    expect(json.github.status).toBe('skipped');
    expect(json.github.reason).toContain('GITHUB_TOKEN');
  });

  it('bellwether gate says it too', async () => {
    const text = await runCliProcess(['gate', '.'], { cwd: dir });
    expect(text.stdout.match(/skipped: no GitHub token/g)).toHaveLength(1);
    const json = JSON.parse((await runCliProcess(['gate', '.', '--format', 'json'], { cwd: dir })).stdout) as {
      github: { status: string };
    };
    expect(json.github.status).toBe('skipped');
  });
});
