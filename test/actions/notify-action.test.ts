/**
 * Notifications through the bundled actions: the `notify-*` inputs reach a
 * local receiver that checks each service's documented format, the webhook
 * addresses (credentials) never reach the log, the summary or the outputs,
 * and a receiver that fails leaves the step's decision exactly as it was.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MANIFEST_TEXT } from '../canary/promotion/fixtures.js';
import { example, fileReply, putReply } from '../github/fixtures.js';
import { runBundledAction } from '../helpers/action-runner.js';
import type { ActionRun } from '../helpers/action-runner.js';
import { GitHubExpectations, startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { webhookPayload } from '../helpers/payloads.js';
import { startWebhookServer } from '../helpers/webhook-server.js';
import type { WebhookServer } from '../helpers/webhook-server.js';
import { AT, freezeWorkspace } from './freeze-workspace.js';

const RUN_URL = 'https://github.com/acme/shop/actions/runs/1658821493';
const BLOCKED =
  'The error budget gate blocks this feature: checkout-availability has spent 200% of its error budget, at or past the 100% tier (freeze)';
// What makes each address a credential: a path nobody else knows.
const SECRET = 'T0001/B0002/s3cr3tW3bh00kT0k3n';

let github: GitHubServer | undefined;
let hooks: WebhookServer | undefined;
afterEach(async () => {
  await github?.close();
  await hooks?.close();
  github = hooks = undefined;
});

/** A freeze workspace whose policies live in `policies/`: the freeze policy, and a notify policy when given. */
function workspace(badRate: number, notifyPolicy?: string): string {
  const dir = freezeWorkspace(badRate, { policy: 'kind: freeze\n', policyPath: 'policies/freeze.yml' });
  mkdirSync(join(dir, 'policies'), { recursive: true });
  if (notifyPolicy) writeFileSync(join(dir, 'policies', 'notify.yml'), notifyPolicy);
  return dir;
}

const INPUTS = { policy: 'policies', slo: 'checkout.yaml', metrics: 'metrics.yml', at: AT };
const targets = (url: string) => ({
  'notify-slack-webhook': `${url}/slack/${SECRET}`,
  'notify-teams-webhook': `${url}/teams/${SECRET}`,
  'notify-webhook': `${url}/events/${SECRET}`,
});

/** Everything a run left where people or other steps read it; `add-mask` lines are the runner's, which never shows them. */
const surfaces = (run: ActionRun) =>
  [
    run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.state),
  ].join('\n');

const errorOf = (run: ActionRun) => run.commands.find((c) => c.command === 'error')?.message;

