/**
 * A repository on the validated GitHub server: contents per branch with
 * compare-and-swap, refs, deployments and their statuses, check runs, commit
 * statuses, pull requests, labels, issues and comments, answered through
 * GitHub's REST contract. Every request and reply is still validated against
 * GitHub's OpenAPI description by the harness; this only keeps the state.
 */
import { createHash } from 'node:crypto';
import { commentReply, example, fileReply, pullReply, putReply, refReply } from '../github/fixtures.js';
import { GitHubExpectations } from '../helpers/github-server.js';

type Json = Record<string, unknown>;
const NOT_FOUND = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
const blobSha = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');
const commitSha = (n: number) => createHash('sha1').update(`commit ${n}`).digest('hex');

export interface SimulatedRepository {
  readonly gh: GitHubExpectations;
  readonly branches: Map<string, Map<string, string>>;
  readonly deployments: Array<Json & { statuses: Array<{ state: string; description: string; at: string }> }>;
  readonly checkRuns: Array<{ name: string; status: string; conclusion?: string; headSha: string }>;
  readonly commitStatuses: Array<{ sha: string; context: string; state: string }>;
  readonly pulls: Array<{ number: number; head: string; base: string; title: string; body: string; labels: string[] }>;
  readonly issues: Array<{ number: number; title: string; body: string; labels: string[]; comments: string[] }>;
  /** The order of content writes, for "what happened when" assertions. */
  readonly writes: string[];
}

