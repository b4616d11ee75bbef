/**
 * Structural validity of workflows, actions and Dependabot files, and the
 * Dependabot execution audit. A workflow GitHub refuses to run is a gate
 * that silently never closes.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { AuditContext } from '../model.js';
import { entries, items, mapGet, mapPair, scalarText, spanOf } from '../source.js';

const WORKFLOW_KEYS = new Set(['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs']);
const JOB_KEYS = new Set([
  'name',
  'permissions',
  'needs',
  'if',
  'runs-on',
  'environment',
  'concurrency',
  'outputs',
  'env',
  'defaults',
  'steps',
  'timeout-minutes',
  'strategy',
  'continue-on-error',
  'container',
  'services',
  'uses',
  'with',
  'secrets',
  'snapshot',
]);
const STEP_KEYS = new Set([
  'id',
  'if',
  'name',
  'uses',
  'run',
  'working-directory',
  'shell',
  'with',
  'env',
  'continue-on-error',
  'timeout-minutes',
]);
const ACTION_KEYS = new Set(['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding']);
const EVENTS = new Set([
  'branch_protection_rule',
  'check_run',
  'check_suite',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'discussion',
  'discussion_comment',
  'fork',
  'gollum',
  'image_version',
  'issue_comment',
  'issues',
  'label',
  'merge_group',
  'milestone',
  'page_build',
  'project',
  'project_card',
  'project_column',
  'public',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'pull_request_target',
  'push',
  'registry_package',
  'release',
  'repository_dispatch',
  'schedule',
  'status',
  'watch',
  'workflow_call',
  'workflow_dispatch',
  'workflow_run',
]);
const FILTERS = ['branches', 'branches-ignore', 'paths', 'paths-ignore'];
/** Keys each event's configuration may have; events not listed take only `types`. */
const EVENT_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  push: new Set([...FILTERS, 'tags', 'tags-ignore']),
  pull_request: new Set([...FILTERS, 'types']),
  pull_request_target: new Set([...FILTERS, 'types']),
  workflow_run: new Set(['workflows', 'types', 'branches', 'branches-ignore']),
  workflow_dispatch: new Set(['inputs']),
  workflow_call: new Set(['inputs', 'outputs', 'secrets']),
  merge_group: new Set(['types', 'branches', 'branches-ignore']),
  image_version: new Set(['names', 'versions']),
};
const CONTAINER_KEYS = new Set(['image', 'credentials', 'env', 'ports', 'volumes', 'options']);
/** Service containers also take the entrypoint and command that replace the image's own. */
const SERVICE_KEYS = new Set([...CONTAINER_KEYS, 'entrypoint', 'command']);
const STRATEGY_KEYS = new Set(['matrix', 'fail-fast', 'max-parallel']);
const SCOPES = new Set([
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
]);
const RUNS_USING = /^(node12|node16|node20|node24|composite|docker)$/;

/** Runs the validity audit for the file's kind. */
export function auditValidity(ctx: AuditContext): void {
  if (ctx.kind === 'workflow') checkWorkflow(ctx);
  else if (ctx.kind === 'action') checkAction(ctx);
  else checkDependabot(ctx);
}

function invalid(ctx: AuditContext, node: unknown, message: string, snippet?: string): void {
  ctx.report({
    ruleId: 'invalid-workflow',
    severity: 'high',
    confidence: 'high',
    span: spanOf(ctx.file, node),
    message,
    ...(snippet ? { snippet } : {}),
  });
}

function unknownKeys(ctx: AuditContext, node: unknown, known: ReadonlySet<string>, where: string): void {
  for (const [key, keyNode] of entries(ctx.file, node)) {
    if (!known.has(key)) invalid(ctx, keyNode, `unknown key '${key}' in ${where}.`, `${where} ${key}`);
  }
}

