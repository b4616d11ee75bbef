/**
 * `bellwether gate posture (--snapshot FILE | --default-branch NAME)
 * [--format text|json|sarif] [--policy FILE]`: the repository posture checks
 * on a JSON snapshot of the repository's settings (see snapshot.ts for its
 * fields), or on what the GitHub port can gather. A field left out is
 * reported as not checked.
 */
import { VERSION } from '../../version.js';
import { ExitCode, type CommandOutput } from '../../cli/output.js';
import { formatFieldPath } from '../../policy/problems.js';
import { readPolicyText } from '../../policy/load.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { ConfigurationError, errorMessage, isConfigurationError } from '../../runtime/errors.js';
import { GitHubError } from '../../github/errors.js';
import type { GitHubPort } from '../../github/port.js';
import { readTextFile } from '../deps/run.js';
import type { FamilyDecision } from '../deps/decision.js';
import { DEFAULT_DEPS_POLICY, parseDepsPolicyText } from '../deps/policy-schema.js';
import { renderJson, renderText } from '../deps/render.js';
import { renderSarif } from '../deps/sarif.js';
import { decidePosture } from './decide.js';
import { gatherPosture } from './gather.js';
import { postureSnapshotSchema, type PostureSnapshot } from './snapshot.js';

export interface PostureGateDeps {
  readonly clock: Clock;
  readonly readText: (path: string) => Promise<string | undefined>;
  /** Used when no snapshot is given: what the port can answer is gathered, the rest reported as not checked. */
  readonly github?: GitHubPort;
}

/** Parses a posture snapshot file. Throws ConfigurationError naming the file and field. */
export function parsePostureSnapshot(text: string, file: string): PostureSnapshot {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`is not JSON: ${(err as Error).message}`, { file });
  }
  const parsed = postureSnapshotSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw ConfigurationError.aggregate(
    parsed.error.issues.slice(0, 20).map((issue) => {
      const path = [...issue.path];
      let message = issue.message;
      if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
        path.push(issue.keys[0]);
        message = `unknown key '${issue.keys[0]}'`;
      }
      const field = formatFieldPath(path);
      return new ConfigurationError(message, { file, ...(field ? { field } : {}) });
    }),
  );
}

export interface PostureGateInputs {
  /** A JSON snapshot; without one, the snapshot is gathered through GitHub. */
  readonly snapshot?: string;
  /** The default branch, needed when gathering through GitHub. */
  readonly defaultBranch?: string;
  readonly policy?: string;
}

/** Reads or gathers the snapshot, reads the policy and decides. Throws ConfigurationError for usage mistakes. */
export async function runPostureGate(inputs: PostureGateInputs, deps: PostureGateDeps): Promise<FamilyDecision> {
  const policy = inputs.policy
    ? parseDepsPolicyText(await readPolicyText(inputs.policy), inputs.policy)
    : DEFAULT_DEPS_POLICY;
  let snapshot: PostureSnapshot;
  if (inputs.snapshot) {
    const text = await deps.readText(inputs.snapshot);
    if (text === undefined) throw new ConfigurationError('no such snapshot file', { file: inputs.snapshot });
    snapshot = parsePostureSnapshot(text, inputs.snapshot);
  } else if (deps.github) {
    if (!inputs.defaultBranch)
      throw new ConfigurationError(
        'give the default branch to check (--default-branch) or a snapshot file (--snapshot)',
      );
    snapshot = await gatherPosture({ defaultBranch: inputs.defaultBranch }, { github: deps.github });
  } else {
    throw new ConfigurationError('give a snapshot file (--snapshot), or run with a GitHub token');
  }
  return decidePosture(snapshot, policy, deps.clock.now());
}

/**
 * The `gate posture` verb. Exit 0 when the posture passes (it always does
 * while the policy's `failOn` is `never`), 1 when it fails, 2 on usage or
 * configuration errors.
 */
export async function gatePostureCommand(
  args: { snapshot?: string; defaultBranch?: string; format: 'text' | 'json' | 'sarif'; policy?: string },
  deps: PostureGateDeps = { clock: systemClock, readText: readTextFile },
): Promise<CommandOutput> {
  if (!['text', 'json', 'sarif'].includes(args.format)) {
    return {
      exitCode: ExitCode.usage,
      stdout: `unknown format '${String(args.format)}': expected text, json or sarif\n`,
    };
  }
  try {
    const decision = await runPostureGate(args, deps);
    const stdout =
      args.format === 'json'
        ? renderJson([decision])
        : args.format === 'sarif'
          ? `${JSON.stringify(renderSarif([decision], { version: VERSION }), null, 2)}\n`
          : renderText([decision]);
    return { exitCode: decision.verdict === 'fail' ? ExitCode.negative : ExitCode.ok, stdout };
  } catch (err) {
    if (err instanceof GitHubError) {
      return {
        exitCode: ExitCode.negative,
        stdout: `the posture checks could not run: ${errorMessage(err)}; they do not pass without it.\n`,
      };
    }
    if (!isConfigurationError(err)) throw err;
    const lines = err.problems.length > 0 ? err.problems.map((p) => p.message) : [err.message];
    return { exitCode: ExitCode.usage, stdout: `${lines.join('\n')}\n` };
  }
}
