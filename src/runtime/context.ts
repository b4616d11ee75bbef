/**
 * The workflow run an action is part of, read from the variables GitHub's
 * runner sets. Read once in the entrypoint and passed down as a value.
 */
import { readFileSync } from 'node:fs';
import { ConfigurationError } from './errors.js';

export interface RunContext {
  readonly eventName: string;
  /** The webhook payload that triggered the run (`{}` when there is none). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  readonly ref: string;
  readonly actor: string;
  readonly workflow: string;
  readonly runId: number;
  readonly runAttempt: number;
  readonly serverUrl: string;
  readonly apiUrl: string;
  readonly graphqlUrl: string;
  readonly workspace: string;
}

/** Link to the current run, for reports and pull request bodies. */
export function runUrl(ctx: RunContext): string {
  return `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${ctx.runId}`;
}

/**
 * Reads the run context. A payload file that is named but cannot be read or
 * parsed is a ConfigurationError naming the file.
 */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  let payload: Record<string, unknown> = {};
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    let text: string;
    try {
      text = readFileSync(eventPath, 'utf8');
    } catch (err) {
      throw new ConfigurationError(`cannot read the event payload: ${(err as Error).message}`, { file: eventPath });
    }
    try {
      payload = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigurationError(`the event payload is not JSON: ${(err as Error).message}`, { file: eventPath });
    }
  }
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    runId: Number(env.GITHUB_RUN_ID ?? 0),
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? 1),
    serverUrl,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    graphqlUrl: env.GITHUB_GRAPHQL_URL ?? 'https://api.github.com/graphql',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
  };
}
