import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/canary/promotion/decide.js';
import { promotionPolicyOf } from '../../src/canary/promotion/run.js';
import { parseAnyPolicy } from '../../src/policy/kinds.js';
import type { CanaryPolicy } from '../../src/policy/schemas/canary.js';
import { parseManifest, renderManifest } from '../../src/gitops/manifest.js';
import { example, exampleItem, fileReply, putReply } from '../github/fixtures.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { GitHubExpectations, startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { webhookPayload } from '../helpers/payloads.js';
import { MANIFEST_TEXT, allow, policy as fixturePolicy, stableManifest } from '../canary/promotion/fixtures.js';
import { AT, freezeWorkspace } from './freeze-workspace.js';

const PATH = 'deploy/checkout/production/us-east-1.yaml';
const blobSha = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');

/** A repository's contents and deployments, answered over GitHub's REST contract (validated by the harness). */
function repository() {
  const files = new Map<string, string>([[PATH, MANIFEST_TEXT]]);
  const deployments: Array<Record<string, unknown>> = [];
  const statuses: Array<{ deployment: number; state: string; description: string }> = [];
  const gh = new GitHubExpectations();
  gh.expect('GET /repos/{owner}/{repo}/contents/{path}', {
    times: Infinity,
    reply: (r) => {
      const text = files.get(decodeURIComponent(r.params['path'] ?? ''));
      return text === undefined
        ? { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }
        : { status: 200, body: fileReply(PATH, text, blobSha(text)) };
    },
  });
  gh.expect('PUT /repos/{owner}/{repo}/contents/{path}', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { content: string; sha?: string; message: string };
      const current = files.get(PATH);
      if (current !== undefined && body.sha !== blobSha(current))
        return {
          status: 409,
          body: { message: `${PATH} does not match ${body.sha}`, documentation_url: 'https://docs.github.com/rest' },
        };
      const text = Buffer.from(body.content, 'base64').toString('utf8');
      files.set(PATH, text);
      return { status: 200, body: putReply(200, blobSha(text), 'c'.repeat(40)) };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/deployments', {
    times: Infinity,
    reply: () => ({ status: 200, body: deployments }),
  });
  gh.expect('POST /repos/{owner}/{repo}/deployments', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as {
        environment: string;
        payload: Record<string, unknown>;
        task: string;
        description: string;
        ref: string;
      };
      const d = example('POST /repos/{owner}/{repo}/deployments', 201, {
        id: 100 + deployments.length,
        environment: body.environment,
        payload: body.payload,
        task: body.task,
        description: body.description,
        ref: body.ref,
      });
      deployments.unshift(d);
      return { status: 201, body: d };
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { state: string; description: string };
      statuses.push({
        deployment: Number(r.params['deployment_id']),
        state: body.state,
        description: body.description,
      });
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
          state: body.state,
          description: body.description,
        }),
      };
    },
  });
  const checks: Array<{ name: string; status: string; conclusion?: string; title: string }> = [];
  gh.expect('POST /repos/{owner}/{repo}/check-runs', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { name: string; status: string; conclusion?: string; output: { title: string } };
      checks.push({
        name: body.name,
        status: body.status,
        ...(body.conclusion ? { conclusion: body.conclusion } : {}),
        title: body.output.title,
      });
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/check-runs', 201, { id: 5, name: body.name, status: body.status }),
      };
    },
  });
  const commitStatuses: Array<{ context: string; state: string }> = [];
  gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { context: string; state: string };
      commitStatuses.push({ context: body.context, state: body.state });
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201, { context: body.context, state: body.state }),
      };
    },
  });
  return { gh, files, deployments, statuses, checks, commitStatuses };
}

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the bundled canary action', () => {
  it('starts a promotion from workflow_dispatch: one compare-and-swap commit, a deployment and its status, outputs and a summary', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    mkdirSync(join(workspace, 'policies'));
    writeFileSync(
      join(workspace, 'policies', 'canary.yml'),
      'kind: canary\nservices: ["checkout"]\napprovers:\n  users: [octocat]\n',
    );
    const payload = { ...webhookPayload('workflow_dispatch'), inputs: { command: 'start', version: '1.42.0' } };
    const run = await runBundledAction('canary', {
      eventName: 'workflow_dispatch',
      payload,
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', region: 'us-east-1', command: 'start', version: '1.42.0', policy: 'policies' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    server.done();
    expect(run.outputs).toMatchObject({ state: 'soaking', stage: '0', weight: '1', verdict: 'none' });
    const manifest = parseManifest(repo.files.get(PATH)!, PATH);
    expect(manifest.canary).toEqual({ version: '1.42.0', weight: 1 });
    expect(manifest.promotion?.history[0]).toMatchObject({ event: 'started', by: 'octocat' });
    expect(repo.deployments).toHaveLength(1);
    expect(repo.deployments[0]).toMatchObject({ environment: 'production/us-east-1', task: 'deploy:canary' });
    expect(repo.statuses).toEqual([{ deployment: 100, state: 'in_progress', description: 'Started 1.42.0 at 1%' }]);
    expect(repo.commitStatuses).toEqual([
      { context: 'bellwether/approval checkout/production/us-east-1', state: 'success' },
    ]);
    expect(repo.checks).toEqual([
      {
        name: 'bellwether/canary checkout/production/us-east-1',
        status: 'in_progress',
        title: 'Soaking at 1% (stage 1 of 4)',
      },
    ]);
    expect(run.summary).toContain('## Canary 1.42.0 of checkout / production / us-east-1');
    expect(run.summary).toContain('| 1 | 1% | 15m | soaking |');
    expect(run.masked).toContain('ghs_test-token-0123456789');
  });

  it('fails the step, writing nothing, when the actor may not start a promotion', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    writeFileSync(join(workspace, 'canary.yml'), 'kind: canary\napprovers:\n  users: [alice]\n');
    const run = await runBundledAction('canary', {
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', region: 'us-east-1', command: 'start', version: '1.42.0', policy: 'canary.yml' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toBe(
      "octocat may not start a promotion: the policy's approvers are @alice",
    );
    expect(repo.files.get(PATH)).toBe(MANIFEST_TEXT);
    // Read the manifest and the quarantine; wrote nothing.
    expect(server.requests.map((r) => r.route)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'GET /repos/{owner}/{repo}/contents/{path}',
    ]);
  });

  it('reads .github/bellwether/ in the workspace when no policy is named, as the CLI reads it in the repository', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    mkdirSync(join(workspace, '.github', 'bellwether'), { recursive: true });
    writeFileSync(
      join(workspace, '.github', 'bellwether', 'canary.yml'),
      'kind: canary\nstages:\n  - { weight: 10, soakTime: 10m }\n  - { weight: 100, soakTime: 10m }\n',
    );
    const run = await runBundledAction('canary', {
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', region: 'us-east-1', command: 'start', version: '1.42.0' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ state: 'soaking', weight: '10' });
    expect(run.summary).toContain(`canary policy: ${join(workspace, '.github', 'bellwether', 'canary.yml')}`);
  });

  it('says the embedded defaults were used, and where it looked, when the workspace has no policy folder', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    const run = await runBundledAction('canary', {
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', region: 'us-east-1', command: 'start', version: '1.42.0' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain(
      `canary policy: the embedded defaults (nothing at ${join(workspace, '.github', 'bellwether')})`,
    );
  });

  it('fails with a usage message, not an internal error, when the region is left out', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    const run = await runBundledAction('canary', {
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', command: 'tick' },
    });
    expect(run.exitCode).toBe(1);
    const error = run.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).not.toContain('internal error');
    expect(error).toContain('no release manifest at deploy/checkout/production/default.yaml');
  });
});

