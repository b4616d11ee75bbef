/**
 * The workflow audit's run: finds workflow, action and Dependabot files,
 * audits them and applies the policy. It returns the decision; the
 * `gate workflows` verb (src/cli/gate-command.ts) renders it.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigurationError, errorMessage } from '../../runtime/errors.js';
import type { GateFs } from '../core/fs.js';
import { auditSource, type FileAudit } from './audit.js';
import { countActionUses, runGitHubAudits, type AuditedText, type GitHubLookups } from './github-audits.js';
import { compareFindings } from '../core/finding.js';
import { completeFindings } from './rules.js';
import { describeWalk, discoverFiles, type FoundFile, type WalkReport } from './discover.js';
import { baselineFingerprints, decideGate, type GateDecision } from './decide.js';
import {
  loadGatesPolicyFile,
  parseGatesPolicySource,
  type LoadedGatesPolicy,
  type PolicySource,
} from '../core/policy-load.js';
import { DEFAULT_GATES_POLICY } from '../core/policy-schema.js';
import type { Deps } from '../../deps/deps.js';

/** What to audit and under which policy and baseline. */
export interface WorkflowGateInputs {
  readonly paths: readonly string[];
  /** `error` (the default) for paths the user named; `skip` for lists of usual places that may not exist. */
  readonly missing?: 'error' | 'skip';
  /** A policy file, or the one parsed policy file every family reads. */
  readonly policy?: string | PolicySource;
  readonly baseline?: string;
  /** Fingerprints of findings already present (the pull request's base, in the gate's diff mode): they do not count. */
  readonly known?: ReadonlySet<string>;
  /**
   * `error` (the default): finding nothing to audit is an error, never a
   * pass. `allow` for a look at what was already there (a pull request's base
   * may have had no workflow yet).
   */
  readonly empty?: 'error' | 'allow';
}

/** The effects the gate needs: files and the time (waivers expire). */
export interface WorkflowGateDeps extends Pick<Deps, 'clock' | 'files'> {
  /** What is audited: the work tree, or a commit's tree. `files` reads the policy file when it is named by its path. */
  readonly fs: GateFs;
  /** Findings name files relative to this directory (the repository root in CI). */
  readonly cwd: string;
  /**
   * The audits that ask GitHub (impostor commits, version comments, archived
   * and vulnerable actions): the run's look-ups when there is a token, or why
   * they cannot run. Absent: skipped for want of a token.
   */
  readonly github?: { readonly lookups: GitHubLookups } | { readonly skipped: string };
}

/** Why the GitHub audits did not run when nothing else is said. */
export const NO_TOKEN =
  'no GitHub token was given (GITHUB_TOKEN or BELLWETHER_TOKEN for the CLI, the `token` input for the action)';

/**
 * How findings name a file: relative to `cwd` with forward slashes when it is
 * inside it, so that SARIF locations, annotations and waiver globs all see
 * repository paths whether the user typed `.github` or an absolute path.
 */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, file));
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : file).replace(/\\/g, '/');
}

/** Files under a directory that the gate audits: workflows, action.yml files, dependabot.yml. */
export async function collectFiles(fs: GateFs, root: string): Promise<string[]> {
  return (await discoverFiles(fs, root)).files.map((f) => f.path);
}

/** Lines of a text as an editor counts them: a last line without its line break counts too. */
export function countLines(content: Uint8Array): number {
  let n = 0;
  for (const b of content) if (b === 10) n++;
  return content.length > 0 && content[content.length - 1] !== 10 ? n + 1 : n;
}

/** What one gate run produced, before rendering. */
export interface WorkflowGateResult {
  readonly decision: GateDecision;
  readonly audits: readonly FileAudit[];
}

