/**
 * Audits of credentials: token permissions, secrets handed to reusable
 * workflows, passwords written in the file, checkout tokens left on disk.
 */
import { isScalar } from 'yaml';
import { actionName, withInput, type AuditContext, type Job } from '../model.js';
import { entries, mapGet, mapPair, scalarText, spanOf } from '../source.js';

/** Runs every credentials audit over one workflow. */
export function auditPermissions(ctx: AuditContext): void {
  if (ctx.kind === 'workflow') {
    checkPermissions(ctx);
    for (const job of ctx.jobs) {
      checkSecretsInherit(ctx, job);
      checkContainerCredentials(ctx, job);
    }
  }
  for (const job of ctx.jobs) checkPersistCredentials(ctx, job);
}

function checkPermissions(ctx: AuditContext): void {
  const { file } = ctx;
  const root = file.doc.contents;
  const top = mapPair(file, root, 'permissions');
  const reusableOnly = ctx.triggers.size > 0 && [...ctx.triggers.keys()].every((t) => t === 'workflow_call');
  if (!top && ctx.jobs.length > 0) {
    // A reusable workflow's jobs get what the caller grants; a job that calls one decides what it passes on.
    const bare = ctx.jobs.filter(
      (j) =>
        mapGet(file, j.node, 'permissions') === undefined &&
        (!reusableOnly || mapGet(file, j.node, 'uses') !== undefined),
    );
    if (bare.length > 0 && !reusableOnly) {
      const onKey = mapPair(file, root, 'on')?.key;
      ctx.report({
        ruleId: 'permissions-undeclared',
        severity: 'medium',
        confidence: 'high',
        span: spanOf(file, onKey ?? root),
        message: `no permissions are declared at the top of the workflow, so job(s) ${bare.map((j) => `'${j.id}'`).join(', ')} get the repository's default token permissions, which may be write to everything.`,
        snippet: 'permissions-undeclared',
      });
    }
    for (const job of bare) {
      const calls = mapGet(file, job.node, 'uses') !== undefined;
      ctx.report({
        ruleId: 'permissions-undeclared',
        severity: 'medium',
        confidence: 'high',
        span: spanOf(file, job.keyNode),
        message: calls
          ? `${job.label} calls a reusable workflow without a permissions block, so the called workflow gets this workflow's default token permissions.`
          : `${job.label} declares no permissions and neither does the workflow, so it runs with the repository's default token permissions.`,
        snippet: `${job.id} permissions-undeclared`,
      });
    }
  }
  if (top) checkPermissionBlock(ctx, top.value, 'workflow');
  for (const job of ctx.jobs) {
    const p = mapGet(file, job.node, 'permissions');
    if (p !== undefined) checkPermissionBlock(ctx, p, job.label);
  }
}

/** Scopes whose write access lets a job change what the repository ships or who it is. */
const POWERFUL = new Set(['contents', 'id-token']);

function checkPermissionBlock(ctx: AuditContext, node: unknown, where: string): void {
  const { file } = ctx;
  const text = scalarText(node);
  if (text === 'write-all') {
    ctx.report({
      ruleId: 'permissions-write-all',
      severity: 'high',
      confidence: 'high',
      span: spanOf(file, node),
      message: `${where} grants write-all: every scope of the token can write, far more than any job needs.`,
      snippet: `${where} write-all`,
    });
    return;
  }
  if (text === 'read-all') {
    ctx.report({
      ruleId: 'permissions-read-all',
      severity: 'medium',
      confidence: 'high',
      span: spanOf(file, node),
      message: `${where} grants read-all: the token can read every scope (private code, issues, security alerts, packages), more than ${where === 'workflow' ? 'its jobs need' : 'the job needs'}.`,
      snippet: `${where} read-all`,
    });
    return;
  }
  if (where !== 'workflow' || ctx.jobs.length < 2) return;
  for (const [scope, keyNode, value] of entries(file, node)) {
    if (scalarText(value) !== 'write') continue;
    ctx.report({
      ruleId: 'permissions-broad-write',
      severity: POWERFUL.has(scope) ? 'high' : 'medium',
      confidence: 'high',
      span: spanOf(file, keyNode),
      message: `the workflow grants ${scope}: write to all ${ctx.jobs.length} jobs; grant it only to the jobs that need it.`,
      snippet: `workflow ${scope}: write`,
    });
  }
}

