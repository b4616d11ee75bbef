/**
 * The workflow audits that ask GitHub: impostor commits, version comments
 * that name a tag pointing elsewhere, archived action repositories and
 * actions affected by a GitHub security advisory. They run only with a
 * token; without one the decision says, once, that they were skipped and
 * why. An answer GitHub could not give for one action is "could not check"
 * for that action, never a pass. Requests are cached per repository and per
 * action@ref within a run, and bounded by a budget.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Scalar } from 'yaml';
import { errorMessage } from '../../runtime/errors.js';
import type { ActionAdvisory, ActionRepository, ActionSources, FirstPage, NamedCommit } from '../../github/port.js';
import type { RawFinding, Severity } from '../core/finding.js';

/** The GitHub audits' rule ids. */
export const GITHUB_AUDIT_RULES = [
  'impostor-commit',
  'ref-version-mismatch',
  'archived-uses',
  'known-vulnerable-actions',
] as const;

/** Requests the GitHub audits may send in one run unless told otherwise. */
export const DEFAULT_GITHUB_AUDIT_CALLS = 200;
/** Branches and tags compared with one commit before the impostor check gives up and says so. */
export const MAX_COMPARES_PER_COMMIT = 8;

/** One `uses:` of a remote action, where it was written. */
export interface ActionUse {
  readonly owner: string;
  readonly repo: string;
  /** `owner/repo` or `owner/repo/path`. */
  readonly name: string;
  readonly ref: string;
  /** The version the trailing comment names (`# v1.2.3`), if any. */
  readonly comment?: string;
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
  readonly text: string;
}

/** An action GitHub could not answer for, and why. */
export interface CouldNotCheck {
  readonly file: string;
  readonly line: number;
  readonly action: string;
  readonly audits: readonly string[];
  readonly reason: string;
}

/** What the GitHub audits did: ran (with what they spent), or were skipped and why. */
export type GitHubAuditsNote =
  | { readonly status: 'skipped'; readonly reason: string; readonly actions: number }
  | {
      readonly status: 'ran';
      /** Distinct action@ref checked. */
      readonly actions: number;
      /** Requests sent to GitHub by these audits. */
      readonly calls: number;
      readonly couldNotCheck: readonly CouldNotCheck[];
    };

const SHA = /^[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*(?:tag\s*[:=]\s*|pin\s*@?\s*)?(v?\d+(?:\.\d+){0,2}(?:[-+][\w.-]+)?)\b/i;
/**
 * The `uses:` scalars of steps and of reusable-workflow jobs, read from the
 * parsed YAML: a line that reads `uses: a/b@c` inside a `run:` script or an
 * input's text is data, not a step.
 */
function usesNodes(text: string): { node: Scalar; lineCounter: LineCounter }[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const root = doc.contents;
  const out: Scalar[] = [];
  const get = (node: unknown, key: string): unknown => (isMap(node) ? node.get(key, true) : undefined);
  const fromSteps = (steps: unknown): void => {
    if (!isSeq(steps)) return;
    for (const step of steps.items) {
      const uses = get(step, 'uses');
      if (isScalar(uses)) out.push(uses);
    }
  };
  fromSteps(get(root, 'steps'));
  fromSteps(get(get(root, 'runs'), 'steps'));
  const jobs = get(root, 'jobs');
  if (isMap(jobs)) {
    for (const pair of jobs.items) {
      const uses = get(pair.value, 'uses');
      if (isScalar(uses)) out.push(uses);
      fromSteps(get(pair.value, 'steps'));
    }
  }
  return out.map((node) => ({ node, lineCounter }));
}

/** Remote `uses:` of a workflow or action text (not `./`, `$/` or `docker://`). */
export function findActionUses(text: string): ActionUse[] {
  const out: ActionUse[] = [];
  for (const { node, lineCounter } of usesNodes(text)) {
    if (typeof node.value !== 'string' || !node.range) continue;
    const value = node.value.trim();
    const at = value.lastIndexOf('@');
    if (
      at <= 0 ||
      value.startsWith('./') ||
      value.startsWith('$/') ||
      value.startsWith('docker://') ||
      value.includes('${{')
    )
      continue;
    const name = value.slice(0, at);
    const ref = value.slice(at + 1);
    const [owner, repo] = name.split('/');
    if (!owner || !repo || ref === '') continue;
    const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? 1 : 0;
    const start = lineCounter.linePos(node.range[0] + quoted);
    // The version comment is whatever follows the value on its line.
    const lineEnd = text.indexOf('\n', node.range[1]);
    const rest = text.slice(node.range[1], lineEnd < 0 ? text.length : lineEnd);
    const comment = VERSION_COMMENT.exec(rest)?.[1];
    out.push({
      owner,
      repo,
      name,
      ref,
      ...(comment ? { comment } : {}),
      line: start.line,
      column: start.col,
      endColumn: start.col + value.length,
      text: value,
    });
  }
  return out;
}

/** A version as numbers; a missing part is `Infinity` for a floating tag (`v4` runs the newest 4.x.y), 0 in a range bound. */
function parseVersion(text: string, missing: number): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return [m[1], m[2], m[3]].map((p) => (p === undefined ? missing : Number(p)));
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0) ? -1 : 1;
  return 0;
}

