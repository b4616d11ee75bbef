/**
 * A small world of action repositories, answered by the validated GitHub
 * harness (nock in process, or the local server for the CLI as a process):
 *
 * - good/setup: `main` and `v1.0.0` at GOOD; a SHA pin with its tag comment passes.
 * - evil/tool: `main` at MAIN, `v2.0.0` at TAGGED; the workflow pins STRAY, which
 *   GitHub compares as diverged from both: an impostor, and its comment lies.
 * - old/lint: archived, with an advisory for `< 3.1.0`; the workflow uses v3.0.1.
 */
import type { GitHubExpectations } from '../helpers/github-expectations.js';
import { example, exampleItem } from '../github/fixtures.js';

export const GOOD = '1111111111111111111111111111111111111111';
export const MAIN = '2222222222222222222222222222222222222222';
export const TAGGED = '3333333333333333333333333333333333333333';
export const STRAY = '4444444444444444444444444444444444444444';

export const WORKFLOW = `name: ci
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: good/setup@${GOOD} # v1.0.0
      - uses: evil/tool@${STRAY} # v2.0.0
      - uses: old/lint@v3.0.1
      - uses: good/setup@${GOOD} # v1.0.0
      - uses: ./local-action
      - run: echo done
`;

const REPO = 'GET /repos/{owner}/{repo}';
const BRANCHES = 'GET /repos/{owner}/{repo}/branches';
const TAGS = 'GET /repos/{owner}/{repo}/tags';
const COMPARE = 'GET /repos/{owner}/{repo}/compare/{basehead}';
const ADVISORIES = 'GET /advisories';

/** GitHub's example repository, completed where the example lags its own schema, without the fork's parent and source. */
export const repo = (owner: string, name: string, archived = false) => {
  const {
    source: _source,
    parent: _parent,
    template_repository: _template,
    ...r
  } = example(REPO, 200, { name, full_name: `${owner}/${name}`, archived, default_branch: 'main' });
  return { ...r, language: null };
};
const branch = (name: string, at: string) => {
  const { protection: _protection, ...b } = exampleItem(BRANCHES);
  return { ...b, name, commit: { ...(b['commit'] as Record<string, unknown>), sha: at } };
};
const tag = (name: string, at: string) => {
  const t = exampleItem(TAGS);
  return { ...t, name, commit: { ...(t['commit'] as Record<string, unknown>), sha: at } };
};
const advisory = (pkg: string, range: string, patched: string) => {
  const { id: _id, epss: _epss, ...a } = exampleItem(ADVISORIES);
  const v = ((a['vulnerabilities'] as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
  return {
    ...a,
    ghsa_id: 'GHSA-abcd-efgh-ijkl',
    summary: 'lint runs code from the pull request',
    severity: 'high',
    html_url: 'https://github.com/advisories/GHSA-abcd-efgh-ijkl',
    vulnerabilities: [
      {
        ...v,
        package: { ecosystem: 'actions', name: pkg },
        vulnerable_version_range: range,
        first_patched_version: patched,
      },
    ],
  };
};
const compare = (status: string) => example(COMPARE, 200, { status });

/** Expects exactly the requests the audits need for WORKFLOW: each answered once (a repeat would be a cache miss). */
export function expectActionWorld(gh: GitHubExpectations): GitHubExpectations {
  return gh
    .expect(REPO, { params: { owner: 'good', repo: 'setup' }, reply: { status: 200, body: repo('good', 'setup') } })
    .expect(BRANCHES, {
      params: { owner: 'good', repo: 'setup' },
      reply: { status: 200, body: [branch('main', GOOD)] },
    })
    .expect(TAGS, { params: { owner: 'good', repo: 'setup' }, reply: { status: 200, body: [tag('v1.0.0', GOOD)] } })
    .expect(ADVISORIES, { query: { ecosystem: 'actions', affects: 'good/setup' }, reply: { status: 200, body: [] } })
    .expect(REPO, { params: { owner: 'evil', repo: 'tool' }, reply: { status: 200, body: repo('evil', 'tool') } })
    .expect(BRANCHES, { params: { owner: 'evil', repo: 'tool' }, reply: { status: 200, body: [branch('main', MAIN)] } })
    .expect(TAGS, { params: { owner: 'evil', repo: 'tool' }, reply: { status: 200, body: [tag('v2.0.0', TAGGED)] } })
    .expect(COMPARE, {
      params: { owner: 'evil', repo: 'tool', basehead: `main...${STRAY}` },
      reply: { status: 200, body: compare('diverged') },
    })
    .expect(COMPARE, {
      params: { owner: 'evil', repo: 'tool', basehead: `v2.0.0...${STRAY}` },
      reply: { status: 200, body: compare('diverged') },
    })
    .expect(ADVISORIES, { query: { ecosystem: 'actions', affects: 'evil/tool' }, reply: { status: 200, body: [] } })
    .expect(REPO, { params: { owner: 'old', repo: 'lint' }, reply: { status: 200, body: repo('old', 'lint', true) } })
    .expect(ADVISORIES, {
      query: { ecosystem: 'actions', affects: 'old/lint' },
      reply: { status: 200, body: [advisory('old/lint', '< 3.1.0', '3.1.0')] },
    });
}

/** Requests WORKFLOW costs. */
export const WORLD_CALLS = 12;

/** vuln/act: `main` at MAIN, `v1.2.0` at GOOD, one advisory for `< 1.3.0`. */
export function expectVulnerable(gh: GitHubExpectations): GitHubExpectations {
  return gh
    .expect(REPO, { params: { owner: 'vuln', repo: 'act' }, reply: { status: 200, body: repo('vuln', 'act') } })
    .expect(BRANCHES, { params: { owner: 'vuln', repo: 'act' }, reply: { status: 200, body: [branch('main', MAIN)] } })
    .expect(TAGS, { params: { owner: 'vuln', repo: 'act' }, reply: { status: 200, body: [tag('v1.2.0', GOOD)] } })
    .expect(ADVISORIES, {
      query: { ecosystem: 'actions', affects: 'vuln/act' },
      reply: { status: 200, body: [advisory('vuln/act', '< 1.3.0', '1.3.0')] },
    });
}
