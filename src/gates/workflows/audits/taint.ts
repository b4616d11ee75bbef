/**
 * Which expression values an outsider controls in one file: the known
 * attacker-controlled contexts, string inputs, and values derived from them
 * through `env:`, step outputs and job outputs.
 */
import type { Confidence, Severity } from '../../core/finding.js';
import {
  actionName,
  OUTSIDER_TRIGGERS,
  PRIVILEGED_TRIGGERS,
  type AuditContext,
  type Job,
  type Step,
} from '../model.js';
import { entries, items, mapGet, scalarText, type SourceFile } from '../source.js';
import { findTemplates, flowingAccesses, isAttackerControlled } from '../templates.js';

/** Where a value comes from: an outsider directly, through other values, or a free-text input. */
export type TaintKind = 'attacker' | 'derived' | 'input';

/** A value that can carry an outsider's text, and how bad expanding it into code is. */
export interface Taint {
  readonly kind: TaintKind;
  /** The attacker-controlled source the value comes from. */
  readonly origin: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
}

interface InputInfo {
  readonly source: 'workflow_dispatch' | 'workflow_call' | 'action';
}

/** Per-file taint facts, computed once and shared by the audits that need them. */
export interface TaintModel {
  classify(path: string, job: Job | undefined, step: Step | undefined): Taint | undefined;
  /** Severity of a finding about attacker data reaching code, by the workflow's triggers. */
  readonly attackerSeverity: Severity;
}

