/**
 * The secret scan's run: scans the lines a change adds, or whole paths, and
 * applies the policy. It returns the report; the `gate secrets` verb
 * (src/cli/gate-command.ts) renders it.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { GitError, type GitPort } from '../../gitops/git.js';
import { ConfigurationError, errorMessage } from '../../runtime/errors.js';
import type { GateFs } from '../core/fs.js';
import { decideSecrets } from './decide.js';
import { scanGitDiff } from './diff-scan.js';
import { scanGitDiffChunks, type scanGitDiffFile } from './diff-stream.js';
import type { PolicySource } from '../core/policy-load.js';
import {
  DEFAULT_SECRETS_POLICY,
  parseSecretsPolicySource,
  parseSecretsPolicyText,
  type LoadedSecretsPolicy,
} from './policy.js';
import type { SecretsReport } from './render.js';
import { defaultRules } from './rules.js';
import { scanFileContent, type ScanResult } from './scan.js';
import type { Deps } from '../../deps/deps.js';

/** What the secret gate scans, and under which policy. */
export interface SecretGateInputs {
  /** Files or directories to scan whole. */
  readonly paths?: readonly string[];
  /** Scan the lines added by `git diff base...head`. */
  readonly base?: string;
  /** Defaults to HEAD when `base` is given. */
  readonly head?: string;
  /** A unified diff file to scan instead of asking git. */
  readonly diff?: string;
  /** A gates policy file with a `secrets:` section, or a file of `kind: secrets`. */
  readonly policy?: string | PolicySource;
  /** Repository root. */
  readonly cwd: string;
}

/** Effects of the secret gate. */
export interface SecretGateDeps extends Pick<Deps, 'clock'> {
  readonly fs: GateFs;
  readonly git: (cwd: string) => GitPort;
  /**
   * Scans a diff file from the disk piece by piece, so that a large diff is
   * never held whole; without it the file is read whole through `fs`.
   */
  readonly scanDiffFile?: typeof scanGitDiffFile;
}

/** Directories a path scan does not enter: git's own data and installed dependencies. */
const SKIP_DIRS = new Set(['.git', 'node_modules']);

function usage(message: string): never {
  throw new ConfigurationError(message);
}

async function loadPolicy(
  fs: GateFs,
  cwd: string,
  file: string | PolicySource | undefined,
): Promise<LoadedSecretsPolicy> {
  if (file === undefined) return { policy: DEFAULT_SECRETS_POLICY, waiverLines: [] };
  if (typeof file !== 'string') return parseSecretsPolicySource(file);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(resolve(cwd, file));
  } catch (err) {
    throw new ConfigurationError(`cannot read the policy: ${errorMessage(err)}`, { file });
  }
  return parseSecretsPolicyText(new TextDecoder().decode(bytes), file);
}

function checkRef(name: string, ref: string): void {
  // A ref that starts with a dash would be read by git as an option.
  if (ref.trim() === '' || ref.startsWith('-') || /[\s\0]/.test(ref))
    usage(`--${name} ${JSON.stringify(ref)} is not a git revision`);
}

/** Scans a diff file: piece by piece from the disk where the deps can, read whole otherwise. */
async function scanDiffFile(
  file: string,
  cwd: string,
  deps: SecretGateDeps,
  policy: LoadedSecretsPolicy['policy'],
): Promise<ScanResult> {
  const path = resolve(cwd, file);
  try {
    // A file that cannot be read is a configuration error, and not a scan that found nothing.
    if (deps.scanDiffFile && (await deps.fs.kind(path)) === 'file')
      return deps.scanDiffFile(path, defaultRules(), policy);
    return await scanGitDiffChunks([await deps.fs.readFile(path)], defaultRules(), policy);
  } catch (err) {
    if (err instanceof Error && 'code' in err)
      throw new ConfigurationError(`cannot read the diff: ${errorMessage(err)}`, { file });
    throw err;
  }
}

async function diffText(
  args: SecretGateInputs,
  cwd: string,
  deps: SecretGateDeps,
): Promise<{ text: string; range: string }> {
  const base = args.base as string;
  const head = args.head ?? 'HEAD';
  checkRef('base', base);
  checkRef('head', head);
  const range = `${base}...${head}`;
  try {
    const { stdout } = await deps
      .git(cwd)
      .run([
        '-c',
        'core.quotepath=off',
        'diff',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--src-prefix=a/',
        '--dst-prefix=b/',
        '-M',
        '-U0',
        range,
        '--',
      ]);
    return { text: stdout, range };
  } catch (err) {
    if (err instanceof GitError) {
      // No exit code and nothing on stderr: git was stopped, most often because its output passed the buffer limit.
      const why =
        err.stderr.trim() ||
        (err.exitCode === null
          ? 'git was stopped before it finished (a diff larger than 64 MB?); write the diff to a file and pass it with --diff FILE'
          : err.message);
      throw new ConfigurationError(`git diff ${range} failed: ${why}`);
    }
    throw err;
  }
}

function toRepoPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return (rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel).split(sep).join('/');
}

