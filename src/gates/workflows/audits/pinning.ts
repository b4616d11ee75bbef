/**
 * Audits of what a workflow pulls in: action references and their pins,
 * version comments, container images, and owners outside the allow list.
 */
import { posix } from 'node:path';
import { isMap, isSeq, type Scalar } from 'yaml';
import { actionName, localUses, neverRuns, type AuditContext, type Job, type PinPolicy, type Step } from '../model.js';
import { entries, items, lineText, mapGet, scalarText, spanOf } from '../source.js';

const SHA = /^[0-9a-f]{40}$/i;
const VERSION = /^v?\d+(\.\d+){0,3}([-+][0-9A-Za-z.-]+)?$/;
const MOVING = /^(main|master|develop|dev|trunk|latest|head|nightly|stable)$/i;

const MATCHES = new Map<string, boolean>();

/** True when `name` (owner/repo or owner/repo/path) matches a policy pattern; remembered, as glob matching is slow and names recur. */
export function matchesPattern(name: string, pattern: string): boolean {
  const key = `${pattern}\u0000${name}`;
  const known = MATCHES.get(key);
  if (known !== undefined) return known;
  const result = matchesPatternUncached(name, pattern);
  if (MATCHES.size < 50_000) MATCHES.set(key, result);
  return result;
}

function matchesPatternUncached(name: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p === '*' || p === '**') return true;
  if (posix.matchesGlob(n, p)) return true;
  // `owner/*` also covers actions in subdirectories: owner/repo/path.
  const [owner, repo] = n.split('/');
  return posix.matchesGlob(`${owner}/${repo}`, p);
}

/** The pin policy that applies to an action; the first matching pattern wins. */
export function pinPolicyFor(name: string, pins: AuditContext['options']['pins']): PinPolicy {
  return pins.find((p) => matchesPattern(name, p.pattern))?.policy ?? 'hash-pin';
}

/** A `uses:` of the file, and the folders earlier checkouts of its job put other code in. */
interface UsesNode {
  readonly text: string;
  readonly node: Scalar;
  readonly where: string;
  readonly checkedOut: readonly string[];
  /** The step, for a step's `uses:`. */
  readonly step?: Step;
}

