/**
 * A position-keeping view of workflows, composite actions and their steps,
 * and the context every audit receives.
 */
import { isMap, isScalar, type Scalar } from 'yaml';
import type { Confidence, RawFinding, Severity } from '../core/finding.js';
import { deref, entries, items, mapGet, mapPair, scalarText, type SourceFile, type Span } from './source.js';

/** What a YAML file is, which decides the audits that apply. */
export type FileKind = 'workflow' | 'action' | 'dependabot' | 'pre-commit';

/** Triggers whose runs hold a write token or secrets while reading outsiders' data. */
export const PRIVILEGED_TRIGGERS: ReadonlySet<string> = new Set([
  'pull_request_target',
  'workflow_run',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
]);

/** Triggers that someone without write access (a fork, a commenter) can fire. */
export const OUTSIDER_TRIGGERS: ReadonlySet<string> = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
]);

/** One step of a job or of a composite action, with its nodes. */
export interface Step {
  readonly node: unknown;
  readonly index: number;
  readonly id?: string;
  readonly uses?: { readonly text: string; readonly node: Scalar };
  readonly run?: { readonly text: string; readonly node: Scalar };
  readonly with: unknown;
  readonly env: unknown;
  readonly if?: unknown;
}

/** One job of a workflow, or the steps of a composite action. */
export interface Job {
  readonly id: string;
  /** How messages name it: `job 'build'`, or `the action` for a composite action's steps. */
  readonly label: string;
  readonly keyNode: unknown;
  readonly node: unknown;
  readonly steps: readonly Step[];
}

/** Everything an audit needs about one parsed file. */
export interface AuditContext {
  readonly file: SourceFile;
  readonly kind: FileKind;
  /** Trigger names of a workflow; empty for actions. */
  readonly triggers: ReadonlyMap<string, { readonly keyNode: unknown; readonly config: unknown }>;
  readonly jobs: readonly Job[];
  readonly options: AuditOptions;
  report(finding: ReportArgs): void;
}

/** What an audit reports; the rule's texts and the fingerprint are added later. */
export interface ReportArgs {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly span: Span;
  readonly message: string;
  /** Defaults to the text of the span. */
  readonly snippet?: string;
}

/** How strictly `uses:` must be pinned, for owner/repo patterns such as `actions/*`. */
export type PinPolicy = 'hash-pin' | 'ref-pin' | 'any';

