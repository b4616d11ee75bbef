/**
 * The repository posture checks' run: on a JSON snapshot of the
 * repository's settings (see snapshot.ts for its fields), or on what the
 * GitHub port can gather. A field left out is reported as not checked. It
 * returns the decision; the `gate posture` verb (src/cli/gate-command.ts)
 * renders it.
 */
import { formatFieldPath } from '../../policy/problems.js';
import { readPolicyText } from '../../policy/load.js';
import { ConfigurationError } from '../../runtime/errors.js';
import type { FamilyDecision } from '../deps/decision.js';
import { DEFAULT_DEPS_POLICY, parseDepsPolicyText } from '../deps/policy-schema.js';
import { decidePosture } from './decide.js';
import { gatherPosture } from './gather.js';
import { postureSnapshotSchema, type PostureSnapshot } from './snapshot.js';
import type { Deps } from '../../deps/deps.js';

export interface PostureGateDeps extends Pick<Deps, 'clock' | 'files'> {
  readonly readText: (path: string) => Promise<string | undefined>;
  /** Used when no snapshot is given: what the port can answer is gathered, the rest reported as not checked. */
  readonly github?: Deps['github'];
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
    ? parseDepsPolicyText(await readPolicyText(inputs.policy, deps.files), inputs.policy)
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