function checkWorkflow(ctx: AuditContext): void {
  const { file } = ctx;
  const root = file.doc.contents;
  if (!isMap(root)) {
    invalid(ctx, root, 'a workflow must be a mapping with `on` and `jobs`.', 'not a mapping');
    return;
  }
  unknownKeys(ctx, root, WORKFLOW_KEYS, 'the workflow');
  if (!mapPair(file, root, 'on'))
    invalid(ctx, root.items[0]?.key ?? root, 'the workflow has no `on:`, so nothing triggers it.', 'missing on');
  for (const [name, trigger] of ctx.triggers) {
    if (!EVENTS.has(name)) invalid(ctx, trigger.keyNode, `unknown event '${name}' in on:.`, `event ${name}`);
    else if (isMap(trigger.config))
      unknownKeys(ctx, trigger.config, EVENT_KEYS[name] ?? new Set(['types']), `the ${name} event`);
  }
  checkPermissions(ctx, mapGet(file, root, 'permissions'), 'the workflow');
  for (const job of ctx.jobs) checkPermissions(ctx, mapGet(file, job.node, 'permissions'), `job '${job.id}'`);
  const jobs = mapGet(file, root, 'jobs');
  if (!isMap(jobs)) {
    invalid(ctx, jobs ?? root.items[0]?.key ?? root, 'the workflow has no `jobs:` mapping.', 'missing jobs');
    return;
  }
  for (const job of ctx.jobs) {
    if (!isMap(job.node)) {
      invalid(ctx, job.keyNode, `job '${job.id}' must be a mapping.`, `job ${job.id}`);
      continue;
    }
    unknownKeys(ctx, job.node, JOB_KEYS, `job '${job.id}'`);
    const container = mapGet(file, job.node, 'container');
    if (isMap(container)) unknownKeys(ctx, container, CONTAINER_KEYS, `the container of job '${job.id}'`);
    for (const [name, , svc] of entries(file, mapGet(file, job.node, 'services'))) {
      if (isMap(svc)) unknownKeys(ctx, svc, SERVICE_KEYS, `service '${name}' of job '${job.id}'`);
    }
    const strategy = mapGet(file, job.node, 'strategy');
    if (isMap(strategy)) unknownKeys(ctx, strategy, STRATEGY_KEYS, `the strategy of job '${job.id}'`);
    const uses = mapGet(file, job.node, 'uses');
    const steps = mapGet(file, job.node, 'steps');
    if (uses === undefined && mapGet(file, job.node, 'runs-on') === undefined) {
      invalid(ctx, job.keyNode, `job '${job.id}' has neither runs-on nor uses.`, `job ${job.id} runs-on`);
    }
    if (uses === undefined && !isSeq(steps))
      invalid(ctx, job.keyNode, `job '${job.id}' has no steps.`, `job ${job.id} steps`);
    if (uses !== undefined && steps !== undefined)
      invalid(
        ctx,
        job.keyNode,
        `job '${job.id}' calls a reusable workflow and cannot also have steps.`,
        `job ${job.id} uses+steps`,
      );
    checkNeeds(ctx, job.id, mapGet(file, job.node, 'needs'));
    checkSteps(ctx, job.id, steps, false);
  }
}

function checkPermissions(ctx: AuditContext, node: unknown, where: string): void {
  if (node === undefined) return;
  const text = scalarText(node);
  if (text !== undefined) {
    if (!['read-all', 'write-all'].includes(text) && !text.includes('${{'))
      invalid(
        ctx,
        node,
        `permissions of ${where} must be read-all, write-all or a mapping of scopes, not '${text}'.`,
        `${where} permissions ${text}`,
      );
    return;
  }
  if (!isMap(node)) {
    invalid(ctx, node, `permissions of ${where} must be a mapping of scopes.`, `${where} permissions`);
    return;
  }
  for (const [scope, keyNode, value] of entries(ctx.file, node)) {
    if (!SCOPES.has(scope)) {
      invalid(ctx, keyNode, `unknown permission scope '${scope}' in ${where}.`, `${where} scope ${scope}`);
      continue;
    }
    const level = scalarText(value);
    if (level !== 'read' && level !== 'write' && level !== 'none') {
      invalid(
        ctx,
        value ?? keyNode,
        `permission ${scope} of ${where} must be read, write or none, not '${level ?? ''}'.`,
        `${where} ${scope} level`,
      );
    }
  }
}