/** Whether `version` lies in an advisory range such as `>= 1.0.0, < 1.2.4`; undefined when the range cannot be read. */
export function inVulnerableRange(version: string, range: string): boolean | undefined {
  const v = parseVersion(version, Infinity);
  if (!v || range.trim() === '') return undefined;
  for (const part of range.split(',')) {
    const m = /^\s*(<=|>=|<|>|=)?\s*(\S+)\s*$/.exec(part);
    const bound = m ? parseVersion(m[2] as string, 0) : undefined;
    if (!m || !bound) return undefined;
    const c = compareVersions(v, bound);
    const ok = { '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0, '=': c === 0 }[
      (m[1] ?? '=') as '<' | '<=' | '>' | '>=' | '='
    ];
    if (!ok) return false;
  }
  return true;
}

function severityOf(advisory: string): Severity {
  return advisory === 'critical' ? 'critical' : advisory === 'high' ? 'high' : advisory === 'low' ? 'low' : 'medium';
}

class BudgetSpent extends Error {}

/**
 * One run's look-ups: each answer asked once, and no more requests than the
 * budget. Build one per run and share it between the audits of the base and
 * of the head, so that the base costs nothing the head does not.
 */
export class GitHubLookups {
  private readonly memo = new Map<string, Promise<unknown>>();
  sent = 0;
  constructor(
    readonly sources: ActionSources,
    private readonly maxCalls: number = DEFAULT_GITHUB_AUDIT_CALLS,
  ) {}

  /** `cost` is the most requests the look-up may send. */
  once<T>(key: string, cost: number, ask: () => Promise<T>): Promise<T> {
    const hit = this.memo.get(key);
    if (hit) return hit as Promise<T>;
    if (this.sent + cost > this.maxCalls)
      return Promise.reject(
        new BudgetSpent(`the budget of ${this.maxCalls} GitHub requests for these audits was spent`),
      );
    this.sent += cost;
    const p = ask();
    this.memo.set(key, p);
    return p;
  }

  repository = (o: string, r: string) =>
    this.once<ActionRepository | null>(`repo ${o}/${r}`, 1, () => this.sources.repository(o, r));
  branches = (o: string, r: string) =>
    this.once<FirstPage<NamedCommit>>(`branches ${o}/${r}`, 1, () => this.sources.branches(o, r));
  tags = (o: string, r: string) =>
    this.once<FirstPage<NamedCommit>>(`tags ${o}/${r}`, 1, () => this.sources.tags(o, r));
  tagCommit = (o: string, r: string, t: string) =>
    this.once<string | null>(`tag ${o}/${r} ${t}`, 2, () => this.sources.tagCommit(o, r, t));
  advisories = (o: string, r: string) =>
    this.once<FirstPage<ActionAdvisory>>(`advisories ${o}/${r}`, 1, () => this.sources.advisories(o, r));
  compare = (o: string, r: string, base: string, head: string) =>
    this.once(`compare ${o}/${r} ${base}...${head}`, 1, () => this.sources.compare(o, r, base, head));
}

type Report = (rule: string, severity: Severity, message: string) => void;
type Unsure = (audits: string[], reason: string) => void;

/** The files the GitHub audits read: display path and text. */
export interface AuditedText {
  readonly file: string;
  readonly text: string;
}

