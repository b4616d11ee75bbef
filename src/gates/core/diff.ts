/**
 * Unified diffs as git writes them (`git diff base...head`): for each file,
 * its path, what happened to it, and the lines the change adds with their
 * line numbers in the new file. Plain `diff -u` output is read too. The one
 * diff parser of the gates: the secret scan and the annotations both read it.
 */

/** What a change did to a file. */
export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied';

/** One file of a diff. */
export interface DiffFile {
  /** Path in the new tree (in the old one for a deleted file), relative, with `/`. */
  readonly path: string;
  readonly oldPath?: string;
  readonly status: FileStatus;
  /** Git said "Binary files differ": there are no lines to read. */
  readonly binary: boolean;
  /** The added lines, without their `+`. */
  readonly addedLines: readonly string[];
  /** The new file's line number of each added line. */
  readonly lineNumbers: readonly number[];
}

/** What a file's header lines say of it. */
interface FileHeader {
  path: string;
  oldPath: string | undefined;
  status: FileStatus;
  binary: boolean;
}

interface Building extends FileHeader {
  addedLines: string[];
  lineNumbers: number[];
}

function finish(f: Building): DiffFile {
  return {
    path: f.path,
    ...(f.oldPath !== undefined && f.oldPath !== f.path ? { oldPath: f.oldPath } : {}),
    status: f.status,
    binary: f.binary,
    addedLines: f.addedLines,
    lineNumbers: f.lineNumbers,
  };
}

/** The end of the line starting at `pos`: its `\n`, or `end` when it has none before. */
export function lineBreak(diff: string, pos: number, end: number): number {
  const nl = diff.indexOf('\n', pos);
  return nl === -1 || nl > end ? end : nl;
}

/** Where the text of the line `[pos, nl)` stops: a carriage return before the line end is left out, as git shows the line. */
export function lineStop(diff: string, pos: number, nl: number): number {
  return nl > pos && diff.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/** Undoes git's C-style quoting of unusual paths: `"caf\303\251"` is `café`. */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const next = body.charAt(i + 1);
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(p: string): string | undefined {
  const path = unquoteGitPath(p.replace(/\t.*$/, '').trimEnd());
  if (path === '/dev/null') return undefined;
  return /^[ab]\//.test(path) ? path.slice(2) : path;
}

/** The two paths of `diff --git a/X b/Y`, when they can be told apart. */
function headerPaths(rest: string): { oldPath: string; path: string } | undefined {
  if (rest.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*")\s+(.+)$/.exec(rest);
    if (!m) return undefined;
    const a = stripPrefix(m[1] as string);
    const b = stripPrefix(m[2] as string);
    return a && b ? { oldPath: a, path: b } : undefined;
  }
  // Same path on both sides is the common case, and the only sure split when names hold spaces.
  const mid = (rest.length - 1) / 2;
  if (
    Number.isInteger(mid) &&
    rest.startsWith('a/') &&
    rest.slice(mid + 1).startsWith('b/') &&
    rest.slice(2, mid) === rest.slice(mid + 3)
  ) {
    return { oldPath: rest.slice(2, mid), path: rest.slice(2, mid) };
  }
  const split = rest.lastIndexOf(' b/');
  if (split === -1) return undefined;
  const a = stripPrefix(rest.slice(0, split));
  const b = stripPrefix(rest.slice(split + 1));
  return a && b ? { oldPath: a, path: b } : undefined;
}

/** A hunk header: its first old range (start, count) and its new range (start, count); a combined diff has more old ranges. */
const HUNK = /^@@+ -\d+(?:,(\d+))? (?:-\d+(?:,\d+)? )*\+(\d+)(?:,(\d+))? @@/;

/** The counts of a hunk header `@@ -a,b +c,d @@`: where its new lines start, and how many new and old lines it holds. */
export function readHunkHeader(line: string): { newStart: number; newCount: number; oldCount: number } | undefined {
  const hunk = HUNK.exec(line);
  if (!hunk) return undefined;
  return {
    newStart: Number(hunk[2]),
    newCount: hunk[3] === undefined ? 1 : Number(hunk[3]),
    oldCount: hunk[1] === undefined ? 1 : Number(hunk[1]),
  };
}

/** The `---` and `+++` lines of a file: its paths, and whether it was added or deleted. */
function readNames(file: FileHeader, oldPath: string | undefined, newPath: string | undefined): void {
  if (newPath === undefined) file.status = 'deleted';
  else if (oldPath === undefined) file.status = 'added';
  file.path = newPath ?? oldPath ?? file.path;
  if (oldPath !== undefined && oldPath !== file.path) file.oldPath = oldPath;
}

/** One of git's extended header lines: modes, renames, copies, binary content. Others say nothing here. */
function readExtendedHeader(file: FileHeader, line: string): void {
  if (line.startsWith('new file mode')) file.status = 'added';
  else if (line.startsWith('deleted file mode')) file.status = 'deleted';
  else if (line.startsWith('rename from ')) {
    file.oldPath = unquoteGitPath(line.slice('rename from '.length));
    file.status = 'renamed';
  } else if (line.startsWith('rename to ')) file.path = unquoteGitPath(line.slice('rename to '.length));
  else if (line.startsWith('copy from ')) {
    file.oldPath = unquoteGitPath(line.slice('copy from '.length));
    file.status = 'copied';
  } else if (line.startsWith('copy to ')) file.path = unquoteGitPath(line.slice('copy to '.length));
  else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
    file.binary = true;
    const m = /^Binary files (.+) and (.+) differ$/.exec(line);
    if (m) {
      if (m[1] === '/dev/null') file.status = 'added';
      if (m[2] === '/dev/null') file.status = 'deleted';
    }
  }
}

