/**
 * Lines a pull request adds or changes, from a unified diff (`git diff`, or
 * the `patch` of each file the pulls API lists), so that annotations land on
 * what the pull request touched.
 */

/** Added or changed line numbers (new side) by file path. */
export type ChangedLines = Map<string, Set<number>>;

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Parses a unified diff of any number of files. Paths lose git's `b/` prefix;
 * deleted files have no lines. A patch of one file (as the pulls API gives
 * it, without headers) is read with `file` naming it.
 */
export function changedLinesFromDiff(diff: string, file?: string): ChangedLines {
  const out: ChangedLines = new Map();
  let current: Set<number> | undefined = file === undefined ? undefined : new Set();
  if (file !== undefined && current) out.set(file, current);
  let line = 0;
  // Lines still expected on each side of the current hunk; a hunk ends when both reach 0.
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of diff.split('\n')) {
    const text = raw.replace(/\r$/, '');
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (inHunk) {
      if (text.startsWith('+')) {
        current?.add(line);
        line++;
        newLeft--;
      } else if (text.startsWith('-')) oldLeft--;
      else if (text.startsWith(' ') || text === '') {
        line++;
        oldLeft--;
        newLeft--;
      }
      // "\ No newline at end of file" belongs to neither side.
      continue;
    }
    if (text.startsWith('diff --git ')) {
      current = undefined;
      continue;
    }
    if (text.startsWith('+++ ')) {
      const path = text.slice(4).replace(/\t.*$/, '');
      if (path === '/dev/null') current = undefined;
      else {
        const name = path.replace(/^b\//, '');
        current = out.get(name) ?? new Set();
        out.set(name, current);
      }
      continue;
    }
    const hunk = HUNK.exec(text);
    if (hunk) {
      oldLeft = Number(hunk[1] ?? 1);
      line = Number(hunk[2]);
      newLeft = Number(hunk[3] ?? 1);
    }
  }
  return out;
}