/** Audits the paths under the policy; throws ConfigurationError for usage mistakes. */
export async function runWorkflowGate(inputs: WorkflowGateInputs, deps: WorkflowGateDeps): Promise<WorkflowGateResult> {
  if (inputs.paths.length === 0) throw new ConfigurationError('name at least one file or directory to audit');
  const loaded: LoadedGatesPolicy | undefined =
    inputs.policy === undefined
      ? undefined
      : typeof inputs.policy === 'string'
        ? await loadGatesPolicyFile(inputs.policy, deps.files)
        : parseGatesPolicySource(inputs.policy);
  const policy = loaded?.policy ?? DEFAULT_GATES_POLICY;
  let baseline: Set<string> | undefined;
  if (inputs.baseline) {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(await deps.fs.readFile(inputs.baseline)).toString('utf8'));
    } catch (err) {
      throw new ConfigurationError(`cannot read the baseline: ${errorMessage(err)}`, { file: inputs.baseline });
    }
    baseline = baselineFingerprints(json);
    if (!baseline)
      throw new ConfigurationError(
        'the baseline must be the JSON report of an earlier run or an array of fingerprints',
        { file: inputs.baseline },
      );
  }
  if (inputs.known) baseline = new Set([...(baseline ?? []), ...inputs.known]);
  const { cwd } = deps;
  const files: FoundFile[] = [];
  const walks: WalkReport[] = [];
  const absent: string[] = [];
  for (const p of inputs.paths) {
    const kind = await deps.fs.kind(p);
    if (kind === undefined) {
      if (inputs.missing === 'skip') {
        absent.push(p);
        continue;
      }
      throw new ConfigurationError('no such file or directory', { file: p });
    }
    if (kind === 'file') files.push({ path: p, as: 'named' });
    else {
      const found = await discoverFiles(deps.fs, p);
      files.push(...found.files);
      walks.push(found.report);
    }
  }
  const seen = new Set<string>();
  const audits: FileAudit[] = [];
  const texts: AuditedText[] = [];
  for (const file of files) {
    if (seen.has(file.path)) continue;
    seen.add(file.path);
    let content: Uint8Array;
    try {
      content = file.content ?? (await deps.fs.readFile(file.path));
    } catch (err) {
      throw new ConfigurationError(`cannot read: ${errorMessage(err)}`, { file: file.path });
    }
    const shown = displayPath(file.path, cwd);
    const audit = auditSource(shown, content, {
      pins: policy.pins,
      allow: policy.allow,
      deny: policy.deny,
      maxBytes: policy.maxFileBytes,
    });
    audits.push({ ...audit, lines: countLines(content) });
    if (audit.kind === 'workflow' || audit.kind === 'action')
      texts.push({ file: shown, text: Buffer.from(content).toString('utf8') });
  }
  const github = deps.github ?? { skipped: NO_TOKEN };
  let note: GateDecision['github'];
  if ('lookups' in github) {
    const ran = await runGitHubAudits(texts, github.lookups);
    note = ran.note;
    for (const [i, audit] of audits.entries()) {
      const raws = ran.findings.get(audit.file);
      if (raws)
        audits[i] = {
          ...audit,
          findings: [...audit.findings, ...completeFindings(audit.file, raws)].sort(compareFindings),
        };
    }
  } else {
    note = { status: 'skipped', reason: github.skipped, actions: countActionUses(texts) };
  }
  const decided = decideGate({
    audits,
    policy,
    ...(loaded ? { policySource: loaded } : {}),
    ...(baseline ? { baseline } : {}),
    now: deps.clock.now(),
  });
  const decision: GateDecision = { ...decided, github: note };
  if (inputs.empty !== 'allow') refuseEmpty(decision, audits, { walks, absent, shown: (p) => displayPath(p, cwd) });
  return { decision, audits };
}

/**
 * A run that audited nothing, or passed over files none of which is a
 * workflow, an action or a Dependabot configuration, examined nothing that
 * was asked: that is an error naming where it looked, never a pass. (A file
 * that cannot be parsed is a high finding, so it fails instead.)
 */
function refuseEmpty(
  decision: GateDecision,
  audits: readonly FileAudit[],
  seen: { walks: readonly WalkReport[]; absent: readonly string[]; shown: (path: string) => string },
): void {
  if (audits.some((a) => a.kind !== undefined) || (audits.length > 0 && decision.verdict === 'fail')) return;
  const looked = [
    ...seen.walks.map((w) => describeWalk(w, seen.shown)),
    ...audits.map(
      (a) =>
        a.findings[0]?.message.replace(/\.$/, '') ??
        `${a.file} is not recognisably a workflow, an action.yml or a dependabot.yml`,
    ),
    ...(seen.absent.length > 0 ? [`absent: ${seen.absent.map(seen.shown).join(', ')}`] : []),
  ];
  throw new ConfigurationError(
    `nothing to audit: no workflow, action.yml or dependabot.yml was found (${looked.join('; ')})`,
  );
}