function checkSecretsInherit(ctx: AuditContext, job: Job): void {
  const node = mapGet(ctx.file, job.node, 'secrets');
  if (scalarText(node) !== 'inherit') return;
  ctx.report({
    ruleId: 'secrets-inherit',
    severity: 'medium',
    confidence: 'high',
    span: spanOf(ctx.file, node),
    message: `${job.label} passes every secret of the repository to the reusable workflow it calls.`,
    snippet: `${job.id} secrets: inherit`,
  });
}

function checkContainerCredentials(ctx: AuditContext, job: Job): void {
  const { file } = ctx;
  const containers: Array<[string, unknown]> = [['container', mapGet(file, job.node, 'container')]];
  for (const [name, , svc] of entries(file, mapGet(file, job.node, 'services')))
    containers.push([`service '${name}'`, svc]);
  for (const [label, node] of containers) {
    const password = mapGet(file, mapGet(file, node, 'credentials'), 'password');
    const text = scalarText(password);
    if (text === undefined || text.includes('${{')) continue;
    ctx.report({
      ruleId: 'container-credentials',
      severity: 'high',
      confidence: 'high',
      span: spanOf(file, password),
      message: `the ${label} of ${job.label} has its registry password written in the workflow, readable by anyone who can read the repository.`,
      snippet: `${job.id} ${label} password`,
    });
  }
}

/** Upload paths that include the checkout's .git directory. */
function uploadsWorkspace(path: string): boolean {
  return path
    .split('\n')
    .map((p) => p.trim())
    .some(
      (p) =>
        p === '.' ||
        p === './' ||
        p === '*' ||
        p === '**' ||
        /^\$\{\{\s*github\.workspace\s*\}\}\/?$/.test(p) ||
        p === '.git' ||
        p.startsWith('.git/'),
    );
}

function checkPersistCredentials(ctx: AuditContext, job: Job): void {
  const { file } = ctx;
  // Scanned once from the end, so that a job of many checkouts stays linear.
  const n = job.steps.length;
  const pushesLater: boolean[] = new Array<boolean>(n + 1).fill(false);
  const uploadsLater: boolean[] = new Array<boolean>(n + 1).fill(false);
  for (let i = n - 1; i >= 0; i--) {
    const s = job.steps[i] as Job['steps'][number];
    pushesLater[i] = (pushesLater[i + 1] ?? false) || (s.run !== undefined && /\bgit\s+push\b/.test(s.run.text));
    const uploads =
      s.uses !== undefined &&
      actionName(s.uses.text) === 'actions/upload-artifact' &&
      uploadsWorkspace(withInput(file, s, 'path')?.text ?? '');
    uploadsLater[i] = (uploadsLater[i + 1] ?? false) || uploads;
  }
  job.steps.forEach((step, i) => {
    if (!step.uses || actionName(step.uses.text) !== 'actions/checkout') return;
    const persist = mapGet(file, step.with, 'persist-credentials');
    if (isScalar(persist) && (persist.value === false || persist.value === 'false')) return;
    // A job that pushes needs the credentials; saying so is noise.
    if (pushesLater[i + 1]) return;
    const upload = uploadsLater[i + 1];
    ctx.report({
      ruleId: 'checkout-persist-credentials',
      severity: upload ? 'high' : 'low',
      confidence: 'high',
      span: spanOf(file, step.uses.node),
      message: upload
        ? `checkout in ${job.label} leaves the token in .git/config and a later step uploads the workspace as an artifact; anyone who can download artifacts gets the token.`
        : `checkout in ${job.label} leaves the token in .git/config, where every later step (and anything it runs) can read it.`,
      snippet: `${job.id} ${step.uses.text}`,
    });
  });
}
