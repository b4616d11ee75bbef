import { describe, expect, it } from 'vitest';
import { ConflictError, GitHubError } from '../../src/github/errors.js';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { blobSha } from '../../src/github/fake-repository.js';
import { ManualClock } from '../../src/runtime/clock.js';

describe('InMemoryGitHub', () => {
  it('keeps a history: a fast-forward moves a ref, a rewrite needs force', async () => {
    const gh = new InMemoryGitHub();
    const c1 = gh.seedBranch('main', { 'a.yaml': '1' });
    const c2 = gh.seedBranch('main', { 'a.yaml': '2' });
    await gh.createRef('heads/feature', c1);
    expect(await gh.updateRef('heads/feature', c2)).toEqual({ ref: 'heads/feature', sha: c2 });
    await expect(gh.updateRef('heads/feature', c1)).rejects.toBeInstanceOf(ConflictError);
    expect(await gh.updateRef('heads/feature', c1, { force: true })).toEqual({ ref: 'heads/feature', sha: c1 });
    expect(gh.fileAt('feature', 'a.yaml')).toBe('1');
  });

  it('two writers on the same sha: the second loses, nothing is overwritten', async () => {
    const gh = new InMemoryGitHub();
    gh.seedBranch('main', { 'deploy/api.yaml': 'weight: 5\n' });
    const read = await gh.getContent('deploy/api.yaml', 'main');
    await gh.putContent('deploy/api.yaml', {
      text: 'weight: 25\n',
      message: 'run A',
      branch: 'main',
      expectedSha: read?.sha ?? null,
    });
    await expect(
      gh.putContent('deploy/api.yaml', {
        text: 'weight: 25\n',
        message: 'run B',
        branch: 'main',
        expectedSha: read?.sha ?? null,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(gh.fileAt('main', 'deploy/api.yaml')).toBe('weight: 25\n');
    expect((await gh.getContent('deploy/api.yaml', 'main'))?.sha).toBe(blobSha('weight: 25\n'));
  });

  it('failNext makes the next call of a verb fail, once', async () => {
    const gh = new InMemoryGitHub();
    gh.seedBranch('main');
    gh.failNext('getBranch', new GitHubError('getBranch', 502, 'Server Error'));
    await expect(gh.getBranch('main')).rejects.toThrow(/getBranch failed with 502/);
    expect(await gh.getBranch('main')).toMatchObject({ name: 'main' });
  });

  it('counts calls by the route the REST port would use, and reports the budget', async () => {
    const gh = new InMemoryGitHub(undefined, undefined, 1000);
    gh.seedBranch('main', { a: '1' });
    await gh.getContent('a', 'main');
    await gh.getContent('a', 'main');
    await gh.createIssue({ title: 't', body: 'b', marker: 'x' });
    expect(gh.calls()).toEqual({
      total: 4,
      byRoute: {
        'GET /repos/{owner}/{repo}/contents/{path}': 2,
        'GET /repos/{owner}/{repo}/issues': 1,
        'POST /repos/{owner}/{repo}/issues': 1,
      },
      notModified: 0,
    });
    expect(gh.rateLimit()).toMatchObject({ limit: 1000, remaining: 996, used: 4 });
  });

  it('counts the requests annotations cost, as the REST port sends them', async () => {
    const gh = new InMemoryGitHub();
    const ann = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        path: 'p',
        startLine: i + 1,
        endLine: i + 1,
        level: 'notice' as const,
        message: 'm',
      }));
    const run = await gh.createCheckRun({
      name: 'c',
      headSha: 'abc',
      externalId: 'e',
      status: 'in_progress',
      output: { title: 't', summary: 's', annotations: ann(120) },
    });
    await gh.updateCheckRun(run.id, {
      status: 'completed',
      conclusion: 'neutral',
      output: { title: 't', summary: 's', annotations: ann(60) },
    });
    await gh.updateCheckRun(run.id, { status: 'completed' });
    expect(gh.calls().byRoute).toEqual({
      'POST /repos/{owner}/{repo}/check-runs': 1,
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': 2 + 2 + 1,
      'GET /repos/{owner}/{repo}/check-runs/{check_run_id}': 1,
    });
    expect(gh.allCheckRuns()[0]?.annotationCount).toBe(180);
  });

  it('deployments and their statuses, newest first', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const gh = new InMemoryGitHub(undefined, clock);
    const sha = gh.seedBranch('main');
    const d1 = await gh.createDeployment({ ref: 'main', environment: 'prod', key: 'k1' });
    const d2 = await gh.createDeployment({ ref: 'main', environment: 'prod', key: 'k2', task: 'deploy:canary' });
    await gh.createDeploymentStatus(d2.id, { state: 'in_progress' });
    clock.advance(60_000);
    await gh.createDeploymentStatus(d2.id, { state: 'success', description: 'promoted' });
    expect(d1.sha).toBe(sha);
    expect((await gh.listDeployments({ environment: 'prod' })).map((d) => d.id)).toEqual([d2.id, d1.id]);
    expect((await gh.listDeployments({ task: 'deploy:canary' })).map((d) => d.payload['bellwetherKey'])).toEqual([
      'k2',
    ]);
    const statuses = await gh.listDeploymentStatuses(d2.id);
    expect(statuses.map((s) => [s.state, s.createdAt])).toEqual([
      ['success', '2026-03-01T00:01:00.000Z'],
      ['in_progress', '2026-03-01T00:00:00.000Z'],
    ]);
    await expect(gh.createDeployment({ ref: 'nope', environment: 'prod', key: 'k3' })).rejects.toThrow(/No ref found/);
  });

  it('check runs keep every annotation across updates; commit statuses newest first', async () => {
    const gh = new InMemoryGitHub();
    const run = await gh.createCheckRun({
      name: 'bellwether/gates',
      headSha: 'abc',
      externalId: 'g1',
      status: 'in_progress',
      output: {
        title: 't',
        summary: 's',
        annotations: [{ path: 'a', startLine: 1, endLine: 1, level: 'warning', message: 'm' }],
      },
    });
    await gh.updateCheckRun(run.id, {
      status: 'completed',
      conclusion: 'failure',
      output: {
        title: 'Blocked',
        summary: '2 findings',
        annotations: [{ path: 'b', startLine: 2, endLine: 2, level: 'failure', message: 'n' }],
      },
    });
    expect(gh.allCheckRuns()).toEqual([
      expect.objectContaining({ status: 'completed', conclusion: 'failure', title: 'Blocked', annotationCount: 2 }),
    ]);
    await gh.createCommitStatus('abc', { state: 'pending', context: 'bellwether/freeze' });
    await gh.createCommitStatus('abc', { state: 'failure', context: 'bellwether/freeze' });
    expect(gh.commitStatuses('abc').map((s) => s.state)).toEqual(['failure', 'pending']);
  });

  it('pull requests: reviewers and labels accumulate, auto-merge is remembered, merged ones are not found', async () => {
    const gh = new InMemoryGitHub();
    gh.seedBranch('main');
    gh.seedBranch('promote/api');
    const pr = await gh.createPullRequest({ head: 'promote/api', base: 'main', title: 'Promote', body: '' });
    await gh.requestReviewers(pr.number, { users: ['ana'] });
    await gh.requestReviewers(pr.number, { users: ['ana', 'bo'], teams: ['sre'] });
    await gh.addLabels(pr.number, ['bellwether']);
    await gh.addLabels(pr.number, ['bellwether', 'canary']);
    await gh.enableAutoMerge(pr.nodeId, 'SQUASH');
    expect(gh.reviewersOf(pr.number)).toEqual({ users: ['ana', 'bo'], teams: ['sre'] });
    expect(gh.pullRequests()[0]?.labels).toEqual(['bellwether', 'canary']);
    expect(gh.autoMergeOf(pr.number)).toEqual({ method: 'SQUASH', enabledAt: '2026-01-01T00:00:00.000Z' });
    gh.mergePullRequest(pr.number);
    expect(await gh.findPullRequest('promote/api', 'main')).toBeNull();
    await expect(gh.enableAutoMerge(pr.nodeId, 'SQUASH')).rejects.toThrow(/closed/);
    await expect(gh.createPullRequest({ head: 'missing', base: 'main', title: 'x', body: '' })).rejects.toThrow(
      /missing does not exist/,
    );
  });

  it('sticky comments: one per marker, others untouched', async () => {
    const gh = new InMemoryGitHub();
    const issue = await gh.createIssue({ title: 'Incident', body: 'x', marker: 'incident/1' });
    await gh.upsertComment(issue.number, 'canary/api', 'one');
    await gh.upsertComment(issue.number, 'gates', 'gates');
    await gh.upsertComment(issue.number, 'canary/api', 'two');
    expect(gh.comments(issue.number).map((c) => c.body.split('\n')[0])).toEqual(['two', 'gates']);
    await expect(gh.upsertComment(99, 'canary/api', 'x')).rejects.toThrow(/#99 not found/);
  });

  it('environments and dependency changes are what the test seeded; unseeded comparisons are an error', async () => {
    const gh = new InMemoryGitHub();
    gh.addEnvironment({ name: 'prod', protectionRules: [{ type: 'wait_timer', waitTimerMinutes: 30 }] });
    expect(await gh.getEnvironment('prod')).toEqual({
      name: 'prod',
      protectionRules: [{ type: 'wait_timer', waitTimerMinutes: 30 }],
    });
    expect(await gh.listEnvironments()).toHaveLength(1);
    await expect(gh.compareDependencies('a', 'b')).rejects.toThrow(/no dependency comparison/);
  });
});
