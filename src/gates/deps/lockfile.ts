/**
 * The fallback when GitHub's dependency graph cannot answer (not enabled,
 * GitHub Enterprise Server without it, no connection): the dependency
 * changes between two versions of an npm lock file. Lock files carry names,
 * versions, dev flags and licenses, but no advisories.
 */
import type { DependencyChange } from '../../github/port.js';

/** One installed package of a lock file. */
export interface LockEntry {
  readonly name: string;
  readonly version: string;
  readonly license: string | null;
  readonly dev: boolean;
}

/** A lock file that cannot be read; `file` names it. */
export class LockfileError extends Error {
  override readonly name = 'LockfileError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** File names the fallback diffs. */
export const NPM_LOCK_FILES: ReadonlySet<string> = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function licenseOf(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  // Old packages wrote `{ "type": "MIT" }`.
  if (isObject(v) && typeof v['type'] === 'string') return v['type'];
  return null;
}

/** Lock files of version 2 and 3: a flat `packages` map keyed by install path. */
function fromPackages(packages: Json): LockEntry[] {
  const out: LockEntry[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '' || !isObject(entry) || entry['link'] === true) continue;
    const at = path.lastIndexOf('node_modules/');
    // Paths outside node_modules are workspace packages, which are the repository's own code.
    if (at < 0) continue;
    const installedAs = path.slice(at + 'node_modules/'.length);
    const name = typeof entry['name'] === 'string' ? entry['name'] : installedAs;
    if (typeof entry['version'] !== 'string') continue;
    out.push({ name, version: entry['version'], license: licenseOf(entry['license']), dev: entry['dev'] === true });
  }
  return out;
}

/** Lock files of version 1: nested `dependencies`. */
function fromDependencies(deps: Json, out: LockEntry[], depth: number): LockEntry[] {
  if (depth > 64) return out;
  for (const [name, entry] of Object.entries(deps)) {
    if (!isObject(entry) || typeof entry['version'] !== 'string') continue;
    out.push({ name, version: entry['version'], license: null, dev: entry['dev'] === true });
    if (isObject(entry['dependencies'])) fromDependencies(entry['dependencies'], out, depth + 1);
  }
  return out;
}

/** The packages of an npm lock file. Throws LockfileError when it is not one. */
export function readPackageLock(text: string, file: string): LockEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new LockfileError(file, `is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(data)) throw new LockfileError(file, 'is not an npm lock file: expected a JSON object');
  if (isObject(data['packages'])) return fromPackages(data['packages']);
  if (isObject(data['dependencies'])) return fromDependencies(data['dependencies'], [], 0);
  if (data['lockfileVersion'] !== undefined) return [];
  throw new LockfileError(file, 'is not an npm lock file: it has neither `packages` nor `dependencies`');
}

function purl(name: string, version: string): string {
  const path = name.startsWith('@') ? `%40${name.slice(1)}` : name;
  return `pkg:npm/${path}@${encodeURIComponent(version)}`;
}

function index(entries: readonly LockEntry[]): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  for (const e of entries) {
    const key = `${e.name}@${e.version}`;
    const prev = out.get(key);
    // The same version installed for runtime and development use is a runtime dependency.
    if (!prev || (prev.dev && !e.dev)) out.set(key, e);
  }
  return out;
}

/**
 * Changes between two versions of a lock file, in the shape of GitHub's
 * compare endpoint (without advisories). Undefined text means the file does
 * not exist on that side. Throws LockfileError.
 */
export function diffPackageLocks(
  manifest: string,
  baseText: string | undefined,
  headText: string | undefined,
): DependencyChange[] {
  const base = index(baseText === undefined ? [] : readPackageLock(baseText, manifest));
  const head = index(headText === undefined ? [] : readPackageLock(headText, manifest));
  const change = (e: LockEntry, changeType: 'added' | 'removed'): DependencyChange => ({
    changeType,
    manifest,
    ecosystem: 'npm',
    name: e.name,
    version: e.version,
    packageUrl: purl(e.name, e.version),
    license: e.license,
    sourceRepositoryUrl: null,
    scope: e.dev ? 'development' : 'runtime',
    vulnerabilities: [],
  });
  const out: DependencyChange[] = [];
  for (const [key, e] of head) if (!base.has(key)) out.push(change(e, 'added'));
  for (const [key, e] of base) if (!head.has(key)) out.push(change(e, 'removed'));
  return out;
}