/** Every `uses:` node of the file: steps and reusable-workflow jobs. */
function usesNodes(ctx: AuditContext): UsesNode[] {
  const out: UsesNode[] = [];
  for (const job of ctx.jobs) {
    const jobUses = mapGet(ctx.file, job.node, 'uses');
    const text = scalarText(jobUses);
    if (text !== undefined && ctx.kind === 'workflow')
      out.push({ text, node: jobUses as Scalar, where: job.label, checkedOut: [] });
    const checkedOut: string[] = [];
    for (const step of job.steps) {
      if (!step.uses) continue;
      out.push({ ...step.uses, where: job.label, checkedOut: [...checkedOut], step });
      const path = scalarText(mapGet(ctx.file, step.with, 'path'));
      if (actionName(step.uses.text) === 'actions/checkout' && path !== undefined)
        checkedOut.push(path.replace(/^\.\//, '').replace(/\/+$/, ''));
    }
  }
  return out;
}

/** Setup actions that install the latest release of a tool unless given a version, and the input that pins it. */
const LATEST_BY_DEFAULT: ReadonlyMap<string, string> = new Map([
  ['aquasecurity/setup-trivy', 'version'],
  ['1password/load-secrets-action', 'version'],
  ['hashicorp/setup-terraform', 'terraform_version'],
  ['azure/setup-helm', 'version'],
  ['azure/setup-kubectl', 'version'],
]);

function checkToolVersion(ctx: AuditContext, u: UsesNode): void {
  const name = actionName(u.text);
  const input = name === undefined ? undefined : LATEST_BY_DEFAULT.get(name);
  if (input === undefined || u.step === undefined || neverRuns(u.step)) return;
  const node = mapGet(ctx.file, u.step.with, input);
  const value = scalarText(node)?.trim();
  if (value !== undefined && value !== '' && value.toLowerCase() !== 'latest' && !value.includes('${{')) return;
  ctx.report({
    ruleId: 'unpinned-tool-install',
    severity: 'medium',
    confidence: value?.includes('${{') ? 'low' : 'high',
    span: spanOf(ctx.file, node ?? u.node),
    message:
      value === undefined || value === ''
        ? `${name} in ${u.where} installs the latest release of its tool, as no ${input} is given; the next release (or a hijacked one) runs in this job.`
        : value.includes('${{')
          ? `${name} in ${u.where} takes its ${input} from an expression, which may be 'latest' or any release.`
          : `${name} in ${u.where} installs ${input}: latest; the next release (or a hijacked one) runs in this job.`,
    snippet: `${u.where} ${u.text} ${input}`,
  });
}

/** Runs every pinning audit over one file. */
export function auditPinning(ctx: AuditContext): void {
  for (const u of usesNodes(ctx)) {
    const local = localUses(u.text);
    const inCheckout = (path: string): boolean =>
      u.checkedOut.some((c) => c !== '' && c !== '.' && (path === c || path.startsWith(`${c}/`)));
    // `./x` where an earlier step checked out another repository is that repository's action, not this one's.
    if (local === 'workspace' && !inCheckout(u.text.slice(2))) {
      ctx.report({
        ruleId: 'self-repository',
        severity: 'low',
        confidence: 'high',
        span: spanOf(ctx.file, u.node),
        message: `${u.where} runs '${u.text}' from the workspace, which earlier steps (or a checkout of other code) can change; '$/${u.text.slice(2)}' runs it from this repository at the run's commit.`,
        snippet: u.text,
      });
    }
    // `$/path` is this repository at the run's commit: pinned by construction.
    if (local !== undefined || u.text.includes('${{')) continue;
    if (u.text.startsWith('docker://')) {
      checkImage(ctx, u.text.slice('docker://'.length), u.node, u.where);
      continue;
    }
    checkUses(ctx, u.text, u.node);
    checkToolVersion(ctx, u);
  }
  const { file } = ctx;
  for (const job of ctx.jobs) {
    const container = mapGet(file, job.node, 'container');
    const image = scalarText(container) !== undefined ? container : mapGet(file, container, 'image');
    if (scalarText(image) !== undefined) checkJobImage(ctx, job, image, job.label);
    for (const [name, , svc] of entries(file, mapGet(file, job.node, 'services'))) {
      const img = mapGet(file, svc, 'image');
      if (scalarText(img) !== undefined) checkJobImage(ctx, job, img, `service '${name}' of ${job.label}`);
    }
  }
  if (ctx.kind === 'action') {
    const img = mapGet(file, mapGet(file, file.doc.contents, 'runs'), 'image');
    const text = scalarText(img);
    if (text?.startsWith('docker://')) checkImage(ctx, text.slice('docker://'.length), img, 'the action');
  }
}

function checkUses(ctx: AuditContext, text: string, node: Scalar): void {
  const at = text.indexOf('@');
  const name = (at < 0 ? text : text.slice(0, at)).toLowerCase();
  const ref = at < 0 ? '' : text.slice(at + 1);
  const span = spanOf(ctx.file, node);
  const { allow, deny, pins } = ctx.options;
  if (deny.some((p) => matchesPattern(name, p)) || (allow.length > 0 && !allow.some((p) => matchesPattern(name, p)))) {
    ctx.report({
      ruleId: 'forbidden-uses',
      severity: 'high',
      confidence: 'high',
      span,
      message: `${name} is ${deny.some((p) => matchesPattern(name, p)) ? 'on the deny list' : 'not on the allow list'} of the gates policy.`,
      snippet: text,
    });
  }
  const policy = pinPolicyFor(name, pins);
  if (ref === '') {
    ctx.report({
      ruleId: 'unpinned-uses',
      severity: 'high',
      confidence: 'high',
      span,
      message: `${name} has no @ref; GitHub rejects it, and it would follow whatever the default branch holds.`,
      snippet: text,
    });
  } else if (policy === 'hash-pin' && !SHA.test(ref)) {
    ctx.report({
      ruleId: 'unpinned-uses',
      severity: 'high',
      confidence: 'high',
      span,
      message: `${name}@${ref} is pinned to a tag or branch that its owner (or whoever takes over the account) can move; the policy requires a full commit SHA.`,
      snippet: text,
    });
  }
  checkVersionComment(ctx, name, ref, node);
}

function checkVersionComment(ctx: AuditContext, name: string, ref: string, node: Scalar): void {
  const range = node.range;
  if (!range || ref === '') return;
  const end = ctx.file.lineCounter.linePos(range[1]);
  const line = lineText(ctx.file, end.line);
  const rest = line.slice(end.col - 1);
  const m = /^\s*#\s*(?:tag\s*[:=]\s*|pin\s*@?\s*|ratchet:[^@\s]+@)?(\S+)/i.exec(rest);
  if (!m) return;
  const comment = (m[1] as string).replace(/[,;]$/, '');
  const span = spanOf(ctx.file, node);
  if (SHA.test(ref)) {
    if (MOVING.test(comment)) {
      ctx.report({
        ruleId: 'version-comment-mismatch',
        severity: 'low',
        confidence: 'medium',
        span,
        message: `${name} is pinned to a SHA but the comment names '${comment}', a branch; tools that update pins from comments will follow the branch.`,
        snippet: `${name} # ${comment}`,
      });
    }
    return;
  }
  if (VERSION.test(comment) && VERSION.test(ref) && !sameVersionLine(comment, ref)) {
    ctx.report({
      ruleId: 'version-comment-mismatch',
      severity: 'low',
      confidence: 'high',
      span,
      message: `${name}@${ref} has the comment '${comment}', which names a different version than the reference.`,
      snippet: `${name}@${ref} # ${comment}`,
    });
  }
}

/**
 * True when one version is the other or a more precise form of it: `v4` and
 * `v4.2.2` name the same release line, so a comment giving the exact release
 * of a major tag is not a mismatch.
 */
export function sameVersionLine(a: string, b: string): boolean {
  const parts = (v: string) => v.replace(/^v/i, '').split(/[.+-]/);
  const pa = parts(a);
  const pb = parts(b);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) if (pa[i] !== pb[i]) return false;
  return true;
}

/** The values `matrix.<key>` takes in a job: its list under strategy.matrix, and those of include entries. */
function matrixValues(ctx: AuditContext, job: Job, key: string): string[] | undefined {
  const matrix = mapGet(ctx.file, mapGet(ctx.file, job.node, 'strategy'), 'matrix');
  if (!isMap(matrix)) return undefined;
  const out: string[] = [];
  const direct = mapGet(ctx.file, matrix, key);
  if (direct !== undefined && !isSeq(direct)) return undefined;
  for (const item of items(ctx.file, direct)) {
    const v = scalarText(item);
    if (v === undefined) return undefined;
    out.push(v);
  }
  for (const entry of items(ctx.file, mapGet(ctx.file, matrix, 'include'))) {
    const v = mapGet(ctx.file, entry, key);
    if (v === undefined) continue;
    const text = scalarText(v);
    if (text === undefined) return undefined;
    out.push(text);
  }
  return out;
}

/** A job's container or service image; `${{ matrix.x }}` is checked for each value the matrix gives it. */
function checkJobImage(ctx: AuditContext, job: Job, node: unknown, where: string): void {
  const text = scalarText(node) as string;
  const m = /^\s*\$\{\{\s*matrix\.([\w-]+)\s*\}\}\s*$/.exec(text);
  if (!m) {
    checkImage(ctx, text, node, where);
    return;
  }
  const values = matrixValues(ctx, job, m[1] as string);
  for (const v of new Set(values ?? []))
    if (v.trim() !== '') checkImage(ctx, v, node, `${where} (matrix.${m[1] as string})`);
}

function checkImage(ctx: AuditContext, image: string, node: unknown, where: string): void {
  if (image.includes('${{') || image.trim() === '') return;
  if (/@sha256:[0-9a-f]{64}$/i.test(image)) return;
  const lastSlash = image.lastIndexOf('/');
  const tagSep = image.indexOf(':', lastSlash + 1);
  const tag = tagSep < 0 ? '' : image.slice(tagSep + 1);
  const floating = tag === '' || tag === 'latest';
  ctx.report({
    ruleId: 'unpinned-image',
    severity: floating ? 'high' : 'medium',
    confidence: 'high',
    span: spanOf(ctx.file, node),
    message: floating
      ? `image '${image}' of ${where} follows ${tag === '' ? 'the implicit latest tag' : 'the latest tag'}; any push to it changes what runs.`
      : `image '${image}' of ${where} is pinned by tag, which the registry lets its owner move; pin it by digest.`,
    snippet: `${where} ${image}`,
  });
}
