import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/gitops/manifest.js';
import { parseRolloutState } from '../../src/waves/rollout-state.js';
import { commentReply, fileReply, putReply } from '../github/fixtures.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { GitHubExpectations, startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';

const POLICY = `kind: waves
timeZone: UTC
# Always open, so that the first wave is due whenever the test runs.
windows:
  - { days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-24:00" }
waves:
  - { name: pilot, regions: [us-east-1], bakeTime: 30m }
  - { name: rest, regions: [eu-west-1, ap-southeast-1], maxParallel: 2, bakeTime: 1h }
`;

const ROLLOUT = 'deploy/checkout/production/rollout.yaml';
const manifestFile = (region: string) => `deploy/checkout/production/${region}.yaml`;
const manifestText = (region: string) => `service: checkout\nenvironment: production\nregion: ${region}\nstable:\n  version: 1.41.0\ncanary:\n  version: null\n  weight: 0\n`;
const blobSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

/** A repository's contents, answered over GitHub's REST contract (validated by the harness), compare-and-swap on every path. */
function repository() {
  const files = new Map<string, string>(['us-east-1', 'eu-west-1', 'ap-southeast-1'].map((r) => [manifestFile(r), manifestText(r)]));
  const gh = new GitHubExpectations();
  const notFound = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  gh.expect('GET /repos/{owner}/{repo}/contents/{path}', {
    times: Infinity,
    reply: (r) => {
      const path = decodeURIComponent(r.params['path'] ?? '');
      const text = files.get(path);
      return text === undefined ? notFound : { status: 200, body: fileReply(path, text, blobSha(text)) };
    },
  });
  gh.expect('PUT /repos/{owner}/{repo}/contents/{path}', {
    times: Infinity,
    reply: (r) => {
      const path = decodeURIComponent(r.params['path'] ?? '');
      const body = r.body as { content: string; sha?: string };
      const current = files.get(path);
      if ((current === undefined ? undefined : blobSha(current)) !== body.sha) {
        return { status: 409, body: { message: `${path} does not match ${body.sha ?? 'nothing'}`, documentation_url: 'https://docs.github.com/rest' } };
      }
      const text = Buffer.from(body.content, 'base64').toString('utf8');
      files.set(path, text);
      return { status: current === undefined ? 201 : 200, body: putReply(current === undefined ? 201 : 200, blobSha(text), 'c'.repeat(40)) };
    },
  });
  const comments: Array<{ issue: number; body: string }> = [];
  gh.expect('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { times: Infinity, reply: { status: 200, body: [] } });
  gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    times: Infinity,
    reply: (r) => {
      const body = (r.body as { body: string }).body;
      comments.push({ issue: Number(r.params['issue_number']), body });
      return { status: 201, body: commentReply('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 201, 7, body) };
    },
  });
  return { gh, files, comments };
}

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the bundled waves action', () => {
  it('plans a rollout and emits a matrix of the regions due now, each with its GitHub environment', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', { workspace, inputs: { service: 'checkout', version: '1.42.0', policy: 'waves.yml' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const matrix = JSON.parse(run.outputs.matrix!) as { include: Array<{ region: string; environment: string; wave: number }> };
    expect(matrix.include).toEqual([expect.objectContaining({ region: 'us-east-1', environment: 'production/us-east-1', wave: 1 })]);
    expect(run.outputs.wave).toBe('1');
    expect(Date.parse(run.outputs['next-start']!)).toBeGreaterThan(Date.now());
    expect(run.summary).toContain('pilot');
  });

  it('fails with a usage message, not an internal error, when the manifests are not where it was told', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', version: '1.42.0', policy: 'waves.yml', command: 'advance', manifests: 'deploys' },
    });
    expect(run.exitCode).toBe(1);
    const error = run.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).not.toContain('internal error');
    expect(error).toContain('no release manifest at deploys/checkout/production/us-east-1.yaml');
  });

  it('advances a rollout: starts the pilot canary and records the rollout state, compare-and-swap over the GitHub API', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', version: '1.42.0', policy: 'waves.yml', command: 'advance', 'notify-issue': '42' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const matrix = JSON.parse(run.outputs.matrix!) as { include: Array<{ region: string; environment: string; wave: number }> };
    expect(matrix.include).toEqual([expect.objectContaining({ region: 'us-east-1', environment: 'production/us-east-1', wave: 1 })]);
    expect(run.outputs.wave).toBe('1');
    const pilot = parseManifest(repo.files.get(manifestFile('us-east-1'))!, manifestFile('us-east-1'));
    expect(pilot.canary).toEqual({ version: '1.42.0', weight: 1 });
    expect(pilot.promotion).toMatchObject({ version: '1.42.0', phase: 'soaking' });
    const state = parseRolloutState(repo.files.get(ROLLOUT)!, ROLLOUT);
    expect(state).toMatchObject({ version: '1.42.0', regions: { 'us-east-1': { state: 'deploying' } } });
    expect(Object.keys(state.regions)).toEqual(['us-east-1']);
    for (const region of ['eu-west-1', 'ap-southeast-1']) expect(repo.files.get(manifestFile(region))).toBe(manifestText(region));
    expect(run.summary).toContain('start wave 1 (pilot): us-east-1');
    // The release issue hears that the pilot was scheduled, in one comment.
    expect(repo.comments).toHaveLength(1);
    expect(repo.comments[0]).toMatchObject({ issue: 42 });
    expect(repo.comments[0]!.body).toContain('us-east-1');
  });
});
