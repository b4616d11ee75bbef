/**
 * Which files of a folder the workflow audit reads. Any folder may be named:
 * workflows are recognised by where they are (`.github/workflows/`) or by
 * what they hold (top-level `on:` and `jobs:`), actions, Dependabot and
 * pre-commit configurations by their names. What the walk saw is kept, so that a run
 * that found nothing can say where it looked.
 */
import { join, resolve } from 'node:path';
import type { GateFs } from '../core/fs.js';

/** Folders the walk does not enter: git's data, installed dependencies and build output. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'lib', 'coverage']);
const YAML = /\.ya?ml$/i;
/** Deeper than any real repository's layout; it bounds a walk through a loop of links. */
const MAX_DEPTH = 32;
/** Only the start of a file is read to recognise a workflow; its top-level keys come early. */
const SNIFF_BYTES = 64 * 1024;

/** How a file was recognised. */
export type FoundAs = 'workflow-folder' | 'workflow-content' | 'action' | 'dependabot' | 'pre-commit' | 'named';

/** A file to audit, with its content when recognising it needed reading it. */
export interface FoundFile {
  readonly path: string;
  readonly as: FoundAs;
  readonly content?: Uint8Array;
}

/** What one walk looked at. */
export interface WalkReport {
  readonly root: string;
  folders: number;
  files: number;
  yaml: number;
  /** Folders passed over by name (SKIP_DIRS), or because they were too deep. */
  readonly skipped: string[];
}

/** The files a folder holds for the audit, and what the walk saw on the way. */
export interface Discovery {
  readonly files: FoundFile[];
  readonly report: WalkReport;
}

const TOP_ON = /^(?:on|"on"|'on')[ \t]*:/m;
const TOP_JOBS = /^(?:jobs|"jobs"|'jobs')[ \t]*:/m;

/** True when a YAML text has the top-level `on:` and `jobs:` keys every workflow has. */
export function looksLikeWorkflow(text: string): boolean {
  return TOP_JOBS.test(text) && TOP_ON.test(text);
}

/** Walks `root` and recognises workflows, action.yml, dependabot.yml and .pre-commit-config.yaml files. */
export async function discoverFiles(fs: GateFs, root: string): Promise<Discovery> {
  const files: FoundFile[] = [];
  const report: WalkReport = { root, folders: 0, files: 0, yaml: 0, skipped: [] };
  const walk = async (dir: string, depth: number): Promise<void> => {
    report.folders++;
    const ents = (await fs.list(dir)).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of ents) {
      const path = join(dir, e.name);
      if (e.dir) {
        if (SKIP_DIRS.has(e.name) || depth >= MAX_DEPTH) report.skipped.push(path);
        else await walk(path, depth + 1);
        continue;
      }
      report.files++;
      const lower = e.name.toLowerCase();
      if (!YAML.test(lower)) continue;
      report.yaml++;
      if (lower === 'action.yml' || lower === 'action.yaml') files.push({ path, as: 'action' });
      else if (lower === 'dependabot.yml' || lower === 'dependabot.yaml') files.push({ path, as: 'dependabot' });
      else if (lower === '.pre-commit-config.yaml' || lower === '.pre-commit-config.yml')
        files.push({ path, as: 'pre-commit' });
      else if (inWorkflowsFolder(dir, root, depth)) files.push({ path, as: 'workflow-folder' });
      else {
        const content = await readOrUndefined(fs, path);
        if (content && looksLikeWorkflow(Buffer.from(content.subarray(0, SNIFF_BYTES)).toString('utf8')))
          files.push({ path, as: 'workflow-content', content });
      }
    }
  };
  await walk(root, 0);
  return { files, report };
}

/** `.github/workflows/` anywhere, or a folder named `workflows` that the user named itself: every YAML file there is a workflow. */
function inWorkflowsFolder(dir: string, root: string, depth: number): boolean {
  const full = resolve(dir).replace(/\\/g, '/');
  return (
    /\/\.github\/workflows$/.test(full) || (depth === 0 && /(^|\/)workflows$/.test(resolve(root).replace(/\\/g, '/')))
  );
}

async function readOrUndefined(fs: GateFs, path: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path);
  } catch {
    // A file that cannot be read cannot be recognised; the walk's counts still include it.
    return undefined;
  }
}

/** One line saying where a walk looked, for the error of a run that found nothing. */
export function describeWalk(r: WalkReport, shown: (path: string) => string): string {
  const parts = [`${r.files} file(s) in ${r.folders} folder(s) under ${shown(r.root)}`, `${r.yaml} of them YAML`];
  if (r.yaml > 0)
    parts.push(
      'none named action.yml, dependabot.yml or .pre-commit-config.yaml, in .github/workflows/, or with the top-level `on:` and `jobs:` of a workflow',
    );
  if (r.skipped.length > 0)
    parts.push(
      `not entered: ${r.skipped.slice(0, 5).map(shown).join(', ')}${r.skipped.length > 5 ? ` and ${r.skipped.length - 5} more` : ''}`,
    );
  return parts.join('; ');
}