describe('the bundled freeze action announces a blocked deployment', () => {
  it('to Slack, Teams and a CloudEvents webhook, each in its documented format, with the headline and the run', async () => {
    github = await startGitHubServer(new GitHubExpectations());
    hooks = await startWebhookServer();
    const run = await runBundledAction('freeze', {
      apiUrl: github.url,
      workspace: workspace(0.02),
      inputs: { ...INPUTS, ...targets(hooks.url) },
    });
    expect(run.exitCode).toBe(1);
    expect(errorOf(run)).toBe(BLOCKED);
    expect(hooks.received.map((r) => [r.path.split('/')[1], r.problems])).toEqual([
      ['slack', []],
      ['teams', []],
      ['events', []],
    ]);
    const [slack, teams, event] = hooks.received.map((r) => r.body);
    expect(JSON.stringify(slack)).toContain(BLOCKED);
    expect(JSON.stringify(slack)).toContain(RUN_URL);
    expect(JSON.stringify(teams)).toContain(BLOCKED);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'dev.bellwether.freeze.blocked',
      source: 'https://github.com/acme/shop',
      id: '1658821493.1/freeze.blocked',
      data: { headline: BLOCKED, runUrl: RUN_URL },
    });
    expect(run.summary).toContain('#### Notifications');
    expect(run.summary).toContain('- Slack webhook: sent (HTTP 200)');
    expect(run.summary).toContain('- CloudEvents webhook: sent (HTTP 200)');
    // Masked for the runner, and written nowhere.
    expect(run.masked).toEqual(expect.arrayContaining(Object.values(targets(hooks.url))));
    expect(surfaces(run)).not.toContain(SECRET);
    expect(github.requests).toEqual([]);
  });

  it('a receiver answering 500 is a warning with the status; the decision, outputs and failure stay exactly as without it', async () => {
    github = await startGitHubServer(new GitHubExpectations());
    const without = await runBundledAction('freeze', {
      apiUrl: github.url,
      workspace: workspace(0.02),
      inputs: INPUTS,
    });
    hooks = await startWebhookServer({ status: 500 });
    const run = await runBundledAction('freeze', {
      apiUrl: github.url,
      workspace: workspace(0.02),
      inputs: { ...INPUTS, ...targets(hooks.url) },
    });
    expect(hooks.received).toHaveLength(3);
    expect(run.exitCode).toBe(without.exitCode);
    expect(run.outputs).toEqual(without.outputs);
    expect(errorOf(run)).toBe(errorOf(without));
    expect(run.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toEqual([
      'Slack webhook: the freeze notification was not delivered (HTTP 500: internal error); the deployment decision stands',
      'Microsoft Teams webhook: the freeze notification was not delivered (HTTP 500: internal error); the deployment decision stands',
      'CloudEvents webhook: the freeze notification was not delivered (HTTP 500: internal error); the deployment decision stands',
    ]);
    expect(run.summary).toContain(
      '- Slack webhook: ⚠️ not delivered (HTTP 500: internal error); the decision above stands',
    );
    expect(surfaces(run)).not.toContain(SECRET);
  });

  it('sends nothing for an event the notify policy leaves out, nor when nothing was blocked', async () => {
    github = await startGitHubServer(new GitHubExpectations());
    hooks = await startWebhookServer();
    const quiet = await runBundledAction('freeze', {
      apiUrl: github.url,
      workspace: workspace(0.02, 'kind: notify\non: [rollback, postmortem]\n'),
      inputs: { ...INPUTS, ...targets(hooks.url) },
    });
    expect(quiet.exitCode).toBe(1);
    expect(quiet.stdout).toContain('No notification sent: the notify policy does not announce freeze events');
    const healthy = await runBundledAction('freeze', {
      apiUrl: github.url,
      workspace: workspace(0.001),
      inputs: { ...INPUTS, ...targets(hooks.url) },
    });
    expect(healthy.exitCode).toBe(0);
    expect(hooks.received).toEqual([]);
    expect(surfaces(quiet) + surfaces(healthy)).not.toContain(SECRET);
  });
});

describe('the bundled postmortem action announces the postmortem it opened', () => {
  it('with a link to the issue', async () => {
    const gh = new GitHubExpectations();
    gh.expect('GET /repos/{owner}/{repo}/issues', { times: Infinity, reply: { status: 200, body: [] } });
    gh.expect('GET /repos/{owner}/{repo}/labels/{name}', {
      times: Infinity,
      reply: { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } },
    });
    gh.expect('POST /repos/{owner}/{repo}/labels', {
      times: Infinity,
      reply: (r) => ({
        status: 201,
        body: example('POST /repos/{owner}/{repo}/labels', 201, { name: (r.body as { name: string }).name }),
      }),
    });
    gh.expect('POST /repos/{owner}/{repo}/issues', {
      reply: (r) => ({
        status: 201,
        body: example('POST /repos/{owner}/{repo}/issues', 201, {
          number: 500,
          title: (r.body as { title: string }).title,
          body: (r.body as { body: string }).body,
          html_url: 'https://github.com/acme/shop/issues/500',
        }),
      }),
    });
    github = await startGitHubServer(gh);
    hooks = await startWebhookServer();
    const run = await runBundledAction('postmortem', {
      apiUrl: github.url,
      inputs: {
        trigger: 'rollback',
        severity: 'sev1',
        title: 'checkout 1.4.0 rolled back',
        service: 'checkout',
        'started-at': '2026-11-22T09:00:00Z',
        'notify-webhook': `${hooks.url}/events/${SECRET}`,
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ issue: '500', status: 'created' });
    expect(hooks.received.map((r) => r.problems)).toEqual([[]]);
    expect(hooks.received[0]!.body).toMatchObject({
      type: 'dev.bellwether.postmortem.opened',
      subject: 'checkout',
      data: {
        headline: 'Postmortem #500 opened (sev1): checkout 1.4.0 rolled back',
        links: [{ label: 'Postmortem #500', url: 'https://github.com/acme/shop/issues/500' }],
        runUrl: RUN_URL,
      },
    });
    expect(surfaces(run)).not.toContain(SECRET);
  });
});