describe('the bundled canary action under approvers.method: dispatch', () => {
  /** The manifest of a promotion whose first stage was judged Marginal a minute ago. */
  function marginalManifest(): string {
    const now = Date.now();
    const policy = { ...fixturePolicy, approvalMethod: 'dispatch' as const };
    const start = decide(
      stableManifest,
      policy,
      { kind: 'start', version: '1.42.0', by: 'octocat' },
      { now: new Date(now - 6 * 60_000), freeze: allow, quarantine: allow },
    );
    if (start.kind !== 'transition') throw new Error('start');
    const judged = decide(
      start.manifest,
      policy,
      { kind: 'tick' },
      {
        now: new Date(now - 60_000),
        freeze: allow,
        quarantine: allow,
        judgment: { verdict: 'Marginal', score: 82, reason: 'latency-p99 High' },
      },
    );
    if (judged.kind !== 'transition') throw new Error('judge');
    return renderManifest(MANIFEST_TEXT, judged.manifest);
  }

  async function promote(eventName: string) {
    const repo = repository();
    repo.files.set(PATH, marginalManifest());
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    writeFileSync(join(workspace, 'canary.yml'), 'kind: canary\napprovers:\n  users: [octocat]\n  method: dispatch\n');
    const run = await runBundledAction('canary', {
      eventName,
      payload:
        eventName === 'workflow_dispatch'
          ? { ...webhookPayload('workflow_dispatch'), inputs: { command: 'promote' } }
          : {},
      apiUrl: server.url,
      workspace,
      inputs: {
        service: 'checkout',
        region: 'us-east-1',
        command: 'promote',
        reason: 'the p99 rise is the cold cache',
        policy: 'canary.yml',
      },
    });
    return { repo, run };
  }

  it('refuses a promote from any other event, saying so, and writes nothing', async () => {
    const { repo, run } = await promote('schedule');
    const before = repo.files.get(PATH);
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(
      'approvers.method is dispatch: an approval counts only from a manual workflow_dispatch run, and this run came from a schedule event',
    );
    expect(repo.files.get(PATH)).toBe(before);
    expect(parseManifest(before!, PATH).canary.weight).toBe(1);
  });

  it('accepts the Marginal judgment from a manual workflow_dispatch run: one stage, the reason recorded', async () => {
    const { repo, run } = await promote('workflow_dispatch');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ state: 'soaking', stage: '1', weight: '5' });
    const manifest = parseManifest(repo.files.get(PATH)!, PATH);
    expect(manifest.promotion?.history.at(-1)).toMatchObject({
      event: 'stage 2 at 5%',
      by: 'octocat',
      detail: 'the p99 rise is the cold cache',
    });
    expect(run.summary).toContain('octocat accepted a Marginal judgment (score 82): the p99 rise is the cold cache');
    expect(repo.commitStatuses).toEqual([
      { context: 'bellwether/approval checkout/production/us-east-1', state: 'success' },
    ]);
  });
});