/** Writes to the files that set outputs, environment and PATH of later steps. */
export const ENV_FILE_WRITE =
  /\$\{?GITHUB_(ENV|PATH|OUTPUT)\b|\$env:GITHUB_(ENV|PATH|OUTPUT)\b|%GITHUB_(ENV|PATH|OUTPUT)%/;

function triggerSeverity(ctx: AuditContext): Severity {
  if (ctx.kind === 'action') return 'high';
  const names = [...ctx.triggers.keys()];
  if (names.some((t) => PRIVILEGED_TRIGGERS.has(t))) return 'critical';
  // A fork's pull_request run has a read-only token and no secrets; the author could edit the workflow anyway.
  if (names.length > 0 && names.every((t) => OUTSIDER_TRIGGERS.has(t) || t === 'merge_group')) return 'medium';
  return 'high';
}

function readInputs(ctx: AuditContext): Map<string, InputInfo> {
  const { file } = ctx;
  const out = new Map<string, InputInfo>();
  const root = file.doc.contents;
  if (ctx.kind === 'action') {
    for (const [name] of entries(file, mapGet(file, root, 'inputs'))) out.set(name.toLowerCase(), { source: 'action' });
    return out;
  }
  for (const source of ['workflow_dispatch', 'workflow_call'] as const) {
    const cfg = ctx.triggers.get(source)?.config;
    for (const [name, , spec] of entries(file, mapGet(file, cfg, 'inputs'))) {
      const type = scalarText(mapGet(file, spec, 'type')) ?? 'string';
      if (type !== 'string') continue;
      const key = name.toLowerCase();
      // An input both triggers declare takes the more exposed source.
      if (!out.has(key) || source === 'workflow_call') out.set(key, { source });
    }
  }
  return out;
}

/** Paths read by templates of a scalar that an outsider controls, at the attacker level only. */
function attackerPathsIn(text: string): string[] {
  const out: string[] = [];
  for (const t of findTemplates(text)) {
    if (!t.ast) continue;
    for (const a of flowingAccesses(t.ast)) if (isAttackerControlled(a.path)) out.push(a.path);
  }
  return out;
}

function envTaint(file: SourceFile, envNode: unknown, into: Map<string, string>): void {
  for (const [name, , value] of entries(file, envNode)) {
    const text = scalarText(value);
    if (text === undefined) continue;
    const origin = attackerPathsIn(text)[0];
    if (origin) into.set(name.toLowerCase(), origin);
    else into.delete(name.toLowerCase());
  }
}

/** Builds the taint model of one file. */
export function buildTaintModel(ctx: AuditContext): TaintModel {
  const { file } = ctx;
  const attackerSeverity = triggerSeverity(ctx);
  const inputs = readInputs(ctx);
  const workflowEnv = new Map<string, string>();
  if (ctx.kind === 'workflow') envTaint(file, mapGet(file, file.doc.contents, 'env'), workflowEnv);

  const jobEnv = new Map<string, Map<string, string>>();
  const stepOutputs = new Map<string, Map<string, string>>();
  const jobOutputs = new Map<string, string>();

  const matrixTaint = new Map<string, Map<string, string>>();
  for (const job of ctx.jobs) {
    const env = new Map(workflowEnv);
    envTaint(file, mapGet(file, job.node, 'env'), env);
    jobEnv.set(job.id, env);
    matrixTaint.set(job.id, readMatrixTaint(file, mapGet(file, mapGet(file, job.node, 'strategy'), 'matrix')));
    const outputs = new Map<string, string>();
    for (const step of job.steps) {
      if (!step.id) continue;
      const origin = stepOutputOrigin(file, step, env, outputs);
      if (origin) outputs.set(step.id.toLowerCase(), origin);
    }
    stepOutputs.set(job.id, outputs);
    for (const [name, , value] of entries(file, mapGet(file, job.node, 'outputs'))) {
      const text = scalarText(value);
      if (text === undefined) continue;
      for (const t of findTemplates(text)) {
        if (!t.ast) continue;
        for (const a of flowingAccesses(t.ast)) {
          const m = /^steps\.([^.]+)\.outputs\./.exec(a.path);
          const origin = isAttackerControlled(a.path) ? a.path : m ? outputs.get(m[1] as string) : undefined;
          if (origin) jobOutputs.set(`${job.id.toLowerCase()}.${name.toLowerCase()}`, origin);
        }
      }
    }
  }

  const derived = (origin: string): Taint => ({
    kind: 'derived',
    origin,
    severity: attackerSeverity,
    confidence: 'medium',
  });

  return {
    attackerSeverity,
    classify(path, job, step) {
      if (isAttackerControlled(path))
        return { kind: 'attacker', origin: path, severity: attackerSeverity, confidence: 'high' };
      const parts = path.split('.');
      const [root, second, third] = parts;
      if (root === 'inputs' || (root === 'github' && second === 'event' && third === 'inputs')) {
        const name = root === 'inputs' ? second : parts[3];
        const info = name ? inputs.get(name) : undefined;
        if (!info) return undefined;
        if (info.source === 'workflow_call')
          return { kind: 'input', origin: path, severity: 'medium', confidence: 'low' };
        return {
          kind: 'input',
          origin: path,
          severity: 'low',
          confidence: info.source === 'action' ? 'low' : 'medium',
        };
      }
      if (root === 'steps' && second && third === 'outputs' && job) {
        const origin = stepOutputs.get(job.id)?.get(second);
        return origin ? derived(origin) : undefined;
      }
      if (root === 'needs' && second && third === 'outputs' && parts[3]) {
        const origin = jobOutputs.get(`${second}.${parts[3]}`);
        return origin ? derived(origin) : undefined;
      }
      if (root === 'matrix' && second && job) {
        const taints = matrixTaint.get(job.id);
        const origin = taints?.get(second) ?? taints?.get('*');
        return origin ? derived(origin) : undefined;
      }
      if (root === 'env' && second) {
        // The innermost env that defines the name decides: a step may override a tainted job variable.
        const env = new Map(job ? jobEnv.get(job.id) : workflowEnv);
        if (step) envTaint(file, step.env, env);
        const origin = env.get(second);
        return origin ? derived(origin) : undefined;
      }
      return undefined;
    },
  };
}

/**
 * Matrix values built from attacker data: a whole matrix from an expression
 * (key `*`), or one dimension, or an `include` entry's value.
 */
function readMatrixTaint(file: SourceFile, matrix: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const whole = scalarText(matrix);
  if (whole !== undefined) {
    const origin = attackerPathsIn(whole)[0];
    if (origin) out.set('*', origin);
    return out;
  }
  const consider = (name: string, value: unknown): void => {
    const text = scalarText(value);
    const origin = text === undefined ? undefined : attackerPathsIn(text)[0];
    if (origin) out.set(name.toLowerCase(), origin);
  };
  for (const [name, , value] of entries(file, matrix)) {
    if (name === 'include' || name === 'exclude') {
      for (const item of items(file, value)) for (const [k, , v] of entries(file, item)) consider(k, v);
      const text = scalarText(value);
      const origin = text === undefined ? undefined : attackerPathsIn(text)[0];
      if (origin) out.set('*', origin);
    } else {
      consider(name, value);
      for (const item of items(file, value)) consider(name, item);
    }
  }
  return out;
}

/**
 * Actions whose outputs list the files a change touches. In a pull request
 * the author names those files, and a file name can hold `$(...)` or a quote.
 */
const OUTPUTS_FROM_CHANGES: ReadonlyMap<string, string> = new Map([
  ['tj-actions/changed-files', 'file names of the change (tj-actions/changed-files)'],
  ['dorny/paths-filter', 'file names of the change (dorny/paths-filter)'],
  ['jitterbit/get-changed-files', 'file names of the change (jitterbit/get-changed-files)'],
  ['step-security/changed-files', 'file names of the change (step-security/changed-files)'],
]);

/**
 * The attacker-controlled origin of a step's outputs: a `run:` that writes a
 * tainted template or tainted variable to GITHUB_OUTPUT, or a code-taking
 * action fed with one.
 */
function stepOutputOrigin(
  file: SourceFile,
  step: Step,
  jobEnv: Map<string, string>,
  earlier: Map<string, string>,
): string | undefined {
  const sources: string[] = [];
  if (step.run && /GITHUB_OUTPUT/.test(step.run.text)) sources.push(step.run.text);
  const name = step.uses ? actionName(step.uses.text) : undefined;
  const listed = name ? OUTPUTS_FROM_CHANGES.get(name) : undefined;
  if (listed) return listed;
  if (name === 'actions/github-script') {
    const script = scalarText(mapGet(file, step.with, 'script'));
    if (script !== undefined) sources.push(script);
  }
  for (const text of sources) {
    const direct = attackerPathsIn(text)[0];
    if (direct) return direct;
    for (const t of findTemplates(text)) {
      if (!t.ast) continue;
      for (const a of flowingAccesses(t.ast)) {
        const m = /^steps\.([^.]+)\.outputs\./.exec(a.path);
        const origin = m ? earlier.get(m[1] as string) : undefined;
        if (origin) return origin;
      }
    }
    const env = new Map(jobEnv);
    envTaint(file, step.env, env);
    const origin = referencedVariable(text, env);
    if (origin) return origin;
  }
  return undefined;
}

const VARIABLE_USE =
  /\$\{?([A-Za-z_][A-Za-z0-9_]*)|\$env:([A-Za-z_][A-Za-z0-9_]*)|process\.env\.([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%/g;

/** The origin of the first tainted variable a script expands (`$X`, `${X}`, `$env:X`, `%X%`, `process.env.X`). */
export function referencedVariable(text: string, tainted: ReadonlyMap<string, string>): string | undefined {
  if (tainted.size === 0) return undefined;
  for (const m of text.matchAll(VARIABLE_USE)) {
    const origin = tainted.get((m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').toLowerCase());
    if (origin) return origin;
  }
  return undefined;
}

/** Tainted variables of a step's environment (workflow, job and step `env:`), by lower-case name. */
export function stepEnvTaint(ctx: AuditContext, job: Job, step: Step): Map<string, string> {
  const { file } = ctx;
  const env = new Map<string, string>();
  if (ctx.kind === 'workflow') envTaint(file, mapGet(file, file.doc.contents, 'env'), env);
  envTaint(file, mapGet(file, job.node, 'env'), env);
  envTaint(file, step.env, env);
  return env;
}