/**
 * The file that the header lines `[from, to)` of one `diff --git` section
 * describe, read as `parseUnifiedDiff` reads them, without building the rest
 * of a parse; undefined when no path can be read.
 */
export function readGitHeader(
  diff: string,
  from: number,
  to: number,
): Pick<DiffFile, 'path' | 'oldPath' | 'status' | 'binary'> | undefined {
  // Where the line at `pos` ends (without a carriage return), and where the next starts; no object per line.
  let stop = 0;
  const lineEnd = (pos: number): number => {
    const end = lineBreak(diff, pos, to);
    stop = lineStop(diff, pos, end);
    return end + 1;
  };
  let pos = lineEnd(from);
  if (!diff.startsWith('diff --git ', from)) return undefined;
  const paths = headerPaths(diff.slice(from + 'diff --git '.length, stop));
  const file: FileHeader = { path: paths?.path ?? '', oldPath: paths?.oldPath, status: 'modified', binary: false };
  while (pos < to) {
    const at = pos;
    pos = lineEnd(at);
    const code = diff.charCodeAt(at);
    if (code === 92) continue;
    if (code === 45 && diff.startsWith('--- ', at) && pos < to && diff.startsWith('+++ ', pos)) {
      const oldName = diff.slice(at + 4, stop);
      const plusAt = pos;
      pos = lineEnd(plusAt);
      readNames(file, stripPrefix(oldName), stripPrefix(diff.slice(plusAt + 4, stop)));
      continue;
    }
    readExtendedHeader(file, diff.slice(at, stop));
  }
  if (file.path === '') return undefined;
  return {
    path: file.path,
    ...(file.oldPath !== undefined && file.oldPath !== file.path ? { oldPath: file.oldPath } : {}),
    status: file.status,
    binary: file.binary,
  };
}

/** Reads a unified diff. Lines it does not understand outside hunks are skipped, never fatal. */
export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: Building[] = [];
  let current: Building | undefined;
  let newLine = 0;
  let newRemaining = 0;
  let oldRemaining = 0;
  /** A `diff --git` line was read and its `---`/`+++` lines have not come yet. */
  let awaitingNames = false;
  const start = (path: string, oldPath: string | undefined, status: FileStatus): Building => {
    current = { path, oldPath, status, binary: false, addedLines: [], lineNumbers: [] };
    files.push(current);
    newRemaining = 0;
    oldRemaining = 0;
    return current;
  };
  /** The line from `from` without its line end, and where the next one starts. */
  const lineAt = (from: number): { text: string; next: number } => {
    const end = lineBreak(diff, from, diff.length);
    return { text: diff.slice(from, lineStop(diff, from, end)), next: end + 1 };
  };

  // A cursor rather than split('\n'): inside hunks only added lines are ever copied.
  for (let pos = 0; pos < diff.length;) {
    if (current && (newRemaining > 0 || oldRemaining > 0)) {
      const end = lineBreak(diff, pos, diff.length);
      const stop = lineStop(diff, pos, end);
      const tag = stop > pos ? diff.charCodeAt(pos) : 32;
      if (tag === 43) {
        current.addedLines.push(diff.slice(pos + 1, stop));
        current.lineNumbers.push(newLine++);
        newRemaining--;
        pos = end + 1;
        continue;
      }
      if (tag === 45) {
        oldRemaining--;
        pos = end + 1;
        continue;
      }
      if (tag === 32) {
        newLine++;
        newRemaining--;
        oldRemaining--;
        pos = end + 1;
        continue;
      }
      if (tag === 92) {
        pos = end + 1;
        continue;
      }
      // Anything else ends a hunk whose counts were wrong; read it as a header.
      newRemaining = 0;
      oldRemaining = 0;
    }
    const { text: line, next } = lineAt(pos);
    pos = next;
    if (line.startsWith('\\')) continue;
    if (line.startsWith('diff --git ')) {
      const paths = headerPaths(line.slice('diff --git '.length));
      start(paths?.path ?? '', paths?.oldPath, 'modified');
      awaitingNames = true;
      continue;
    }
    const following = line.startsWith('--- ') ? lineAt(pos) : undefined;
    if (following?.text.startsWith('+++ ')) {
      const oldPath = stripPrefix(line.slice(4));
      const newPath = stripPrefix(following.text.slice(4));
      // A plain `diff -u` has no `diff --git` line: there the `---` line starts the file.
      readNames(
        awaitingNames && current ? current : start(newPath ?? oldPath ?? '', oldPath, 'modified'),
        oldPath,
        newPath,
      );
      awaitingNames = false;
      pos = following.next;
      continue;
    }
    const hunk = readHunkHeader(line);
    if (hunk && current) {
      awaitingNames = false;
      newLine = hunk.newStart;
      newRemaining = hunk.newCount;
      oldRemaining = hunk.oldCount;
      continue;
    }
    if (current) readExtendedHeader(current, line);
  }
  return files.filter((f) => f.path !== '').map(finish);
}

/** Added or changed line numbers (new side) by file path. */
export type ChangedLines = Map<string, Set<number>>;

/**
 * The lines a change adds, by file, so that annotations land on what a pull
 * request touched: from a unified diff of any number of files, or from the
 * patch of one file as the pulls API gives it (hunks without headers), with
 * `file` naming it. Deleted files have no lines.
 */
export function changedLinesFromDiff(diff: string, file?: string): ChangedLines {
  const text = file === undefined ? diff : `--- a/${file}\n+++ b/${file}\n${diff}`;
  const out: ChangedLines = new Map();
  for (const f of parseUnifiedDiff(text)) {
    if (f.status === 'deleted' || f.binary) continue;
    const lines = out.get(f.path) ?? new Set<number>();
    for (const n of f.lineNumbers) lines.add(n);
    out.set(f.path, lines);
  }
  return out;
}
