/**
 * Bellwether's reusable workflows, the templates that call them and the
 * actions they run, read as plain data for the checks actionlint cannot make
 * without the called files at hand.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type Obj = Record<string, unknown>;

/** A workflow or action file: its path, text and parsed document. */
export interface YamlFile {
  readonly path: string;
  readonly text: string;
  readonly doc: Obj;
}

export const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** Reads and parses one YAML file. */
export function readYaml(path: string): YamlFile {
  const text = readFileSync(path, 'utf8');
  return { path, text, doc: obj(parse(text)) };
}

/** The YAML files directly inside a folder, sorted. */
export function yamlFilesIn(dir: string): YamlFile[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => readYaml(join(dir, f)));
}

/** The reusable workflows Bellwether ships. */
export const reusableWorkflows = (): YamlFile[] =>
  yamlFilesIn('.github/workflows').filter((f) => /\/bellwether-[\w-]+\.yml$/.test(f.path));

/** The templates adopters copy. */
export const templates = (): YamlFile[] => yamlFilesIn('workflows');

/** `on:` of a workflow (YAML 1.2 keeps the key `on` a string). */
export const triggersOf = (wf: YamlFile): Obj => obj(wf.doc['on']);

export const jobsOf = (wf: YamlFile): Array<[string, Obj]> =>
  Object.entries(obj(wf.doc['jobs'])).map(([id, job]) => [id, obj(job)]);

export const stepsOf = (job: Obj): Obj[] => (Array.isArray(job['steps']) ? job['steps'].map(obj) : []);

/** The `workflow_call` interface of a reusable workflow. */
export interface CallInterface {
  readonly inputs: Obj;
  readonly secrets: Obj;
  readonly outputs: Obj;
}

export function callInterface(wf: YamlFile): CallInterface {
  const call = obj(triggersOf(wf)['workflow_call']);
  return { inputs: obj(call['inputs']), secrets: obj(call['secrets']), outputs: obj(call['outputs']) };
}

/** `owner/repo/.github/workflows/file.yml@sha`, split. */
export const REUSABLE_USES = /^([\w.-]+\/[\w.-]+)\/\.github\/workflows\/([\w.-]+\.ya?ml)@([0-9a-f]{40})$/;

/** Where the reusable workflows check Bellwether out, and how their steps name its actions. */
export const BELLWETHER_PATH = '.bellwether/action';
export const LOCAL_ACTION = /^\.\/\.bellwether\/action\/actions\/([\w-]+)$/;

/** The inputs and outputs of one of this repository's actions, from its action.yml. */
export function actionInterface(name: string): { inputs: Obj; outputs: Obj } | undefined {
  const path = join('actions', name, 'action.yml');
  if (!existsSync(path)) return undefined;
  const { doc } = readYaml(path);
  return { inputs: obj(doc['inputs']), outputs: obj(doc['outputs']) };
}

const LEVELS: Record<string, number> = { none: 0, read: 1, write: 2 };

/**
 * Scopes that `wanted` asks for above what `granted` gives. A called
 * workflow's job cannot have more than its caller grants; GitHub refuses to
 * start the run when it asks for more.
 */
export function missingPermissions(granted: unknown, wanted: unknown): string[] {
  const g = obj(granted);
  return Object.entries(obj(wanted))
    .filter(([scope, level]) => (LEVELS[String(level)] ?? 2) > (LEVELS[String(g[scope] ?? 'none')] ?? 0))
    .map(([scope, level]) => `${scope}: ${String(level)}`);
}

/** Whether a value fits a `workflow_call` input type; expressions are checked by actionlint. */
export function fitsInputType(value: unknown, type: unknown): boolean {
  if (typeof value === 'string' && value.includes('${{')) return true;
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'number') return typeof value === 'number';
  return typeof value === 'string';
}

/** Every `<prefix>.<a>.outputs.<b>` in a text, as [a, b]. */
export function outputReferences(text: string, prefix: 'needs' | 'steps' | 'jobs'): Array<[string, string]> {
  return [...text.matchAll(new RegExp(`\\b${prefix}\\.([\\w-]+)\\.outputs\\.([\\w-]+)`, 'g'))].map((m) => [
    m[1] as string,
    m[2] as string,
  ]);
}