/** Runs the GitHub audits over the files' remote `uses:`; findings by file, and the note for the decision. */
export async function runGitHubAudits(
  files: readonly AuditedText[],
  lookups: GitHubLookups,
): Promise<{ findings: Map<string, RawFinding[]>; note: GitHubAuditsNote }> {
  const before = lookups.sources.calls().total;
  const findings = new Map<string, RawFinding[]>();
  const couldNotCheck: CouldNotCheck[] = [];
  const checked = new Map<
    string,
    Promise<Array<{ rule: string; severity: Severity; message: string } | { audits: string[]; reason: string }>>
  >();
  const distinct = new Set<string>();
  for (const { file, text } of files) {
    for (const use of findActionUses(text)) {
      const key = `${use.name}@${use.ref}#${use.comment ?? ''}`;
      distinct.add(`${use.name}@${use.ref}`);
      // Sequential on purpose: the budget is spent in file order, and the cache answers repeats.
      let outcome = checked.get(key);
      if (!outcome) {
        outcome = checkUse(use, lookups);
        checked.set(key, outcome);
      }
      for (const o of await outcome) {
        if ('rule' in o) {
          const list = findings.get(file) ?? [];
          list.push({
            ruleId: o.rule,
            severity: o.severity,
            confidence: 'high',
            line: use.line,
            column: use.column,
            endLine: use.line,
            endColumn: use.endColumn,
            message: o.message,
            snippet: `${use.text}${use.comment ? ` # ${use.comment}` : ''}`,
          });
          findings.set(file, list);
        } else {
          couldNotCheck.push({
            file,
            line: use.line,
            action: `${use.name}@${use.ref}`,
            audits: o.audits,
            reason: o.reason,
          });
        }
      }
    }
  }
  return {
    findings,
    note: { status: 'ran', actions: distinct.size, calls: lookups.sources.calls().total - before, couldNotCheck },
  };
}

/** Counts the remote `uses:` a skipped run would have checked, so the note says what was left unchecked. */
export function countActionUses(files: readonly AuditedText[]): number {
  return new Set(files.flatMap((f) => findActionUses(f.text).map((u) => `${u.name}@${u.ref}`))).size;
}

async function checkUse(use: ActionUse, lookups: GitHubLookups) {
  const out: Array<{ rule: string; severity: Severity; message: string } | { audits: string[]; reason: string }> = [];
  const report: Report = (rule, severity, message) => out.push({ rule, severity, message });
  const unsure: Unsure = (audits, reason) => out.push({ audits, reason });
  const guard = async (audits: string[], run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      unsure(audits, err instanceof BudgetSpent ? err.message : `GitHub could not answer: ${errorMessage(err)}`);
    }
  };
  const { owner, repo } = use;
  const pinned = SHA.test(use.ref);
  // The audits that need the repository itself: they cannot be checked when it cannot be read.
  const onRepository = [
    'archived-uses',
    ...(pinned ? ['impostor-commit'] : []),
    ...(pinned && use.comment ? ['ref-version-mismatch'] : []),
  ];
  let answered = false;
  let repository: ActionRepository | null = null;
  await guard(onRepository, async () => {
    repository = await lookups.repository(owner, repo);
    answered = true;
  });
  const found = repository as ActionRepository | null;
  if (answered && !found) unsure(onRepository, `${owner}/${repo} was not found, or the token cannot see it`);
  if (found?.archived) {
    report(
      'archived-uses',
      'medium',
      `${owner}/${repo} is archived: its owner no longer maintains it, and fixes to ${use.name} will not come.`,
    );
  }
  if (found && pinned) {
    await guard(['impostor-commit'], () => checkImpostor(use, found, lookups, report, unsure));
    if (use.comment) await guard(['ref-version-mismatch'], () => checkComment(use, lookups, report));
  }
  await guard(['known-vulnerable-actions'], () => checkAdvisories(use, lookups, report, unsure));
  return out;
}

