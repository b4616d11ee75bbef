/**
 * Audits of what a workflow's triggers expose: privileged triggers, checkout
 * and execution of pull request code under them, artifacts from a triggering
 * run, self-hosted runners that forks reach, caches in release workflows.
 */
import {
  actionName,
  localUses,
  OUTSIDER_TRIGGERS,
  withInput,
  type AuditContext,
  type Job,
  type Step,
} from '../model.js';
import { items, mapGet, scalarText, spanOf } from '../source.js';
import { findTemplates, flowingAccesses } from '../templates.js';

const HEAD_REFS = [
  'github.event.pull_request.head.sha',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.merge_commit_sha',
  'github.event.pull_request.head.repo.full_name',
  'github.head_ref',
  'github.event.workflow_run.head_sha',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.head_repository.full_name',
];

/** True when a checkout input names the head of a pull request. */
function namesPullRequestHead(text: string): boolean {
  if (/refs\/pull\//.test(text)) return true;
  if (/\bpull\/[^\s/]+\/(head|merge)\b/.test(text.replace(/\$\{\{.*?\}\}/g, 'N'))) return true;
  for (const t of findTemplates(text)) {
    if (!t.ast) continue;
    if (flowingAccesses(t.ast).some((a) => HEAD_REFS.includes(a.path))) return true;
  }
  return false;
}

/** A script that fetches or switches to the pull request's head with git or gh. */
function checksOutHeadInScript(script: string): boolean {
  if (/\bgh\s+pr\s+checkout\b/.test(script)) return true;
  return script
    .split('\n')
    .some((line) => /\bgit\s+(fetch|checkout|switch|reset|pull|merge)\b/.test(line) && namesPullRequestHead(line));
}

/** Actions that build or run what is in the workspace (its Dockerfile, build scripts, hooks). */
const BUILDERS = new Set([
  'docker/build-push-action',
  'gradle/gradle-build-action',
  'gradle/actions',
  'pre-commit/action',
  'github/codeql-action',
  'cypress-io/github-action',
  'bahmutov/npm-install',
  'borales/actions-yarn',
  'goreleaser/goreleaser-action',
  'pypa/gh-action-pypi-publish',
]);

const EXECUTING_AFTER = new WeakMap<Job, number[]>();

/** For each step index, how many steps from there on run workspace code; computed once per job. */
function executingAfter(job: Job): number[] {
  let counts = EXECUTING_AFTER.get(job);
  if (!counts) {
    counts = new Array<number>(job.steps.length + 1).fill(0);
    for (let i = job.steps.length - 1; i >= 0; i--)
      counts[i] = (counts[i + 1] ?? 0) + (executes(job.steps[i] as Step) ? 1 : 0);
    EXECUTING_AFTER.set(job, counts);
  }
  return counts;
}

/** Steps that run code from the workspace: scripts, local actions, builds. */
function executes(step: Step): boolean {
  if (step.run) return true;
  if (step.uses === undefined) return false;
  // `./x` comes from the workspace, which may hold checked-out pull request code; `$/x` never does.
  if (localUses(step.uses.text) === 'workspace') return true;
  const name = actionName(step.uses.text);
  return name !== undefined && BUILDERS.has(name);
}

/** Runs every trigger audit over one workflow. */
export function auditTriggers(ctx: AuditContext): void {
  if (ctx.kind !== 'workflow') return;
  const dangerous = ['pull_request_target', 'workflow_run', 'issue_comment'].filter((t) => ctx.triggers.has(t));
  for (const name of dangerous) {
    ctx.report({
      ruleId: 'privileged-trigger',
      severity: 'low',
      confidence: 'medium',
      span: spanOf(ctx.file, ctx.triggers.get(name)?.keyNode),
      message: `${name} runs with the base repository's secrets and a write token while reacting to outsiders' events.`,
    });
  }
  for (const job of ctx.jobs) {
    if (dangerous.length > 0) checkUntrustedCheckout(ctx, job, dangerous);
    if (ctx.triggers.has('workflow_run')) checkArtifacts(ctx, job);
    checkSelfHosted(ctx, job);
  }
}

function checkUntrustedCheckout(ctx: AuditContext, job: Job, triggers: string[]): void {
  job.steps.forEach((step, i) => {
    let headNode: unknown;
    if (step.uses && actionName(step.uses.text) === 'actions/checkout') {
      for (const input of ['ref', 'repository']) {
        const v = withInput(ctx.file, step, input);
        if (v && namesPullRequestHead(v.text)) headNode = v.node;
      }
    } else if (step.run && checksOutHeadInScript(step.run.text)) {
      headNode = step.run.node;
    }
    if (!headNode) return;
    const later = executingAfter(job)[i + 1] ?? 0;
    ctx.report({
      ruleId: 'untrusted-checkout',
      severity: later > 0 ? 'high' : 'medium',
      confidence: later > 0 ? 'high' : 'medium',
      span: spanOf(ctx.file, headNode),
      message:
        later > 0
          ? `${job.label} checks out the pull request's code under ${triggers.join(', ')} and then runs ${later} step(s) on it; the pull request's author runs code with the repository's secrets and write token.`
          : `${job.label} checks out the pull request's code under ${triggers.join(', ')}; no later step runs it yet, but any build tool or script added later would.`,
    });
  });
}

function checkArtifacts(ctx: AuditContext, job: Job): void {
  job.steps.forEach((step, i) => {
    const name = step.uses ? actionName(step.uses.text) : undefined;
    let fromTriggeringRun = false;
    if (name === 'actions/download-artifact') fromTriggeringRun = withInput(ctx.file, step, 'run-id') !== undefined;
    else if (name === 'dawidd6/action-download-artifact') fromTriggeringRun = true;
    else if (name === 'actions/github-script') {
      const script = withInput(ctx.file, step, 'script')?.text ?? '';
      fromTriggeringRun = /downloadArtifact|listWorkflowRunArtifacts/.test(script);
    }
    if (!fromTriggeringRun || !step.uses) return;
    const path = withInput(ctx.file, step, 'path')?.text.trim() ?? '';
    if (/runner\.temp|^\/tmp\//.test(path)) return;
    const folder = subfolder(path);
    let runners: number;
    if (folder === undefined) {
      // Unpacked over the workspace: any file a later step runs may have been replaced.
      runners = executingAfter(job)[i + 1] ?? 0;
    } else {
      // Unpacked into its own folder: only steps that run something from there are at risk.
      runners = job.steps.slice(i + 1).filter((s) => runsFrom(ctx, s, folder)).length;
      if (runners === 0) return;
    }
    ctx.report({
      ruleId: 'artifact-poisoning',
      severity: runners > 0 ? 'high' : 'medium',
      confidence: 'medium',
      span: spanOf(ctx.file, step.uses.node),
      message:
        folder === undefined
          ? `${job.label} downloads an artifact of the triggering run into the workspace${runners > 0 ? ' and then runs steps there' : ''}; a pull request can put any file in that artifact, including scripts and config that later steps execute.`
          : `${job.label} downloads an artifact of the triggering run into '${folder}' and ${runners} later step(s) run something from there; a pull request can put any file in that artifact.`,
    });
  });
}

/** The folder an artifact is unpacked into, relative to the workspace; undefined for the workspace itself. */
function subfolder(path: string): string | undefined {
  const p = path
    .replace(/^\$\{\{\s*github\.workspace\s*\}\}\/?/, '')
    .replace(/^\.\//, '')
    .replace(/\/+$/, '');
  if (p === '' || p === '.' || p.includes('\n') || p.includes('${{') || p.startsWith('..')) return undefined;
  return p;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when a step executes something from `folder`: a local action there, a script run in or from it. */
function runsFrom(ctx: AuditContext, step: Step, folder: string): boolean {
  const f = escapeRegExp(folder);
  if (step.uses) return localUses(step.uses.text) === 'workspace' && new RegExp(`^\\./${f}(/|$)`).test(step.uses.text);
  if (!step.run) return false;
  const wd = scalarText(mapGet(ctx.file, step.node, 'working-directory'))?.replace(/^\.\//, '');
  if (wd !== undefined && new RegExp(`^${f}(/|$)`).test(wd)) return true;
  const ref = `(?:\\./|\\$\\{\\{\\s*github\\.workspace\\s*\\}\\}/|\\$GITHUB_WORKSPACE/)?${f}(?=/|\\s|$|")`;
  // A program of the folder in command position, or an interpreter, cd or installer given the folder.
  const command = `(?:^|[;&|(])\\s*(?:sudo\\s+)?`;
  const runner = `(?:cd|pushd|source|\\.|sh|bash|zsh|python3?|node|ruby|perl|pwsh|chmod|make\\s+-C|npm\\s+--prefix|(?:npm|yarn|pnpm)\\s+(?:ci|install|run|exec|test)|pip3?\\s+install)`;
  const exec = new RegExp(`${command}(?:"?${ref}/\\S|${runner}\\s+(?:-\\S+\\s+)*"?${ref})`, 'm');
  return exec.test(step.run.text);
}

function checkSelfHosted(ctx: AuditContext, job: Job): void {
  const outsiders = [...ctx.triggers.keys()].filter((t) => OUTSIDER_TRIGGERS.has(t));
  if (outsiders.length === 0) return;
  const runsOn = mapGet(ctx.file, job.node, 'runs-on');
  const labels: string[] = [];
  const text = scalarText(runsOn);
  if (text !== undefined) labels.push(text);
  for (const item of items(ctx.file, runsOn)) labels.push(scalarText(item) ?? '');
  for (const item of items(ctx.file, mapGet(ctx.file, runsOn, 'labels'))) labels.push(scalarText(item) ?? '');
  const labelsScalar = scalarText(mapGet(ctx.file, runsOn, 'labels'));
  if (labelsScalar !== undefined) labels.push(labelsScalar);
  if (!labels.some((l) => l.toLowerCase() === 'self-hosted')) return;
  ctx.report({
    ruleId: 'self-hosted-fork',
    severity: 'high',
    confidence: 'medium',
    span: spanOf(ctx.file, runsOn),
    message: `${job.label} runs on a self-hosted runner in a workflow that ${outsiders.join(', ')} can trigger; code from a fork can persist on the machine and reach its network.`,
  });
}