const MANIFEST = 'deploy/checkout/production/us-east-1.yaml';
const blobSha = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');

/** The release manifest, deployments, statuses and check runs the canary writes, answered over GitHub's REST contract. */
function canaryRepository(): GitHubExpectations {
  const files = new Map<string, string>([[MANIFEST, MANIFEST_TEXT]]);
  const deployments: Array<Record<string, unknown>> = [];
  const gh = new GitHubExpectations();
  const always = { times: Infinity };
  gh.expect('GET /repos/{owner}/{repo}/contents/{path}', {
    ...always,
    reply: (r) => {
      const text = files.get(decodeURIComponent(r.params['path'] ?? ''));
      return text === undefined
        ? { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }
        : { status: 200, body: fileReply(MANIFEST, text, blobSha(text)) };
    },
  });
  gh.expect('PUT /repos/{owner}/{repo}/contents/{path}', {
    ...always,
    reply: (r) => {
      const text = Buffer.from((r.body as { content: string }).content, 'base64').toString('utf8');
      files.set(MANIFEST, text);
      return { status: 200, body: putReply(200, blobSha(text), 'c'.repeat(40)) };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/deployments', { ...always, reply: () => ({ status: 200, body: deployments }) });
  gh.expect('POST /repos/{owner}/{repo}/deployments', {
    ...always,
    reply: (r) => {
      const body = r.body as { environment: string; payload: Record<string, unknown>; task: string; ref: string };
      const d = example('POST /repos/{owner}/{repo}/deployments', 201, { id: 100 + deployments.length, ...body });
      deployments.unshift(d);
      return { status: 201, body: d };
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    ...always,
    reply: (r) => ({
      status: 201,
      body: example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
        state: (r.body as { state: string }).state,
      }),
    }),
  });
  gh.expect('POST /repos/{owner}/{repo}/check-runs', {
    ...always,
    reply: (r) => ({
      status: 201,
      body: example('POST /repos/{owner}/{repo}/check-runs', 201, { id: 5, name: (r.body as { name: string }).name }),
    }),
  });
  gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
    ...always,
    reply: (r) => ({
      status: 201,
      body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201, {
        context: (r.body as { context: string }).context,
        state: (r.body as { state: string }).state,
      }),
    }),
  });
  return gh;
}

describe('the bundled canary action announces a stage', () => {
  it('a started canary reaches Slack, Teams and the CloudEvents webhook; a second tick that changes nothing sends nothing', async () => {
    github = await startGitHubServer(canaryRepository());
    hooks = await startWebhookServer();
    const workspace = mkdtempSync(join(tmpdir(), 'bw-ws-'));
    mkdirSync(join(workspace, 'policies'));
    writeFileSync(join(workspace, 'policies', 'canary.yml'), 'kind: canary\napprovers:\n  users: [octocat]\n');
    const inputs = { service: 'checkout', region: 'us-east-1', policy: 'policies', ...targets(hooks.url) };
    const run = await runBundledAction('canary', {
      apiUrl: github.url,
      workspace,
      payload: { ...webhookPayload('workflow_dispatch'), inputs: { command: 'start', version: '1.42.0' } },
      inputs: { ...inputs, command: 'start', version: '1.42.0' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(hooks.received.map((r) => [r.path.split('/')[1], r.problems])).toEqual([
      ['slack', []],
      ['teams', []],
      ['events', []],
    ]);
    expect(hooks.received[2]!.body).toMatchObject({
      type: 'dev.bellwether.stage.started',
      subject: 'checkout/production/us-east-1',
      data: { version: '1.42.0', runUrl: RUN_URL },
    });
    const headline = (hooks.received[2]!.body['data'] as { headline: string }).headline;
    expect(headline).toMatch(/1\.42\.0.*1%/);
    expect(JSON.stringify(hooks.received[0]!.body)).toContain('Canary started: checkout/production/us-east-1 1.42.0');
    expect(surfaces(run)).not.toContain(SECRET);

    const tick = await runBundledAction('canary', {
      apiUrl: github.url,
      workspace,
      inputs: { ...inputs, command: 'tick' },
    });
    expect(tick.exitCode).toBe(0);
    expect(hooks.received).toHaveLength(3);
  });
});