function checkNeeds(ctx: AuditContext, jobId: string, needs: unknown): void {
  const ids = new Set(ctx.jobs.map((j) => j.id));
  const named = scalarText(needs) !== undefined ? [needs] : items(ctx.file, needs);
  for (const node of named) {
    const name = scalarText(node);
    if (name === undefined || ids.has(name)) continue;
    invalid(
      ctx,
      node,
      `job '${jobId}' needs '${name}', which is not a job of this workflow.`,
      `job ${jobId} needs ${name}`,
    );
  }
}

function checkSteps(ctx: AuditContext, jobId: string, steps: unknown, composite: boolean): void {
  const ids = new Set<string>();
  items(ctx.file, steps).forEach((step, i) => {
    const idNode = mapGet(ctx.file, step, 'id');
    const id = scalarText(idNode);
    if (id !== undefined && !id.includes('${{')) {
      if (ids.has(id.toLowerCase()))
        invalid(
          ctx,
          idNode,
          `step id '${id}' is used twice in ${composite ? 'the action' : `job '${jobId}'`}.`,
          `${jobId} id ${id}`,
        );
      ids.add(id.toLowerCase());
    }
    const where = `step ${i + 1} of ${composite ? 'the action' : `job '${jobId}'`}`;
    if (!isMap(step)) {
      invalid(ctx, step, `${where} must be a mapping.`, where);
      return;
    }
    unknownKeys(ctx, step, STEP_KEYS, where);
    const uses = mapGet(ctx.file, step, 'uses');
    const run = mapGet(ctx.file, step, 'run');
    if (uses !== undefined && run !== undefined)
      invalid(ctx, step, `${where} has both uses and run.`, `${where} uses+run`);
    if (uses === undefined && run === undefined)
      invalid(ctx, step, `${where} has neither uses nor run.`, `${where} empty`);
    if (composite && run !== undefined && mapGet(ctx.file, step, 'shell') === undefined) {
      invalid(ctx, run, `${where} runs a script without shell:, which composite actions require.`, `${where} shell`);
    }
  });
}

function checkAction(ctx: AuditContext): void {
  const { file } = ctx;
  const root = file.doc.contents;
  if (!isMap(root)) {
    invalid(ctx, root, 'an action must be a mapping with `runs`.', 'not a mapping');
    return;
  }
  unknownKeys(ctx, root, ACTION_KEYS, 'the action');
  const runs = mapGet(file, root, 'runs');
  const using = scalarText(mapGet(file, runs, 'using'));
  if (!isMap(runs) || using === undefined) {
    invalid(ctx, runs ?? root, 'the action has no runs.using.', 'missing runs.using');
    return;
  }
  if (!RUNS_USING.test(using))
    invalid(ctx, mapGet(file, runs, 'using'), `runs.using '${using}' is not one GitHub supports.`, `using ${using}`);
  if (using === 'composite') {
    const steps = mapGet(file, runs, 'steps');
    if (!isSeq(steps)) {
      invalid(
        ctx,
        steps ?? runs,
        `runs.steps of a composite action must be a list of steps${steps === undefined ? '; it is missing' : ''}.`,
        'composite steps',
      );
      return;
    }
    checkSteps(ctx, '(composite)', steps, true);
  } else if (using === 'docker') {
    if (scalarText(mapGet(file, runs, 'image')) === undefined)
      invalid(
        ctx,
        mapGet(file, runs, 'image') ?? runs,
        'a Docker action needs runs.image (a Dockerfile path or docker:// image).',
        'docker image',
      );
  } else if (RUNS_USING.test(using) && scalarText(mapGet(file, runs, 'main')) === undefined) {
    invalid(
      ctx,
      mapGet(file, runs, 'main') ?? runs,
      `a ${using} action needs runs.main, the script it runs.`,
      'node main',
    );
  }
}

