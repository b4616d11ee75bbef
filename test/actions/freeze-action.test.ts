import { afterEach, describe, expect, it } from 'vitest';
import { example, exampleItem } from '../github/fixtures.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { GitHubExpectations, startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { webhookPayload } from '../helpers/payloads.js';
import { AT, freezeWorkspace } from './freeze-workspace.js';

const NOT_FOUND = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };

/**
 * A workspace with the checkout SLO, a freeze policy that lets octocat break
 * the glass, and a replay recording in which checkout fails `badRate` of its
 * 10 requests a second, every day of the last month.
 */
const workspace = (badRate: number) =>
  freezeWorkspace(badRate, {
    policy: 'kind: freeze\nbreakGlass:\n  users: [octocat]\n  audit:\n    label: break-glass\n',
  });

const INPUTS = { policy: 'freeze.yml', slo: 'checkout.yaml', metrics: 'metrics.yml', at: AT };
// 0.02 of 10 requests a second fail: twice the 0.1% the SLO allows, so 200% of the budget is spent.
const FROZEN = 0.02;
// 0.001 a second: a tenth of what the SLO allows.
const HEALTHY = 0.001;

const plainIssue = (fields: Record<string, unknown>) => {
  const { pull_request: _pr, ...issue } = exampleItem('GET /repos/{owner}/{repo}/issues', fields);
  return issue;
};

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Labels that do not exist yet, created on first use. */
function labels(gh: GitHubExpectations, created: string[]) {
  gh.expect('GET /repos/{owner}/{repo}/labels/{name}', { times: Infinity, reply: NOT_FOUND });
  gh.expect('POST /repos/{owner}/{repo}/labels', {
    times: Infinity,
    reply: (r) => {
      const name = (r.body as { name: string }).name;
      created.push(name);
      return { status: 201, body: example('POST /repos/{owner}/{repo}/labels', 201, { name }) };
    },
  });
}

describe('the bundled freeze action on a schedule', () => {
  it('while frozen: a failing bellwether/error-budget status on the commit and one deploy-freeze issue opened', async () => {
    const gh = new GitHubExpectations();
    const statuses: Array<{ sha: string; context: string; state: string; description: string }> = [];
    const issues: Array<{ title: string; body: string; labels: string[] }> = [];
    const labelsMade: string[] = [];
    gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
      reply: (r) => {
        const body = r.body as { context: string; state: string; description: string };
        statuses.push({ sha: r.params['sha'] ?? '', ...body });
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201, { context: body.context, state: body.state }),
        };
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/issues', {
      query: { labels: 'deploy-freeze', state: 'all' },
      times: Infinity,
      reply: { status: 200, body: [] },
    });
    // The postmortem of the freeze is looked for by its marker among all issues, then opened.
    gh.expect('GET /repos/{owner}/{repo}/issues', { query: { state: 'all' }, reply: { status: 200, body: [] } });
    gh.expect('GET /repos/{owner}/{repo}/issues', {
      query: { labels: 'postmortem', state: 'all' },
      reply: { status: 200, body: [] },
    });
    labels(gh, labelsMade);
    gh.expect('POST /repos/{owner}/{repo}/issues', {
      times: 2,
      reply: (r) => {
        const body = r.body as { title: string; body: string; labels: string[] };
        issues.push(body);
        const number = 30 + issues.length;
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/issues', 201, {
            number,
            title: body.title,
            body: body.body,
            html_url: `https://github.com/acme/shop/issues/${number}`,
          }),
        };
      },
    });
    server = await startGitHubServer(gh);
    const run = await runBundledAction('freeze', {
      eventName: 'schedule',
      payload: webhookPayload('schedule'),
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      inputs: INPUTS,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    server.done();
    expect(run.outputs).toMatchObject({ frozen: 'true', tier: 'freeze', gate: 'block' });
    expect(Number(run.outputs['budget-remaining'])).toBeCloseTo(-1, 9);
    expect(statuses).toEqual([
      {
        sha: 'ffac537e6cbbf934b08745a378932722df287a53',
        context: 'bellwether/error-budget',
        state: 'failure',
        description:
          'Features frozen: checkout-availability has spent 200% of its error budget, at or past the 100% tier (freeze)',
        target_url: 'https://github.com/acme/shop/actions/runs/1658821493',
      } as never,
    ]);
    expect(labelsMade).toEqual(['deploy-freeze', 'postmortem']);
    expect(issues).toHaveLength(2);
    expect(issues[1]).toMatchObject({
      title: '[Postmortem] checkout: feature deployments frozen by the error budget policy',
      labels: ['postmortem'],
    });
    expect(issues[1]!.body).toContain('Error budget used: 200%');
    expect(run.outputs['postmortem-issue']).toBe('32');
    expect(run.summary).toContain('Postmortem of the freeze opened: https://github.com/acme/shop/issues/32');
    expect(issues[0]!.title).toBe('Deploy freeze: checkout');
    expect(issues[0]!.labels).toEqual(['deploy-freeze']);
    expect(issues[0]!.body).toContain(`Frozen since ${new Date(AT).toISOString()}.`);
    expect(issues[0]!.body).toContain('<!-- bellwether:deploy-freeze/checkout -->');
    expect(run.summary).toContain('Freeze issue opened: https://github.com/acme/shop/issues/31');
    expect(run.summary).toContain('xychart-beta');
    expect(run.summary).toContain('| alert | severity |');
  });

  it('after the freeze lifted: a success status and the open freeze issue closed, with why', async () => {
    const gh = new GitHubExpectations();
    const states: string[] = [];
    const edits: Array<{ state: string; body: string }> = [];
    gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
      reply: (r) => {
        const body = r.body as { context: string; state: string };
        states.push(body.state);
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201, { context: body.context, state: body.state }),
        };
      },
    });
    const open = plainIssue({
      number: 31,
      state: 'open',
      title: 'Deploy freeze: checkout',
      body: 'Frozen since 2026-11-20T09:30:00.000Z.\n<!-- bellwether:deploy-freeze/checkout -->\n',
    });
    gh.expect('GET /repos/{owner}/{repo}/issues', {
      query: { labels: 'deploy-freeze', state: 'all' },
      reply: { status: 200, body: [open] },
    });
    gh.expect('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      params: { issue_number: 31 },
      reply: (r) => {
        const body = r.body as { state: string; body: string };
        edits.push(body);
        return {
          status: 200,
          body: example('PATCH /repos/{owner}/{repo}/issues/{issue_number}', 200, {
            number: 31,
            state: body.state,
            body: body.body,
          }),
        };
      },
    });
    server = await startGitHubServer(gh);
    const run = await runBundledAction('freeze', {
      eventName: 'schedule',
      payload: webhookPayload('schedule'),
      apiUrl: server.url,
      workspace: workspace(HEALTHY),
      inputs: INPUTS,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    server.done();
    expect(run.outputs).toMatchObject({ frozen: 'false', tier: 'none', gate: 'allow' });
    expect(states).toEqual(['success']);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.state).toBe('closed');
    expect(edits[0]!.body).toContain(`The freeze lifted at ${new Date(AT).toISOString()}`);
    // The marker stays, so the next freeze reopens this issue rather than opening a second one.
    expect(edits[0]!.body).toContain('<!-- bellwether:deploy-freeze/checkout -->');
  });
});