async function checkImpostor(
  use: ActionUse,
  repository: ActionRepository,
  lookups: GitHubLookups,
  report: Report,
  unsure: Unsure,
): Promise<void> {
  const { owner, repo, ref: sha } = use;
  const [branches, tags] = [await lookups.branches(owner, repo), await lookups.tags(owner, repo)];
  // The usual case, at no more cost: the commit is a branch or tag head.
  if ([...branches.items, ...tags.items].some((r) => r.sha === sha)) return;
  // Otherwise GitHub compares: a commit behind (or at) a branch or tag is in its history.
  const commented = use.comment ? tags.items.filter((t) => t.name === use.comment) : [];
  const order = [
    repository.defaultBranch,
    ...commented.map((t) => t.name),
    ...branches.items.map((b) => b.name),
    ...tags.items.map((t) => t.name),
  ];
  const refs = [...new Set(order.filter(Boolean))];
  let compared = 0;
  for (const name of refs.slice(0, MAX_COMPARES_PER_COMMIT)) {
    const relation = await lookups.compare(owner, repo, name, sha);
    compared++;
    if (relation === 'behind' || relation === 'identical') return;
  }
  const left = refs.length - compared;
  if (left > 0 || branches.truncated || tags.truncated) {
    unsure(
      ['impostor-commit'],
      `${sha.slice(0, 12)} is in none of the ${compared} branch(es) and tag(s) compared; ${left > 0 ? `${left} more` : 'more beyond the first 100'} were not compared`,
    );
    return;
  }
  report(
    'impostor-commit',
    'critical',
    `${use.name}@${sha} is not in the history of any branch or tag of ${owner}/${repo} (${compared} compared): it may be a commit from a fork, which GitHub serves under the parent's name.`,
  );
}

async function checkComment(use: ActionUse, lookups: GitHubLookups, report: Report): Promise<void> {
  const { owner, repo, ref: sha } = use;
  const tag = use.comment as string;
  const listed = (await lookups.tags(owner, repo)).items.find((t) => t.name === tag);
  const at = listed ? listed.sha : await lookups.tagCommit(owner, repo, tag);
  if (at === sha) return;
  report(
    'ref-version-mismatch',
    'medium',
    at === null
      ? `${use.name}@${sha.slice(0, 12)} says '# ${tag}', but ${owner}/${repo} has no tag ${tag}.`
      : `${use.name}@${sha.slice(0, 12)} says '# ${tag}', but the tag ${tag} points at ${at.slice(0, 12)}: the comment tells reviewers a version that is not the code that runs.`,
  );
}

async function checkAdvisories(use: ActionUse, lookups: GitHubLookups, report: Report, unsure: Unsure): Promise<void> {
  const { owner, repo } = use;
  const page = await lookups.advisories(owner, repo);
  const relevant = page.items.flatMap((a) =>
    a.vulnerabilities
      .filter(
        (v) =>
          v.package.toLowerCase() === use.name.toLowerCase() ||
          v.package.toLowerCase() === `${owner}/${repo}`.toLowerCase(),
      )
      .map((v) => ({ a, v })),
  );
  if (relevant.length === 0) {
    if (page.truncated)
      unsure(
        ['known-vulnerable-actions'],
        `${owner}/${repo} has more than 100 advisories; only the first 100 were read`,
      );
    return;
  }
  let version = SHA.test(use.ref) ? use.comment : use.ref;
  if (version === undefined) {
    // A bare SHA: the tag that points at it says its version.
    const tags = await lookups.tags(owner, repo);
    version = tags.items
      .filter((t) => t.sha === use.ref && parseVersion(t.name, Infinity))
      .map((t) => t.name)
      .sort((x, y) => y.length - x.length)[0];
  }
  if (version === undefined || !parseVersion(version, Infinity)) {
    unsure(
      ['known-vulnerable-actions'],
      `${owner}/${repo} has ${relevant.length} advisory range(s), but no version is known for ${use.ref} (add a version comment, # v1.2.3)`,
    );
    return;
  }
  for (const { a, v } of relevant) {
    const hit = inVulnerableRange(version, v.vulnerableRange);
    if (hit === undefined)
      unsure(['known-vulnerable-actions'], `${a.ghsaId}: the range '${v.vulnerableRange}' cannot be read`);
    else if (hit) {
      report(
        'known-vulnerable-actions',
        severityOf(a.severity),
        `${use.name} ${version} is affected by ${a.ghsaId} (${a.severity}): ${a.summary}${v.firstPatched ? `; fixed in ${v.firstPatched}` : ''}. ${a.url}`.trim(),
      );
    }
  }
}
