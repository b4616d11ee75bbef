/**
 * The catalog of workflow audit rules: what each one means, how to fix what it
 * finds, and what zizmor and actionlint call the same check.
 */
import { fingerprintAll, type Equivalents, type Finding, type RawFinding, type Severity } from '../core/finding.js';

/** A rule's fixed description. Severity of each finding is decided by the audit. */
export interface Rule {
  readonly id: string;
  readonly title: string;
  /** The highest severity the rule reports without policy overrides. */
  readonly severity: Severity;
  readonly fix: string;
  readonly equivalents: Equivalents;
}

const list: Rule[] = [
  {
    id: 'template-injection',
    title: 'Attacker-controlled expression expanded into code',
    severity: 'critical',
    fix: 'Pass the value through an environment variable (env: TITLE: ${{ ... }}) and use "$TITLE" in the script, quoted.',
    equivalents: { zizmor: 'template-injection', actionlint: 'expression' },
  },
  {
    id: 'untrusted-checkout',
    title: 'Privileged trigger checks out and runs pull request code',
    severity: 'high',
    fix: 'Run untrusted code under the unprivileged `pull_request` trigger; if results are needed in a privileged workflow, pass them as data through an artifact and never execute it.',
    equivalents: { zizmor: 'dangerous-triggers' },
  },
  {
    id: 'privileged-trigger',
    title: 'Workflow uses a privileged trigger',
    severity: 'low',
    fix: 'Prefer `pull_request`; when `pull_request_target` or `workflow_run` is needed, keep permissions minimal and never check out or execute the head of the pull request.',
    equivalents: { zizmor: 'dangerous-triggers' },
  },
  {
    id: 'artifact-poisoning',
    title: 'Artifact from a triggering run used by a privileged workflow',
    severity: 'high',
    fix: 'Download artifacts into a directory outside the workspace (for example ${{ runner.temp }}/artifacts), treat their content as untrusted data and never execute it.',
    equivalents: {},
  },
  {
    id: 'github-env',
    title: 'Untrusted data written to GITHUB_ENV, GITHUB_PATH or GITHUB_OUTPUT',
    severity: 'high',
    fix: 'Do not let untrusted data choose environment variables or PATH entries of later steps; validate it against a strict pattern first, or pass it as a step output read by code that treats it as data.',
    equivalents: { zizmor: 'github-env' },
  },
  {
    id: 'spoofable-actor',
    title: 'Condition trusts github.actor, which anyone can influence',
    severity: 'high',
    fix: 'Check the pull request author instead (github.event.pull_request.user.login), which a third party cannot take over by re-triggering the run.',
    equivalents: { zizmor: 'bot-conditions' },
  },
  {
    id: 'always-true-condition',
    title: 'Condition is always true',
    severity: 'high',
    fix: 'Write the whole condition inside one ${{ }} (or without it), and do not use a block scalar with a trailing newline for `if:`.',
    equivalents: { zizmor: 'unsound-condition', actionlint: 'if-cond' },
  },
  {
    id: 'unsound-contains',
    title: 'contains() tests a substring of a string, not membership of a list',
    severity: 'high',
    fix: 'Match against a list: contains(fromJSON(\'["refs/heads/main", "refs/heads/dev"]\'), github.ref), or compare with == for each value.',
    equivalents: { zizmor: 'unsound-contains' },
  },
  {
    id: 'permissions-undeclared',
    title: 'No permissions declared',
    severity: 'medium',
    fix: 'Add `permissions: {}` (or `contents: read`) at the top of the workflow and grant what each job needs at the job level.',
    equivalents: { zizmor: 'excessive-permissions' },
  },
  {
    id: 'permissions-write-all',
    title: 'permissions: write-all',
    severity: 'high',
    fix: 'List the scopes the job needs, each at the least level (read where possible).',
    equivalents: { zizmor: 'excessive-permissions' },
  },
  {
    id: 'permissions-read-all',
    title: 'permissions: read-all',
    severity: 'medium',
    fix: 'List the scopes the job reads (contents: read is often all it needs) instead of read-all.',
    equivalents: { zizmor: 'excessive-permissions' },
  },
  {
    id: 'permissions-broad-write',
    title: 'Write permissions granted to every job of the workflow',
    severity: 'high',
    fix: 'Move write scopes from the workflow level to the jobs that need them.',
    equivalents: { zizmor: 'excessive-permissions' },
  },
  {
    id: 'secrets-inherit',
    title: 'Reusable workflow receives every secret',
    severity: 'medium',
    fix: 'Pass only the secrets the called workflow needs, by name, under `secrets:`.',
    equivalents: { zizmor: 'secrets-inherit' },
  },
  {
    id: 'secrets-tojson',
    title: 'All secrets serialized with toJSON(secrets)',
    severity: 'medium',
    fix: 'Reference each secret by name (secrets.NAME) so that only the ones needed are exposed.',
    equivalents: { zizmor: 'overprovisioned-secrets' },
  },
  {
    id: 'unredacted-secrets',
    title: 'Part of a JSON secret used, which logs do not mask',
    severity: 'medium',
    fix: 'Store each value the workflow needs as its own secret and reference it by name.',
    equivalents: { zizmor: 'unredacted-secrets' },
  },
  {
    id: 'container-credentials',
    title: 'Container registry password written in the workflow',
    severity: 'high',
    fix: 'Store the password as a secret and reference it with ${{ secrets.NAME }}.',
    equivalents: { zizmor: 'hardcoded-container-credentials', actionlint: 'credentials' },
  },
  {
    id: 'checkout-persist-credentials',
    title: 'actions/checkout keeps the token in .git/config',
    severity: 'medium',
    fix: 'Set `persist-credentials: false` on actions/checkout unless a later step pushes with git.',
    equivalents: { zizmor: 'artipacked' },
  },
  {
    id: 'unpinned-uses',
    title: 'Action not pinned as the policy requires',
    severity: 'high',
    fix: 'Pin the action to a full 40-character commit SHA and keep the tag in a comment: uses: owner/repo@<sha> # v1.2.3',
    equivalents: { zizmor: 'unpinned-uses' },
  },
  {
    id: 'self-repository',
    title: 'Action of this repository taken from the workspace',
    severity: 'low',
    fix: "Write uses: $/path instead of ./path: GitHub then runs the action or reusable workflow from this repository at the run's commit, whatever earlier steps put in the workspace.",
    equivalents: { zizmor: 'self-repository' },
  },
  {
    id: 'version-comment-mismatch',
    title: 'Version comment does not match the reference',
    severity: 'low',
    fix: 'Make the comment name the tag the SHA was taken from (for example # v4.2.1), or update the reference.',
    equivalents: { zizmor: 'ref-version-mismatch' },
  },
  {
    id: 'impostor-commit',
    title: 'Action pinned to a commit that no branch or tag of its repository contains',
    severity: 'critical',
    fix: "Pin to a commit from the action's own history: take the SHA of the release tag (git ls-remote https://github.com/owner/repo refs/tags/v1.2.3) rather than one seen in a pull request or a fork.",
    equivalents: { zizmor: 'impostor-commit' },
  },
  {
    id: 'ref-version-mismatch',
    title: 'Version comment names a tag that points at another commit',
    severity: 'medium',
    fix: 'Take the SHA the commented tag points at, or correct the comment to the tag of the pinned commit; tools that update pins (Dependabot, Renovate) read the comment.',
    equivalents: { zizmor: 'ref-version-mismatch' },
  },
  {
    id: 'archived-uses',
    title: "Action's repository is archived",
    severity: 'medium',
    fix: 'Move to a maintained action (or a fork you maintain): an archived repository gets no security fixes.',
    equivalents: { zizmor: 'archived-uses' },
  },
  {
    id: 'known-vulnerable-actions',
    title: 'Action version affected by a GitHub security advisory',
    severity: 'critical',
    fix: 'Update the action to the first patched version the advisory names (and pin that release by SHA with its tag in a comment).',
    equivalents: { zizmor: 'known-vulnerable-actions' },
  },
  {
    id: 'unpinned-image',
    title: 'Container image not pinned by digest',
    severity: 'medium',
    fix: 'Reference the image by digest: image: name:tag@sha256:<digest>.',
    equivalents: { zizmor: 'unpinned-images' },
  },
  {
    id: 'typosquat-uses',
    title: 'Action owner imitates a well-known one',
    severity: 'high',
    fix: 'Check the owner name letter by letter against the action you meant (actions/, docker/, ...) and correct it.',
    equivalents: { zizmor: 'typosquat-uses' },
  },
  {
    id: 'github-app-token',
    title: 'GitHub App token broader or longer-lived than the job',
    severity: 'high',
    fix: 'Leave skip-token-revoke unset so the token is revoked when the job ends; when naming an owner, list the repositories the token is for and only the permission-* it needs.',
    equivalents: { zizmor: 'github-app' },
  },
  {
    id: 'misfeature',
    title: 'Feature of GitHub Actions that is brittle or unsafe by design',
    severity: 'low',
    fix: 'Use pwsh or bash instead of cmd; install Python packages in a step of their own from a locked requirements file instead of setup-python pip-install.',
    equivalents: { zizmor: 'misfeature' },
  },
  {
    id: 'forbidden-uses',
    title: 'Action from an owner outside the allow list',
    severity: 'high',
    fix: 'Use an allowed action, or add the owner to the allow list of the gates policy after review.',
    equivalents: { zizmor: 'forbidden-uses' },
  },
  {
    id: 'curl-pipe-shell',
    title: 'Script downloaded and executed without verification',
    severity: 'medium',
    fix: 'Download to a file, verify its checksum or signature, then run it; or use a pinned action or package.',
    equivalents: {},
  },
  {
    id: 'unpinned-tool-install',
    title: 'Tool installed without a pinned version',
    severity: 'medium',
    fix: 'Pin the version (pkg@1.2.3, pkg==1.2.3, -v 1.2.3, or the version input of a setup action) so that a new release cannot change the build.',
    equivalents: { zizmor: 'unpinned-tools' },
  },
  {
    id: 'adhoc-packages',
    title: 'Packages installed by name in a script, outside a lockfile',
    severity: 'low',
    fix: 'Add the package to a manifest (package.json, Gemfile, requirements.txt with hashes), commit its lockfile and install from it (npm ci, bundle install, pip install --require-hashes -r); pin distro packages (pkg=1.2.3-1).',
    equivalents: { zizmor: 'adhoc-packages' },
  },
  {
    id: 'insecure-url-scheme',
    title: 'Code or data fetched over http://, git:// or ftp://',
    severity: 'high',
    fix: 'Use https:// (or ssh:// for git) so that what is fetched is encrypted and checked on the way.',
    equivalents: { zizmor: 'insecure-url-scheme' },
  },
  {
    id: 'use-trusted-publishing',
    title: 'Package published with a long-lived token where the registry offers trusted publishing',
    severity: 'low',
    fix: 'Configure a trusted publisher for this repository and workflow on the registry (PyPI, npm, crates.io, RubyGems, nuget.org), grant the job id-token: write and drop the stored token (pypa/gh-action-pypi-publish without password, rubygems/release-gem, rust-lang/crates-io-auth-action, npm publish with id-token, NuGet/login).',
    equivalents: { zizmor: 'use-trusted-publishing' },
  },
  {
    id: 'obfuscation',
    title: 'uses: path or expression written to hide what it does',
    severity: 'low',
    fix: "Write the plain form: the action's path without empty, '.' or '..' segments, the constant instead of the expression that always yields it, and a literal member name instead of one computed at run time.",
    equivalents: { zizmor: 'obfuscation' },
  },
  {
    id: 'unsound-ternary',
    title: 'cond && X || Y where X is falsy, so it is always Y',
    severity: 'low',
    fix: "Write case(cond, X, Y), or swap the arms so that the value after && cannot be '', 0, false or null (!cond && Y || X).",
    equivalents: { zizmor: 'unsound-ternary' },
  },
  {
    id: 'deprecated-command',
    title: 'Deprecated or insecure workflow command',
    severity: 'medium',
    fix: 'Write to the $GITHUB_OUTPUT, $GITHUB_STATE, $GITHUB_ENV or $GITHUB_PATH files instead of echo ::command::, and remove ACTIONS_ALLOW_UNSECURE_COMMANDS.',
    equivalents: { zizmor: 'insecure-commands', actionlint: 'deprecated-commands' },
  },
  {
    id: 'cache-in-release',
    title: 'Cache restored where artifacts are published',
    severity: 'medium',
    fix: "Do not restore caches in workflows that build releases (release events, tag pushes, release branches) or in jobs that publish; turn the action's cache off there (cache: false, lookup-only: true, ...), since a poisoned entry from another branch ends up in what is published.",
    equivalents: { zizmor: 'cache-poisoning' },
  },
  {
    id: 'self-hosted-fork',
    title: 'Self-hosted runner reachable from fork pull requests',
    severity: 'high',
    fix: 'Run pull request jobs on GitHub-hosted runners, or use ephemeral, isolated self-hosted runners with fork approval required.',
    equivalents: { zizmor: 'self-hosted-runner', actionlint: 'runner-label' },
  },
  {
    id: 'dependabot-execution',
    title: 'Dependabot allowed to run external code',
    severity: 'high',
    fix: 'Remove `insecure-external-code-execution: allow`.',
    equivalents: { zizmor: 'dependabot-execution' },
  },
  {
    id: 'dependabot-cooldown',
    title: 'Dependabot proposes releases the day they are published',
    severity: 'medium',
    fix: 'Add `cooldown: { default-days: 7 }` (or more) to each update block, so a compromised release has time to be found and pulled before it is proposed.',
    equivalents: { zizmor: 'dependabot-cooldown' },
  },
  {
    id: 'invalid-workflow',
    title: 'Workflow is not valid',
    severity: 'high',
    fix: 'Fix the key or value named in the message; GitHub does not run a workflow that fails validation.',
    equivalents: { actionlint: 'syntax-check' },
  },
  {
    id: 'malformed-expression',
    title: 'Expression does not parse',
    severity: 'high',
    fix: 'Fix the expression syntax; GitHub rejects the workflow when an expression is malformed.',
    equivalents: { actionlint: 'expression' },
  },
  {
    id: 'yaml-syntax',
    title: 'File is not valid YAML or not readable',
    severity: 'high',
    fix: 'Fix the YAML syntax at the position named, or remove the file if it is not a workflow.',
    equivalents: { actionlint: 'syntax-check' },
  },
  {
    id: 'yaml-anchors',
    title: 'YAML anchors and aliases',
    severity: 'info',
    fix: 'Write the repeated configuration out, or make sure reviewers expand the aliases; values reached through an alias are audited where the anchor defines them.',
    equivalents: {},
  },
  {
    id: 'waiver-expired',
    title: 'Waiver past its expiry (reported; never blocks on its own)',
    severity: 'medium',
    fix: 'Fix the finding the waiver covered, or renew the waiver with a new expiry and reason.',
    equivalents: {},
  },
  {
    id: 'ignore-without-reason',
    title: 'Inline ignore without a reason',
    severity: 'low',
    fix: 'Write the reason after the rule list: # bellwether: ignore[rule-id] why this is safe',
    equivalents: {},
  },
];

/** Rules by id. */
export const RULES: ReadonlyMap<string, Rule> = new Map(list.map((r) => [r.id, r]));

/** The rule with this id; throws for ids that are not in the catalog (a bug). */
export function rule(id: string): Rule {
  const r = RULES.get(id);
  if (!r) throw new Error(`unknown rule id ${id}`);
  return r;
}

/** Findings of one file from raw findings: rule texts and fingerprints attached. */
export function completeFindings(file: string, raws: readonly RawFinding[]): Finding[] {
  const fps = fingerprintAll(file, raws);
  return raws.map((r, i) => {
    const def = rule(r.ruleId);
    return { ...r, file, fix: def.fix, equivalents: def.equivalents, fingerprint: fps[i] as string };
  });
}