describe('the bundled freeze action as a deploy gate step', () => {
  it('blocks a feature while the budget is spent: the step fails with the reason, and GitHub is not written', async () => {
    server = await startGitHubServer(new GitHubExpectations());
    const run = await runBundledAction('freeze', { apiUrl: server.url, workspace: workspace(FROZEN), inputs: INPUTS });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ frozen: 'true', gate: 'block', tier: 'freeze' });
    expect(run.commands.find((c) => c.command === 'error')?.message).toBe(
      'The error budget gate blocks this feature: checkout-availability has spent 200% of its error budget, at or past the 100% tier (freeze)',
    );
    expect(run.summary).toContain('**feature: ⛔ block**');
    expect(run.summary).toContain('xychart-beta');
    expect(run.summary).toContain('| page-1h-5m | page | 1h | 5m | 14.4 |');
    expect(server.requests).toEqual([]);
  });

  it("lets a pull request carrying an exemption label through the freeze, read from the event's pull request", async () => {
    server = await startGitHubServer(new GitHubExpectations());
    const labelled = (names: string[]) => {
      const payload = webhookPayload('pull_request', 'opened') as { pull_request: { labels: unknown[] } };
      payload.pull_request.labels = names.map((name, i) => ({
        id: i + 1,
        node_id: `LA_${i}`,
        url: '',
        name,
        color: 'ededed',
        default: false,
        description: null,
      }));
      return payload;
    };
    const exempt = await runBundledAction('freeze', {
      eventName: 'pull_request',
      payload: labelled(['p0-fix']),
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      inputs: INPUTS,
    });
    expect(exempt.exitCode).toBe(0);
    expect(exempt.outputs).toMatchObject({ frozen: 'true', gate: 'allow' });
    expect(exempt.summary).toContain('p0-fix');
    const plain = await runBundledAction('freeze', {
      eventName: 'pull_request',
      payload: labelled(['docs']),
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      inputs: INPUTS,
    });
    expect(plain.exitCode).toBe(1);
    expect(plain.outputs).toMatchObject({ gate: 'block' });
    expect(server.requests).toEqual([]);
  });

  it('allows a rollback through the same freeze', async () => {
    server = await startGitHubServer(new GitHubExpectations());
    const run = await runBundledAction('freeze', {
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      inputs: { ...INPUTS, 'change-type': 'rollback' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ gate: 'allow' });
    expect(run.summary).toContain('rollback ✅ allow');
    expect(run.commands.filter((c) => c.command === 'error')).toEqual([]);
  });

  it('blocks features when the metrics cannot be read, and still allows a security fix by policy default', async () => {
    server = await startGitHubServer(new GitHubExpectations());
    const { metrics: _m, ...noMetrics } = INPUTS;
    const feature = await runBundledAction('freeze', {
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      inputs: noMetrics,
    });
    expect(feature.exitCode).toBe(1);
    expect(feature.commands.find((c) => c.command === 'error')?.message).toContain(
      'the error budget of checkout-availability is unknown: no metrics provider is configured',
    );
    expect(feature.outputs).toMatchObject({ gate: 'block', 'budget-remaining': '' });
    const fix = await runBundledAction('freeze', {
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      inputs: { ...noMetrics, 'change-type': 'security-fix' },
    });
    expect(fix.exitCode).toBe(0);
    expect(fix.outputs).toMatchObject({ gate: 'allow', frozen: 'true' });
  });

  it('lets a permitted user break the glass with a reason and an expiry, and opens the follow-up issue', async () => {
    const gh = new GitHubExpectations();
    const issues: Array<{ title: string; body: string; labels: string[] }> = [];
    const labelsMade: string[] = [];
    labels(gh, labelsMade);
    gh.expect('GET /repos/{owner}/{repo}/issues', { times: Infinity, reply: { status: 200, body: [] } });
    gh.expect('POST /repos/{owner}/{repo}/issues', {
      reply: (r) => {
        const body = r.body as { title: string; body: string; labels: string[] };
        issues.push(body);
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/issues', 201, {
            number: 32,
            title: body.title,
            body: body.body,
            html_url: 'https://github.com/acme/shop/issues/32',
          }),
        };
      },
    });
    server = await startGitHubServer(gh);
    const run = await runBundledAction('freeze', {
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      inputs: { ...INPUTS, 'break-glass': 'payment provider outage, the fix must ship', 'break-glass-expiry': '2h' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    server.done();
    expect(run.outputs).toMatchObject({ gate: 'allow', frozen: 'true' });
    expect(labelsMade).toEqual(['break-glass']);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe('Break-glass: feature of checkout by @octocat');
    expect(issues[0]!.labels).toEqual(['break-glass']);
    expect(issues[0]!.body).toContain('| why | payment provider outage, the fix must ship |');
    expect(issues[0]!.body).toContain('| until | 2026-11-22T11:30:00.000Z |');
    expect(run.summary).toContain('**Break-glass accepted** for @octocat until 2026-11-22T11:30:00.000Z');
    expect(run.summary).toContain('Break-glass recorded in https://github.com/acme/shop/issues/32');
  });

  it('refuses a break-glass by a user the policy does not name: the step fails and nothing is opened', async () => {
    server = await startGitHubServer(new GitHubExpectations());
    const run = await runBundledAction('freeze', {
      apiUrl: server.url,
      workspace: workspace(FROZEN),
      env: { GITHUB_ACTOR: 'mallory' },
      inputs: { ...INPUTS, 'break-glass': 'I want to ship', 'break-glass-expiry': '2h' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ gate: 'block' });
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(
      '(break-glass refused: mallory is not permitted to break the glass',
    );
    expect(run.summary).toContain('**Break-glass refused** for @mallory');
    expect(server.requests).toEqual([]);
  });
});

