/**
 * A posture snapshot from what the GitHub port can answer today: whether the
 * default branch is protected, the environments and their rules, and which
 * of CODEOWNERS, SECURITY.md and dependabot.yml exist at a ref. The port has
 * no verbs yet for the details of branch protection, rulesets or the
 * workflow token's defaults; those are left out (so their checks say they
 * could not run) unless the caller passes them in `known`.
 */
import type { GitHubPort } from '../../github/port.js';
import type { PostureSnapshot } from './snapshot.js';

const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];
const SECURITY_PATHS = ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md'];
const DEPENDABOT_PATHS = ['.github/dependabot.yml', '.github/dependabot.yaml'];

async function firstPresent(
  github: GitHubPort,
  paths: readonly string[],
  ref: string,
): Promise<{ path: string; text: string } | null> {
  for (const path of paths) {
    const file = await github.getContent(path, ref);
    if (file) return { path, text: file.text };
  }
  return null;
}

export interface GatherInputs {
  readonly defaultBranch: string;
  /** Where files are looked for; the default branch unless told. */
  readonly ref?: string;
  /** Parts of the snapshot the caller already knows (branch protection details, changed files). */
  readonly known?: Partial<PostureSnapshot>;
}

/** Reads what the port can answer and merges it under what the caller knows. */
export async function gatherPosture(
  inputs: GatherInputs,
  deps: { readonly github: GitHubPort },
): Promise<PostureSnapshot> {
  const { github } = deps;
  const ref = inputs.ref ?? inputs.defaultBranch;
  const branch = await github.getBranch(inputs.defaultBranch);
  const environments = await github.listEnvironments();
  const codeowners = await firstPresent(github, CODEOWNERS_PATHS, ref);
  const security = await firstPresent(github, SECURITY_PATHS, ref);
  const dependabot = await firstPresent(github, DEPENDABOT_PATHS, ref);
  const gathered: PostureSnapshot = {
    defaultBranch: inputs.defaultBranch,
    // An unprotected branch is known to be unprotected; a protected one's details need a verb the port lacks.
    ...(branch && !branch.protected ? { branchProtection: null } : {}),
    environments: environments.map((e) => ({
      name: e.name,
      protectionRules: e.protectionRules.map((r) => ({
        type: r.type,
        ...(r.waitTimerMinutes !== undefined ? { waitTimerMinutes: r.waitTimerMinutes } : {}),
        ...(r.reviewers ? { reviewers: [...r.reviewers] } : {}),
      })),
    })),
    files: {
      codeowners: codeowners?.path ?? null,
      securityPolicy: security?.path ?? null,
      dependabot: dependabot?.path ?? null,
    },
    ...(codeowners ? { codeownersText: codeowners.text } : {}),
  };
  return { ...gathered, ...inputs.known, files: { ...gathered.files, ...inputs.known?.files } };
}