describe('the bundled canary action under approvers.method: environment', () => {
  async function promote(approvals: Array<Record<string, unknown>>) {
    const repo = repository();
    const now = Date.now();
    const policy = { ...fixturePolicy, approvalMethod: 'environment' as const };
    const start = decide(
      stableManifest,
      policy,
      { kind: 'start', version: '1.42.0', by: 'octocat' },
      { now: new Date(now - 60_000), freeze: allow, quarantine: allow },
    );
    if (start.kind !== 'transition') throw new Error('start');
    repo.files.set(PATH, renderManifest(MANIFEST_TEXT, start.manifest));
    repo.gh.expect('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', {
      reply: () => ({ status: 200, body: approvals }),
    });
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    writeFileSync(join(workspace, 'canary.yml'), 'kind: canary\napprovers:\n  method: environment\n');
    const run = await runBundledAction('canary', {
      eventName: 'workflow_dispatch',
      payload: webhookPayload('workflow_dispatch'),
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', region: 'us-east-1', command: 'promote', policy: 'canary.yml' },
    });
    return { repo, run };
  }
  const ROUTE = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals';
  const approved = () => {
    const row = exampleItem(ROUTE);
    return { ...row, state: 'approved', user: { ...(row['user'] as Record<string, unknown>), login: 'monalisa' } };
  };

  it('refuses a promote from a run no environment reviewer approved', async () => {
    const { repo, run } = await promote([]);
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(
      "approvers.method is environment: an approval counts only when a GitHub environment reviewer approved this run's job",
    );
    expect(parseManifest(repo.files.get(PATH)!, PATH).canary.weight).toBe(1);
  });

  it('counts a promote whose job an environment reviewer approved, and records the reviewer as the approver', async () => {
    const { repo, run } = await promote([approved()]);
    expect(run.commands.find((c) => c.command === 'error')?.message).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const manifest = parseManifest(repo.files.get(PATH)!, PATH);
    expect(manifest.canary.weight).toBe(5);
    expect(manifest.promotion?.history.at(-1)).toMatchObject({ by: 'monalisa' });
  });
});