/** The parts of the gates policy that decide what audits report. */
export interface AuditOptions {
  /** First match wins; patterns match `owner/repo` (and `owner/repo/path`). */
  readonly pins: ReadonlyArray<{ readonly pattern: string; readonly policy: PinPolicy }>;
  /** When not empty, only actions matching one of these patterns may be used. */
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** Pins: first-party actions by tag, everything else by commit SHA. */
export const DEFAULT_AUDIT_OPTIONS: AuditOptions = {
  pins: [
    { pattern: 'actions/*', policy: 'ref-pin' },
    { pattern: 'github/*', policy: 'ref-pin' },
    { pattern: '*', policy: 'hash-pin' },
  ],
  allow: [],
  deny: [],
};

/** The trigger names of `on:` (string, list or mapping form). */
export function readTriggers(file: SourceFile, root: unknown): Map<string, { keyNode: unknown; config: unknown }> {
  const out = new Map<string, { keyNode: unknown; config: unknown }>();
  const pair = mapPair(file, root, 'on') ?? mapPair(file, root, 'true');
  if (!pair) return out;
  const on = deref(file, pair.value);
  const single = scalarText(on);
  if (single !== undefined) out.set(single, { keyNode: on, config: undefined });
  for (const item of items(file, on)) {
    const name = scalarText(item);
    if (name !== undefined) out.set(name, { keyNode: item, config: undefined });
  }
  for (const [name, keyNode, value] of entries(file, on)) out.set(name, { keyNode, config: value });
  return out;
}

function readStep(file: SourceFile, node: unknown, index: number): Step {
  const usesNode = mapGet(file, node, 'uses');
  const runNode = mapGet(file, node, 'run');
  const uses =
    isScalar(usesNode) && scalarText(usesNode) !== undefined
      ? { text: scalarText(usesNode) as string, node: usesNode }
      : undefined;
  const run =
    isScalar(runNode) && scalarText(runNode) !== undefined
      ? { text: scalarText(runNode) as string, node: runNode }
      : undefined;
  const id = scalarText(mapGet(file, node, 'id'));
  return {
    node,
    index,
    ...(id !== undefined ? { id } : {}),
    ...(uses ? { uses } : {}),
    ...(run ? { run } : {}),
    with: mapGet(file, node, 'with'),
    env: mapGet(file, node, 'env'),
    if: mapGet(file, node, 'if'),
  };
}

/** Jobs of a workflow, or the single pseudo-job of a composite action's steps. */
export function readJobs(file: SourceFile, kind: FileKind, root: unknown): Job[] {
  if (kind === 'action') {
    const runs = mapGet(file, root, 'runs');
    const steps = items(file, mapGet(file, runs, 'steps')).map((s, i) => readStep(file, s, i));
    return steps.length > 0 ? [{ id: '(composite)', label: 'the action', keyNode: runs, node: runs, steps }] : [];
  }
  if (kind !== 'workflow') return [];
  return entries(file, mapGet(file, root, 'jobs')).map(([id, keyNode, node]) => ({
    id,
    label: `job '${id}'`,
    keyNode,
    node,
    steps: items(file, mapGet(file, node, 'steps')).map((s, i) => readStep(file, s, i)),
  }));
}

/** Guesses what a YAML file is from its path, then from its content. */
export function detectKind(path: string, root: unknown): FileKind | undefined {
  const norm = path.replace(/\\/g, '/');
  const base = norm.slice(norm.lastIndexOf('/') + 1).toLowerCase();
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(norm)) return 'workflow';
  if (base === 'action.yml' || base === 'action.yaml') return 'action';
  if (base === 'dependabot.yml' || base === 'dependabot.yaml') return 'dependabot';
  if (base === '.pre-commit-config.yaml' || base === '.pre-commit-config.yml') return 'pre-commit';
  if (!isMap(root)) return undefined;
  const keys = new Set(root.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
  if (keys.has('jobs') || keys.has('on')) return 'workflow';
  if (keys.has('runs')) return 'action';
  if (keys.has('updates')) return 'dependabot';
  return undefined;
}

/** The value of a `with:` input as text, if it is a scalar. */
export function withInput(file: SourceFile, step: Step, name: string): { text: string; node: Scalar } | undefined {
  const node = mapGet(file, step.with, name);
  const text = scalarText(node);
  return text !== undefined && isScalar(node) ? { text, node } : undefined;
}

/**
 * A `uses:` of this repository: `./path` (the workspace, whatever is checked
 * out there when the step starts) or `$/path` (GitHub's self-repository
 * reference: this repository at the commit the run is for, pinned by
 * construction and never taken from the workspace).
 */
export function localUses(uses: string): 'workspace' | 'self' | undefined {
  const u = uses.trim();
  if (u.startsWith('./')) return 'workspace';
  if (u.startsWith('$/')) return 'self';
  return undefined;
}

/** `owner/repo` (lower case) of a `uses:` that names a repository action, else undefined. */
export function actionName(uses: string): string | undefined {
  if (localUses(uses) !== undefined || uses.startsWith('docker://')) return undefined;
  const at = uses.indexOf('@');
  const path = (at < 0 ? uses : uses.slice(0, at)).toLowerCase();
  const parts = path.split('/');
  if (parts.length < 2) return undefined;
  return `${parts[0]}/${parts[1]}`;
}

/** True when a step's `if:` is the constant false (`false`, `\${{ false }}`): GitHub never runs it. */
export function neverRuns(step: Step): boolean {
  const node = step.if;
  if (!isScalar(node)) return false;
  if (node.value === false) return true;
  return /^\s*(\$\{\{\s*false\s*\}\}|false)\s*$/.test(String(node.value));
}

/** Builds a RawFinding from report arguments, taking the snippet from the source. */
export function toRaw(file: SourceFile, args: ReportArgs): RawFinding {
  return {
    ruleId: args.ruleId,
    severity: args.severity,
    confidence: args.confidence,
    line: args.span.line,
    column: args.span.column,
    endLine: args.span.endLine,
    endColumn: args.span.endColumn,
    message: args.message,
    snippet: args.snippet ?? file.text.slice(args.span.startOffset, args.span.endOffset),
  };
}
