/**
 * A repository of release manifests for the waves action's tests, answered
 * over GitHub's REST contract (validated by the harness), compare-and-swap on
 * every path, with the comments the action keeps.
 */
import { createHash } from 'node:crypto';
import { commentReply, fileReply, putReply } from '../github/fixtures.js';
import { GitHubExpectations } from '../helpers/github-server.js';

export const ROLLOUT = 'deploy/checkout/production/rollout.yaml';
export const manifestFile = (region: string) => `deploy/checkout/production/${region}.yaml`;
export const manifestText = (region: string) =>
  `service: checkout\nenvironment: production\nregion: ${region}\nstable:\n  version: 1.41.0\ncanary:\n  version: null\n  weight: 0\n`;
const blobSha = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');

/** A repository's contents, answered over GitHub's REST contract (validated by the harness), compare-and-swap on every path. */
export function repository() {
  const files = new Map<string, string>(
    ['us-east-1', 'eu-west-1', 'ap-southeast-1'].map((r) => [manifestFile(r), manifestText(r)]),
  );
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
      return {
        status: current === undefined ? 201 : 200,
        body: putReply(current === undefined ? 201 : 200, blobSha(text), 'c'.repeat(40)),
      };
    },
  });
  const comments: Array<{ issue: number; body: string }> = [];
  gh.expect('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    times: Infinity,
    reply: { status: 200, body: [] },
  });
  gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    times: Infinity,
    reply: (r) => {
      const body = (r.body as { body: string }).body;
      comments.push({ issue: Number(r.params['issue_number']), body });
      return {
        status: 201,
        body: commentReply('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 201, 7, body),
      };
    },
  });
  return { gh, files, comments };
}