describe('the bundled canary action through an error-budget freeze', () => {
  const NOT_FOUND = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  /** 200% of checkout's budget spent, a freeze policy that lets octocat break the glass, and octocat may start canaries. */
  function frozenWorkspace(): string {
    const workspace = freezeWorkspace(0.02, {
      policy: 'kind: freeze\nslos: [checkout.yaml]\nbreakGlass:\n  users: [octocat]\n',
      policyPath: 'policies/freeze.yml',
      provider: 'prometheus',
    });
    writeFileSync(
      join(workspace, 'policies', 'canary.yml'),
      'kind: canary\nservices: ["checkout"]\napprovers:\n  users: [octocat]\n',
    );
    return workspace;
  }
  const inputs = {
    service: 'checkout',
    region: 'us-east-1',
    command: 'start',
    version: '1.42.0',
    policy: 'policies',
    metrics: 'metrics.yml',
    at: AT,
  };

  it('refuses to start without a break-glass, writing nothing', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const run = await runBundledAction('canary', { apiUrl: server.url, workspace: frozenWorkspace(), inputs });
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(
      'checkout-availability has spent 200% of its error budget, at or past the 100% tier (freeze)',
    );
    expect(repo.files.get(PATH)).toBe(MANIFEST_TEXT);
  });

  it('starts with an accepted break-glass: the commit records it and the break-glass issue is opened', async () => {
    const repo = repository();
    const issues: Array<{ title: string; body: string; labels: string[] }> = [];
    const commits: string[] = [];
    repo.gh.expect('GET /repos/{owner}/{repo}/labels/{name}', { times: Infinity, reply: NOT_FOUND });
    repo.gh.expect('POST /repos/{owner}/{repo}/labels', {
      times: Infinity,
      reply: (r) => ({
        status: 201,
        body: example('POST /repos/{owner}/{repo}/labels', 201, { name: (r.body as { name: string }).name }),
      }),
    });
    repo.gh.expect('GET /repos/{owner}/{repo}/issues', { times: Infinity, reply: { status: 200, body: [] } });
    repo.gh.expect('POST /repos/{owner}/{repo}/issues', {
      reply: (r) => {
        const body = r.body as { title: string; body: string; labels: string[] };
        issues.push(body);
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/issues', 201, {
            number: 40,
            title: body.title,
            body: body.body,
            html_url: 'https://github.com/acme/shop/issues/40',
          }),
        };
      },
    });
    server = await startGitHubServer(repo.gh);
    const run = await runBundledAction('canary', {
      apiUrl: server.url,
      workspace: frozenWorkspace(),
      inputs: { ...inputs, 'break-glass': 'payment provider outage, the fix must ship', 'break-glass-expiry': '2h' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    for (const r of server.requests)
      if (r.route === 'PUT /repos/{owner}/{repo}/contents/{path}')
        commits.push((r.body as { message: string }).message);
    expect(parseManifest(repo.files.get(PATH)!, PATH).canary).toEqual({ version: '1.42.0', weight: 1 });
    expect(commits).toHaveLength(1);
    expect(commits[0]).toContain(
      'Error-budget freeze lifted by a break-glass by octocat until 2026-11-22T11:30:00.000Z: payment provider outage, the fix must ship.',
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe('Break-glass: feature of checkout by @octocat');
    expect(issues[0]!.labels).toEqual(['bellwether:break-glass']);
    expect(issues[0]!.body).toContain('| why | payment provider outage, the fix must ship |');
  });
});