// Of 10 requests a second, the share that fails sets the budget spent: 0.01 is all of the 0.1% the SLO allows.
const SPENT = { 30: 0.003, 60: 0.006, 80: 0.008, 200: 0.02 } as const;

describe('the bundled freeze action at each tier of the error budget policy', () => {
  it.each([
    ['notify', 30, 'allow', 'allow', 'allow'],
    ['consider-freeze', 60, 'block', 'allow', 'allow'],
    ['all-hands', 80, 'block', 'allow', 'allow'],
    ['freeze', 200, 'block', 'allow', 'allow'],
  ] as const)(
    'tier %s (%d percent spent): feature %s, security-fix %s, hotfix %s',
    async (tier, spent, feature, securityFix, hotfix) => {
      server = await startGitHubServer(new GitHubExpectations());
      const ws = workspace(SPENT[spent]);
      const verdicts: Record<string, string> = {};
      for (const changeType of ['feature', 'security-fix', 'hotfix'] as const) {
        const run = await runBundledAction('freeze', {
          apiUrl: server.url,
          workspace: ws,
          inputs: { ...INPUTS, 'change-type': changeType },
        });
        expect(run.exitCode).toBe(run.outputs['gate'] === 'block' ? 1 : 0);
        expect(run.outputs['tier']).toBe(tier);
        verdicts[changeType] = run.outputs['gate'] ?? '';
        if (run.outputs['gate'] === 'block')
          expect(run.commands.find((c) => c.command === 'error')?.message).toContain(`tier (${tier})`);
      }
      expect(verdicts).toEqual({ feature, 'security-fix': securityFix, hotfix });
      // A push deploys no pull request: nothing on GitHub is read or written by the gate step.
      expect(server.requests).toEqual([]);
    },
  );

  it('at consider-freeze, lets a feature out from a pull request whose reviewer approved it, and reads the reviews only then', async () => {
    const reviewed = (states: Array<[string, string]>) => {
      const gh = new GitHubExpectations();
      gh.expect('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        reply: {
          status: 200,
          body: states.map(([login, state], i) => {
            const row = exampleItem('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { id: i + 1, state });
            return { ...row, user: { ...(row['user'] as Record<string, unknown>), login } };
          }),
        },
      });
      return gh;
    };
    const payload = webhookPayload('pull_request', 'opened') as { pull_request: { number: number } };
    server = await startGitHubServer(reviewed([['hubot', 'APPROVED']]));
    const approved = await runBundledAction('freeze', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: workspace(SPENT[60]),
      inputs: INPUTS,
    });
    expect(approved.exitCode).toBe(0);
    expect(approved.outputs).toMatchObject({ gate: 'allow', tier: 'consider-freeze', frozen: 'false' });
    expect(approved.summary).toContain('the pull request is approved by @hubot');
    server.done();
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/acme/shop/pulls/${payload.pull_request.number}/reviews`,
    ]);
    await server.close();

    server = await startGitHubServer(
      reviewed([
        ['hubot', 'APPROVED'],
        ['hubot', 'CHANGES_REQUESTED'],
      ]),
    );
    const changes = await runBundledAction('freeze', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: workspace(SPENT[60]),
      inputs: INPUTS,
    });
    expect(changes.exitCode).toBe(1);
    expect(changes.commands.find((c) => c.command === 'error')?.message).toContain(
      'a feature deploys only from an approved pull request',
    );
    await server.close();

    // At all-hands an approval is not enough, so the reviews are not even read.
    server = await startGitHubServer(new GitHubExpectations());
    const allHands = await runBundledAction('freeze', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: workspace(SPENT[80]),
      inputs: INPUTS,
    });
    expect(allHands.exitCode).toBe(1);
    expect(server.requests).toEqual([]);
  });

  it('on a schedule at the notify tier, tells the team: a success status and the freeze issue opened as a notice', async () => {
    const gh = new GitHubExpectations();
    const statuses: Array<{ state: string; description: string }> = [];
    const issues: Array<{ title: string; body: string; labels: string[] }> = [];
    gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
      reply: (r) => {
        const body = r.body as { context: string; state: string; description: string };
        statuses.push(body);
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201, { context: body.context, state: body.state }),
        };
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/issues', {
      query: { labels: 'deploy-freeze', state: 'all' },
      times: Infinity,
      reply: { status: 200, body: [] },
    });
    labels(gh, []);
    gh.expect('POST /repos/{owner}/{repo}/issues', {
      reply: (r) => {
        const body = r.body as { title: string; body: string; labels: string[] };
        issues.push(body);
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/issues', 201, {
            number: 33,
            title: body.title,
            body: body.body,
            html_url: 'https://github.com/acme/shop/issues/33',
          }),
        };
      },
    });
    server = await startGitHubServer(gh);
    const run = await runBundledAction('freeze', {
      eventName: 'schedule',
      payload: webhookPayload('schedule'),
      apiUrl: server.url,
      workspace: workspace(SPENT[30]),
      inputs: INPUTS,
    });
    expect(run.commands.filter((c) => c.command === 'error')).toEqual([]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    server.done();
    expect(run.outputs).toMatchObject({ frozen: 'false', tier: 'notify', gate: 'allow' });
    expect(statuses.map((s) => s.state)).toEqual(['success']);
    expect(statuses[0]!.description).toMatch(
      /^Features allowed: no rule blocks feature; in force: checkout-availability in tier notify \(30% spent\)/,
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe('Error budget notice: checkout (notify)');
    expect(issues[0]!.labels).toEqual(['deploy-freeze']);
    expect(issues[0]!.body).toContain(
      '- checkout-availability in tier notify (at least 25% of the error budget spent)',
    );
    expect(run.summary).toContain('Error budget notice issue opened: https://github.com/acme/shop/issues/33');
  });
});
