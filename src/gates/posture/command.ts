/**
 * `bellwether gate posture --snapshot FILE [--format text|json|sarif]
 * [--policy FILE]`: the repository posture checks on a JSON snapshot of the
 * repository's settings (see snapshot.ts for its fields; a field left out is
 * reported as not checked).
 */
import packageJson from '../../../package.json' with { type: 'json' };
import { ExitCode, type CommandOutput } from '../../cli/output.js';
import { formatFieldPath } from '../../policy/problems.js';
import { readPolicyText } from '../../policy/load.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { ConfigurationError, isConfigurationError } from '../../runtime/errors.js';
import { readTextFile } from '../deps/command.js';
import type { FamilyDecision } from '../deps/decision.js';
import { DEFAULT_DEPS_POLICY, parseDepsPolicyText } from '../deps/policy-schema.js';
import { renderJson, renderText } from '../deps/render.js';
import { renderSarif } from '../deps/sarif.js';
import { decidePosture } from './decide.js';
import { postureSnapshotSchema, type PostureSnapshot } from './snapshot.js';

export interface PostureGateDeps {
  readonly clock: Clock;
  readonly readText: (path: string) => Promise<string | undefined>;
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

/** Reads the snapshot and policy and decides. Throws ConfigurationError for usage mistakes. */
export async function runPostureGate(inputs: { readonly snapshot: string; readonly policy?: string }, deps: PostureGateDeps): Promise<FamilyDecision> {
  const policy = inputs.policy ? parseDepsPolicyText(await readPolicyText(inputs.policy), inputs.policy) : DEFAULT_DEPS_POLICY;
  const text = await deps.readText(inputs.snapshot);
  if (text === undefined) throw new ConfigurationError('no such snapshot file', { file: inputs.snapshot });
  return decidePosture(parsePostureSnapshot(text, inputs.snapshot), policy, deps.clock.now());
}

/**
 * The `gate posture` verb. Exit 0 when the posture passes (it always does
 * while the policy's `failOn` is `never`), 1 when it fails, 2 on usage or
 * configuration errors.
 */
export async function gatePostureCommand(
  args: { snapshot: string; format: 'text' | 'json' | 'sarif'; policy?: string },
  deps: PostureGateDeps = { clock: systemClock, readText: readTextFile },
): Promise<CommandOutput> {
  if (!['text', 'json', 'sarif'].includes(args.format)) {
    return { exitCode: ExitCode.usage, stdout: `unknown format '${String(args.format)}': expected text, json or sarif\n` };
  }
  try {
    const decision = await runPostureGate(args, deps);
    const stdout =
      args.format === 'json' ? renderJson([decision]) : args.format === 'sarif' ? `${JSON.stringify(renderSarif([decision], { version: packageJson.version }), null, 2)}\n` : renderText([decision]);
    return { exitCode: decision.verdict === 'fail' ? ExitCode.negative : ExitCode.ok, stdout };
  } catch (err) {
    if (!isConfigurationError(err)) throw err;
    const lines = err.problems.length > 0 ? err.problems.map((p) => p.message) : [err.message];
    return { exitCode: ExitCode.usage, stdout: `${lines.join('\n')}\n` };
  }
}