export function simulatedRepository(initial: Record<string, string>, releaseSha: string): SimulatedRepository {
  const branches = new Map<string, Map<string, string>>([['main', new Map(Object.entries(initial))]]);
  const deployments: SimulatedRepository['deployments'] = [];
  const checkRuns: SimulatedRepository['checkRuns'] = [];
  const commitStatuses: SimulatedRepository['commitStatuses'] = [];
  const pulls: SimulatedRepository['pulls'] = [];
  const issues: SimulatedRepository['issues'] = [];
  const writes: string[] = [];
  const labels = new Set<string>();
  let commits = 0;
  let nextNumber = 100;
  const gh = new GitHubExpectations();
  const branchOf = (ref: string | undefined) => branches.get(ref ?? 'main');

  gh.expect('GET /repos/{owner}/{repo}/contents/{path}', {
    times: Infinity,
    reply: (r) => {
      const path = decodeURIComponent(r.params['path'] ?? '');
      const text = branchOf(r.query['ref'])?.get(path);
      return text === undefined ? NOT_FOUND : { status: 200, body: fileReply(path, text, blobSha(text)) };
    },
  });
  gh.expect('PUT /repos/{owner}/{repo}/contents/{path}', {
    times: Infinity,
    reply: (r) => {
      const path = decodeURIComponent(r.params['path'] ?? '');
      const body = r.body as { content: string; sha?: string; branch: string };
      const files = branchOf(body.branch);
      if (!files) return NOT_FOUND;
      const current = files.get(path);
      if (
        (current === undefined) !== (body.sha === undefined) ||
        (current !== undefined && blobSha(current) !== body.sha)
      ) {
        return {
          status: 409,
          body: {
            message: `${path} does not match ${body.sha ?? 'nothing'}`,
            documentation_url: 'https://docs.github.com/rest',
          },
        };
      }
      const text = Buffer.from(body.content, 'base64').toString('utf8');
      files.set(path, text);
      writes.push(`${body.branch}:${path}`);
      return {
        status: current === undefined ? 201 : 200,
        body: putReply(current === undefined ? 201 : 200, blobSha(text), commitSha(++commits)),
      };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', {
    times: Infinity,
    reply: (r) => {
      const ref = decodeURIComponent(r.params['ref'] ?? '');
      const name = ref.replace(/^heads\//, '');
      return branches.has(name)
        ? { status: 200, body: refReply(ref, name === 'main' ? releaseSha : commitSha(1000 + name.length)) }
        : NOT_FOUND;
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/git/refs', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { ref: string; sha: string };
      const name = body.ref.replace(/^refs\/heads\//, '');
      branches.set(name, new Map(branches.get('main')));
      return {
        status: 201,
        body: refReply(body.ref.replace(/^refs\//, ''), body.sha, 'POST /repos/{owner}/{repo}/git/refs', 201),
      };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/deployments', {
    times: Infinity,
    reply: (r) => ({
      status: 200,
      body: deployments
        .filter(
          (d) =>
            (!r.query['environment'] || d['environment'] === r.query['environment']) &&
            (!r.query['task'] || d['task'] === r.query['task']),
        )
        .map(({ statuses: _s, ...d }) => d),
    }),
  });
  gh.expect('POST /repos/{owner}/{repo}/deployments', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { environment: string; payload: Json; task: string; description: string; ref: string };
      // GitHub stamps its own (real) time on deployments and statuses.
      const d = example('POST /repos/{owner}/{repo}/deployments', 201, {
        id: deployments.length + 1,
        environment: body.environment,
        payload: body.payload,
        task: body.task,
        description: body.description,
        ref: body.ref,
        sha: releaseSha,
        created_at: new Date().toISOString(),
      });
      deployments.unshift({ ...d, statuses: [] });
      return { status: 201, body: d };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    times: Infinity,
    reply: (r) => {
      const d = deployments.find((x) => String(x['id']) === r.params['deployment_id']);
      return {
        status: 200,
        body: (d?.statuses ?? [])
          .map((s) =>
            example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
              state: s.state,
              description: s.description,
              created_at: s.at,
            }),
          )
          .reverse(),
      };
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { state: string; description: string };
      deployments
        .find((x) => String(x['id']) === r.params['deployment_id'])
        ?.statuses.push({ state: body.state, description: body.description, at: new Date().toISOString() });
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
          state: body.state,
          description: body.description,
        }),
      };
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/check-runs', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { name: string; status: string; conclusion?: string; head_sha: string };
      checkRuns.push({
        name: body.name,
        status: body.status,
        headSha: body.head_sha,
        ...(body.conclusion ? { conclusion: body.conclusion } : {}),
      });
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/check-runs', 201, {
          id: checkRuns.length,
          name: body.name,
          status: body.status,
        }),
      };
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { context: string; state: string };
      commitStatuses.push({ sha: r.params['sha'] ?? '', context: body.context, state: body.state });
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201, { context: body.context, state: body.state }),
      };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/pulls', {
    times: Infinity,
    reply: (r) => {
      const head = String(r.query['head'] ?? '')
        .split(':')
        .pop();
      return {
        status: 200,
        body: pulls
          .filter((p) => p.head === head && (!r.query['base'] || p.base === r.query['base']))
          .map((p) =>
            pullReply('GET /repos/{owner}/{repo}/pulls', 200, {
              number: p.number,
              title: p.title,
              body: p.body,
              head: p.head,
              base: p.base,
              state: 'open',
            }),
          ),
      };
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/pulls', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { head: string; base: string; title: string; body: string };
      const p = {
        number: nextNumber++,
        head: body.head,
        base: body.base,
        title: body.title,
        body: body.body,
        labels: [] as string[],
      };
      pulls.push(p);
      return {
        status: 201,
        body: pullReply('POST /repos/{owner}/{repo}/pulls', 201, {
          number: p.number,
          title: p.title,
          body: p.body,
          head: p.head,
          base: p.base,
          state: 'open',
        }),
      };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/labels/{name}', {
    times: Infinity,
    reply: (r) =>
      labels.has(decodeURIComponent(r.params['name'] ?? ''))
        ? { status: 200, body: example('GET /repos/{owner}/{repo}/labels/{name}', 200, { name: r.params['name'] }) }
        : NOT_FOUND,
  });
  gh.expect('POST /repos/{owner}/{repo}/labels', {
    times: Infinity,
    reply: (r) => {
      const name = (r.body as { name: string }).name;
      labels.add(name);
      return { status: 201, body: example('POST /repos/{owner}/{repo}/labels', 201, { name }) };
    },
  });
  gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
    times: Infinity,
    reply: (r) => {
      const added = (r.body as { labels: string[] }).labels;
      const n = Number(r.params['issue_number']);
      const target = pulls.find((p) => p.number === n) ?? issues.find((i) => i.number === n);
      target?.labels.push(...added);
      return {
        status: 200,
        body: added.map((name) => example('GET /repos/{owner}/{repo}/labels/{name}', 200, { name })),
      };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/issues', {
    times: Infinity,
    reply: () => ({
      status: 200,
      body: issues.map((i) => {
        const { pull_request: _pr, ...plain } = example('POST /repos/{owner}/{repo}/issues', 201, {
          number: i.number,
          title: i.title,
          body: i.body,
          state: 'open',
        });
        return plain;
      }),
    }),
  });
  gh.expect('POST /repos/{owner}/{repo}/issues', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { title: string; body: string; labels?: string[] };
      const i = {
        number: nextNumber++,
        title: body.title,
        body: body.body,
        labels: body.labels ?? [],
        comments: [] as string[],
      };
      issues.push(i);
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/issues', 201, {
          number: i.number,
          title: i.title,
          body: i.body,
          html_url: `https://github.com/acme/shop/issues/${i.number}`,
        }),
      };
    },
  });
  gh.expect('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    times: Infinity,
    reply: (r) => {
      const i = issues.find((x) => x.number === Number(r.params['issue_number']));
      if (!i) return NOT_FOUND;
      const body = r.body as { title?: string; body?: string };
      if (body.title !== undefined) i.title = body.title;
      if (body.body !== undefined) i.body = body.body;
      return {
        status: 200,
        body: example('POST /repos/{owner}/{repo}/issues', 201, {
          number: i.number,
          title: i.title,
          body: i.body,
          html_url: `https://github.com/acme/shop/issues/${i.number}`,
        }),
      };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    times: Infinity,
    reply: { status: 200, body: [] },
  });
  gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    times: Infinity,
    reply: (r) => {
      const text = (r.body as { body: string }).body;
      issues.find((i) => i.number === Number(r.params['issue_number']))?.comments.push(text);
      return {
        status: 201,
        body: commentReply('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 201, 1, text),
      };
    },
  });
  return { gh, branches, deployments, checkRuns, commitStatuses, pulls, issues, writes };
}