describe('the bundled canary action for an infrastructure tier', () => {
  const POLICY = [
    'kind: canary',
    'tier: infrastructure',
    'tiers:',
    '  infrastructure:',
    '    change: { approvers: { users: [cab-chair] }, recordPattern: "CHG[0-9]{7}" }',
    '    bakeTime: 2h',
    '',
  ].join('\n');

  /** The promotion octocat started, its first three stages passed, waiting for the change approval before 100%. */
  function waitingForChange(): string {
    const policy = promotionPolicyOf(parseAnyPolicy(POLICY, 'canary.yml') as CanaryPolicy);
    const t0 = Date.now() - 4 * 3_600_000;
    const factsAt = (minute: number, more = {}) => ({
      now: new Date(t0 + minute * 60_000),
      freeze: allow,
      quarantine: allow,
      ...more,
    });
    let m = stableManifest;
    const step0 = decide(m, policy, { kind: 'start', version: '1.42.0', by: 'octocat' }, factsAt(0));
    if (step0.kind !== 'transition') throw new Error('start');
    m = step0.manifest;
    for (let minute = 1; minute <= 239 && m.promotion?.phase !== 'awaiting-approval'; minute++) {
      let step = decide(m, policy, { kind: 'tick' }, factsAt(minute));
      if (step.kind === 'need-judgment')
        step = decide(
          m,
          policy,
          { kind: 'tick' },
          factsAt(minute, { judgment: { verdict: 'Pass', score: 100, reason: 'r' } }),
        );
      if (step.kind === 'transition') m = step.manifest;
    }
    if (m.promotion?.phase !== 'awaiting-approval') throw new Error('expected to wait for the change approval');
    return renderManifest(MANIFEST_TEXT, m);
  }

  async function promote(actor: string, changeRecord?: string) {
    const repo = repository();
    const before = waitingForChange();
    repo.files.set(PATH, before);
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    writeFileSync(join(workspace, 'canary.yml'), POLICY);
    const run = await runBundledAction('canary', {
      eventName: 'workflow_dispatch',
      payload: { ...webhookPayload('workflow_dispatch'), inputs: { command: 'promote' } },
      apiUrl: server.url,
      workspace,
      env: { GITHUB_ACTOR: actor },
      inputs: {
        service: 'checkout',
        region: 'us-east-1',
        command: 'promote',
        policy: 'canary.yml',
        ...(changeRecord ? { 'change-record': changeRecord } : {}),
      },
    });
    return { repo, run, before };
  }

  it.each([
    ['without a change record', 'cab-chair', undefined, 'no change record was given'],
    ['with a record the pattern refuses', 'cab-chair', 'CHG12', "does not match the tier's change.recordPattern"],
    [
      'from the person who started the release',
      'octocat',
      'CHG0031234',
      'octocat started this release and may not give its change approval',
    ],
    [
      'from someone not among the change approvers',
      'hubot',
      'CHG0031234',
      'hubot may not give the change approval of stage 4 (100%)',
    ],
  ])('refuses the change approval %s, says why, and writes nothing', async (_name, actor, record, why) => {
    const { repo, run, before } = await promote(actor, record);
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(why);
    expect(repo.files.get(PATH)).toBe(before);
    expect(run.outputs).toMatchObject({ weight: '25', 'keep-ready': '', 'keep-ready-until': '' });
  });

  it('takes a change approver with a change record to 100%, records both, and keeps the stable version ready', async () => {
    const { repo, run } = await promote('cab-chair', 'CHG0031234');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      state: 'soaking',
      stage: '3',
      weight: '100',
      'keep-ready': '1.41.0',
      'keep-ready-until': '',
    });
    const manifest = parseManifest(repo.files.get(PATH)!, PATH);
    expect(manifest.keepReady).toEqual({ version: '1.41.0' });
    expect(manifest.promotion?.history.at(-1)).toMatchObject({
      event: 'stage 4 at 100%',
      by: 'cab-chair',
      change: 'CHG0031234',
    });
    expect(run.summary).toContain('cab-chair gave the change approval of stage 4 (100%) (change CHG0031234)');
    expect(run.summary).toContain('Kept ready for a full rollback: 1.41.0, while the canary takes all the traffic');
    expect(run.summary).toContain('| 4 | 100% | 1h + change approval | soaking |');
  });
});