function checkDependabot(ctx: AuditContext): void {
  const { file } = ctx;
  const root = file.doc.contents;
  const version = mapGet(file, root, 'version');
  if (!isScalar(version) || Number(version.value) !== 2)
    invalid(ctx, version ?? root, 'dependabot.yml must say version: 2.', 'version');
  const updates = mapGet(file, root, 'updates');
  if (!isSeq(updates)) {
    invalid(
      ctx,
      updates ?? root,
      `dependabot.yml needs updates: as a list of update blocks${updates === undefined ? '; it is missing' : ''}.`,
      'updates',
    );
  } else {
    items(file, updates).forEach((block, i) => checkUpdateBlock(ctx, block, i));
  }
  const blocks: unknown[] = [root, ...items(file, updates)];
  for (const [, , reg] of entries(file, mapGet(file, root, 'registries'))) blocks.push(reg);
  for (const block of blocks) {
    const node = mapGet(file, block, 'insecure-external-code-execution');
    if (scalarText(node) !== 'allow') continue;
    const eco = scalarText(mapGet(file, block, 'package-ecosystem')) ?? 'this update';
    ctx.report({
      ruleId: 'dependabot-execution',
      severity: 'high',
      confidence: 'high',
      span: spanOf(file, node),
      message: `Dependabot may run code from ${eco} dependencies while updating them, with access to the registries' credentials.`,
      snippet: `${eco} insecure-external-code-execution`,
    });
  }
}

function checkUpdateBlock(ctx: AuditContext, block: unknown, i: number): void {
  const { file } = ctx;
  const where = `update ${i + 1} of dependabot.yml`;
  if (!isMap(block)) {
    invalid(ctx, block, `${where} must be a mapping with package-ecosystem, directory and schedule.`, where);
    return;
  }
  if (scalarText(mapGet(file, block, 'package-ecosystem')) === undefined)
    invalid(ctx, block, `${where} has no package-ecosystem.`, `${where} package-ecosystem`);
  if (mapGet(file, block, 'directory') === undefined && mapGet(file, block, 'directories') === undefined)
    invalid(ctx, block, `${where} has neither directory nor directories.`, `${where} directory`);
  const inGroup = mapGet(file, block, 'multi-ecosystem-group') !== undefined;
  checkCooldown(ctx, block, scalarText(mapGet(file, block, 'package-ecosystem')) ?? where);
  const schedule = mapGet(file, block, 'schedule');
  if (!inGroup && scalarText(mapGet(file, schedule, 'interval')) === undefined)
    invalid(
      ctx,
      schedule ?? block,
      `${where} has no schedule.interval, so Dependabot does not know when to run it.`,
      `${where} schedule`,
    );
}

/** Days a new release waits before Dependabot proposes it; most malicious releases are found and pulled within a week. */
const MIN_COOLDOWN_DAYS = 7;

function checkCooldown(ctx: AuditContext, block: unknown, eco: string): void {
  const { file } = ctx;
  const cooldown = mapPair(file, block, 'cooldown');
  const days = mapGet(file, cooldown?.value, 'default-days');
  const n = Number(scalarText(days));
  if (cooldown && days !== undefined && Number.isFinite(n) && n >= MIN_COOLDOWN_DAYS) return;
  const node = days ?? cooldown?.key ?? mapPair(file, block, 'package-ecosystem')?.key ?? block;
  ctx.report({
    ruleId: 'dependabot-cooldown',
    severity: 'medium',
    confidence: 'high',
    span: spanOf(file, node),
    message: !cooldown
      ? `the ${eco} updates have no cooldown, so Dependabot proposes a release the day it is published, before a compromised one is found and pulled.`
      : days === undefined
        ? `the cooldown of the ${eco} updates sets no default-days, so releases are proposed the day they are published.`
        : `the cooldown of the ${eco} updates is ${scalarText(days) ?? '?'} day(s); a compromised release is often found and pulled within ${MIN_COOLDOWN_DAYS} days.`,
    snippet: `${eco} cooldown`,
  });
}