async function scanPaths(
  paths: readonly string[],
  cwd: string,
  fs: GateFs,
  policy: LoadedSecretsPolicy['policy'],
): Promise<ScanResult> {
  const total: ScanResult = { findings: [], notices: [], files: 0, lines: 0, bytes: 0 };
  const rules = defaultRules();
  const add = (r: ScanResult): void => {
    total.findings.push(...r.findings);
    total.notices.push(...r.notices);
    total.files += r.files;
    total.lines += r.lines;
    total.bytes += r.bytes;
  };
  const scanFile = async (abs: string): Promise<void> => {
    const path = toRepoPath(cwd, abs);
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(abs);
    } catch (err) {
      total.notices.push({ file: path, message: `could not be read: ${errorMessage(err).replace(/^[A-Z]+: /, '')}` });
      return;
    }
    add(scanFileContent(path, bytes, rules, policy));
  };
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.list(dir)).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const abs = join(dir, e.name);
      if (e.dir) {
        if (!SKIP_DIRS.has(e.name)) await walk(abs);
        continue;
      }
      // A symbolic link to a directory is listed as a non-directory: not followed, so that a loop cannot trap the scan.
      if ((await fs.kind(abs)) === 'dir') continue;
      await scanFile(abs);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const kind = await fs.kind(abs);
    if (kind === undefined) throw new ConfigurationError(`no such file or directory`, { file: p });
    if (kind === 'dir') await walk(abs);
    else await scanFile(abs);
  }
  return total;
}

/** A line that starts a file's part of a unified diff. */
const FILE_HEADER = /^(?:diff --git |--- |\+\+\+ |Binary files )/m;

/**
 * A diff that is empty, or holds no file header at all, gives the scan
 * nothing to read: it is an error, never "0 files, pass".
 */
function refuseNonDiff(text: string, source: { file: string } | { range: string }): void {
  const what = 'file' in source ? `the diff ${source.file}` : `git diff ${source.range}`;
  const where = 'file' in source ? { file: source.file } : {};
  if (text.trim() === '') {
    throw new ConfigurationError(
      `nothing to scan: ${what} is empty${'range' in source ? ' (the change adds, removes and renames nothing)' : ''}`,
      where,
    );
  }
  if (!FILE_HEADER.test(text)) {
    const bytes = Buffer.byteLength(text);
    throw new ConfigurationError(
      `nothing to scan: ${what} is not a unified diff (${bytes} bytes, no \`diff --git\`, \`---\` or \`+++\` file header)`,
      where,
    );
  }
}

/** A path scan that read no text (no file, or only binary, empty or oversized ones) examined nothing: an error. */
function refuseNoText(result: ScanResult, paths: readonly string[]): void {
  if (result.lines > 0) return;
  const named = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');
  if (result.files === 0)
    throw new ConfigurationError(
      `nothing to scan: no file under ${named} (folders .git and node_modules are not entered; files the policy allows are passed over)`,
    );
  throw new ConfigurationError(
    `nothing to scan: the ${result.files} file(s) under ${named} hold no text (binary, empty or larger than maxFileBytes); only their names were checked`,
  );
}

/** Runs the secret gate: reads what to scan, scans it, decides. */
export async function runSecretGate(args: SecretGateInputs, deps: SecretGateDeps): Promise<SecretsReport> {
  const cwd = resolve(args.cwd);
  const paths = args.paths ?? [];
  const diffMode = args.base !== undefined || args.head !== undefined || args.diff !== undefined;
  if (paths.length > 0 && diffMode) usage('give PATHS, or --base/--head, or --diff; not several');
  if (args.diff !== undefined && (args.base !== undefined || args.head !== undefined))
    usage('--diff cannot be combined with --base/--head');
  if (args.head !== undefined && args.base === undefined) usage('--head needs --base');
  if (paths.length === 0 && !diffMode) usage('nothing to scan: give PATHS, --base REF [--head REF], or --diff FILE');
  const loaded = await loadPolicy(deps.fs, cwd, args.policy);

  let result: ScanResult;
  let range: string | undefined;
  if (args.diff !== undefined) {
    range = args.diff;
    result = await scanDiffFile(args.diff, cwd, deps, loaded.policy);
    // Read in pieces, the diff is seen whole only by the scan: one that found no file in it examined nothing.
    if (result.files === 0) {
      const text = Buffer.from(await deps.fs.readFile(resolve(cwd, args.diff))).toString('latin1');
      refuseNonDiff(text, { file: args.diff });
      throw new ConfigurationError(`nothing to scan: the diff ${args.diff} names no file the scan could read`, {
        file: args.diff,
      });
    }
  } else if (diffMode) {
    const diff = await diffText(args, cwd, deps);
    range = diff.range;
    refuseNonDiff(diff.text, args.diff !== undefined ? { file: args.diff } : { range: diff.range });
    result = scanGitDiff(diff.text, defaultRules(), loaded.policy);
  } else {
    result = await scanPaths(paths, cwd, deps.fs, loaded.policy);
    refuseNoText(result, paths);
  }
  const decision = decideSecrets(result.findings, loaded, deps.clock.now());
  return {
    summary: {
      mode: diffMode ? 'diff' : 'paths',
      ...(range !== undefined ? { range } : {}),
      files: result.files,
      lines: result.lines,
      bytes: result.bytes,
    },
    decision,
    notices: result.notices,
  };
}
