/**
 * The secret scan of a git diff read where it lies. The keyword automaton
 * runs over each file's hunks in the diff itself; hits on lines the change
 * does not add are dropped, and each rule's pattern runs in place, on the
 * added line between its `+` and its line end. Nothing is copied for the
 * lines that hold no keyword, which is most of what reading a large diff
 * used to cost. What spans lines (key blocks, a value below its key,
 * Kubernetes manifests) is read from the file's added lines joined, built
 * only for the files that need it. The findings are those of
 * `scanDiffFiles(parseUnifiedDiff(diff))`, line for line.
 */
import { lineBreak, lineStop, parseUnifiedDiff, readGitHeader, readHunkHeader } from '../core/diff.js';
import {
  beginText,
  DIFF_LINE_STARTS,
  lineAllowed,
  lineCandidates,
  matchSpanning,
  toFinding,
  type Candidate,
  type CompiledRules,
  type ScanOptions,
  type TextScan,
} from './engine.js';
import type { SecretsPolicy } from './policy.js';
import { TextMemo, type SecretRule } from './rule.js';
import {
  admitDiffFile,
  manifestRuleApplies,
  scanDiffFiles,
  scanOptionsOf,
  withManifestFindings,
  type ScanResult,
} from './scan.js';
import type { SecretFinding } from './secret-finding.js';

const PLUS = 43;
const SPACE = 32;
const AT = 64;

/**
 * Visits each line of the hunks in `[from, to)` with where it starts, where
 * its text stops (a carriage return before the line end left out) and its
 * tag; an empty line counts as context, as the parser reads it.
 */
function eachHunkLine(
  diff: string,
  from: number,
  to: number,
  visit: (pos: number, stop: number, tag: number) => void,
): void {
  for (let pos = from; pos < to;) {
    const nl = lineBreak(diff, pos, to);
    const stop = lineStop(diff, pos, nl);
    visit(pos, stop, stop > pos ? diff.charCodeAt(pos) : SPACE);
    pos = nl + 1;
  }
}

/**
 * The new file's line number of hunk lines, asked in increasing order: a
 * cursor walks the lines once, as the parser would, taking numbers from hunk
 * headers and counting context and added lines.
 */
class HunkLineNumbers {
  private pos: number;
  private next = 0;
  constructor(
    private readonly diff: string,
    private readonly bodyStart: number,
  ) {
    this.pos = bodyStart;
  }

  /** The number of the added line that starts (with its `+`) at `lineStart`. */
  at(lineStart: number): number {
    if (lineStart < this.pos) {
      this.pos = this.bodyStart;
      this.next = 0;
    }
    eachHunkLine(this.diff, this.pos, lineStart, (pos, stop, tag) => {
      if (tag === AT) this.next = readHunkHeader(this.diff.slice(pos, stop))?.newStart ?? this.next;
      else if (tag === PLUS || tag === SPACE) this.next++;
    });
    this.pos = lineStart;
    return this.next;
  }
}

/** A file's added lines joined, as the parser gives them, with the way back and forth between the two texts. */
class AddedLines {
  readonly text: string;
  readonly lineNumbers: number[] = [];
  readonly memo: TextMemo;
  /** Per added line: where its text starts in the diff, and in `text`. */
  private readonly diffStarts: number[] = [];
  private readonly joinedStarts: number[] = [];

  constructor(diff: string, bodyStart: number, end: number) {
    const parts: string[] = [];
    let joined = 0;
    let next = 0;
    eachHunkLine(diff, bodyStart, end, (pos, stop, tag) => {
      if (tag === AT) next = readHunkHeader(diff.slice(pos, stop))?.newStart ?? next;
      else if (tag === SPACE) next++;
      else if (tag === PLUS) {
        parts.push(diff.slice(pos + 1, stop));
        this.diffStarts.push(pos + 1);
        this.joinedStarts.push(joined);
        this.lineNumbers.push(next++);
        joined += stop - pos;
      }
    });
    this.text = parts.join('\n');
    this.memo = new TextMemo(this.text);
  }

  toJoined(offset: number): number {
    const k = lastAtOrBefore(this.diffStarts, offset);
    return (this.joinedStarts[k] as number) + offset - (this.diffStarts[k] as number);
  }

  /** The new file's line number of the added line holding `offset` of `text`. */
  lineNumberAt(offset: number): number {
    return this.lineNumbers[lastAtOrBefore(this.joinedStarts, offset)] as number;
  }

  toDiff(offset: number): number {
    const k = lastAtOrBefore(this.joinedStarts, offset);
    return (this.diffStarts[k] as number) + offset - (this.joinedStarts[k] as number);
  }
}

/** Index of the last element of an increasing array that is at most `x` (0 when none is). */
function lastAtOrBefore(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((xs[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Counts of what a file's hunks add, as the parser would give them. */
interface Added {
  lines: number;
  /** Characters of the added lines, without their `+` and line ends. */
  chars: number;
}

/** Hits of one file of the diff, `[first, last)` of the scratch buffer, and where its hunks are. */
interface FileHits {
  readonly first: number;
  readonly last: number;
  /** Offsets of its hunk headers, in order; the first is where its hunks start. */
  readonly hunks: readonly number[];
  /** Offsets of its no-newline markers. */
  readonly marks: readonly number[];
}

/**
 * Counts the added lines of a file's hunks, ending at `end`. A hunk that only
 * adds (`@@ -0,0 +1,n @@`, every new file) is counted from its header;
 * others, and hunks with carriage returns or a no-newline marker, line by line.
 */
function countAdded(diff: string, file: FileHits, end: number, returns: NextOccurrence): Added {
  const added: Added = { lines: 0, chars: 0 };
  let mark = 0;
  file.hunks.forEach((h, i) => {
    const headerEnd = lineBreak(diff, h, end);
    const hunk = readHunkHeader(diff.slice(h, lineStop(diff, h, headerEnd)));
    const bodyFrom = Math.min(end, headerEnd + 1);
    const bodyTo = file.hunks[i + 1] ?? end;
    while (mark < file.marks.length && (file.marks[mark] as number) < bodyFrom) mark++;
    const marked = mark < file.marks.length && (file.marks[mark] as number) < bodyTo;
    if (hunk && hunk.oldCount === 0 && !marked && returns.from(bodyFrom) >= bodyTo) {
      added.lines += hunk.newCount;
      added.chars += bodyTo - bodyFrom - 2 * hunk.newCount + (diff.charCodeAt(bodyTo - 1) === 10 ? 0 : 1);
      return;
    }
    eachHunkLine(diff, bodyFrom, bodyTo, (pos, stop, tag) => {
      if (tag !== PLUS) return;
      added.lines++;
      added.chars += stop - pos - 1;
    });
  });
  return added;
}

/**
 * The next answer of a search, for positions asked in increasing order: each
 * search starts where the last answer was, so the diff is searched once in
 * all rather than once per file.
 */
class NextOccurrence {
  private at = -2;
  constructor(private readonly search: (from: number) => number) {}
  from(pos: number): number {
    if (this.at !== -1 && this.at < pos) this.at = this.search(pos);
    return this.at === -1 ? Infinity : this.at;
  }
}

/** Where the first line starting with `diff --git ` is, or -1. */
function firstFileHeader(diff: string): number {
  for (let i = diff.indexOf(DIFF_LINE_STARTS.file); i !== -1; i = diff.indexOf(DIFF_LINE_STARTS.file, i + 1)) {
    if (i === 0 || diff.charCodeAt(i - 1) === 10) return i;
  }
  return -1;
}

/**
 * Scans the lines a git diff adds, and the names of the files it adds, in
 * place. A diff without `diff --git` headers (plain `diff -u`) is parsed and
 * scanned file by file instead, as is anything before the first header.
 */
export function scanGitDiff(diff: string, rules: CompiledRules, policy: SecretsPolicy): ScanResult {
  const first = firstFileHeader(diff);
  if (first === -1) return scanDiffFiles(parseUnifiedDiff(diff), rules, policy);
  const result =
    first > 0
      ? scanDiffFiles(parseUnifiedDiff(diff.slice(0, first)), rules, policy)
      : { findings: [], notices: [], files: 0, lines: 0, bytes: 0 };
  const options = scanOptionsOf(policy);
  const returns = new NextOccurrence((pos) => diff.indexOf('\r', pos));
  let memo: TextMemo | undefined;
  const diffMemo = (): TextMemo => (memo ??= new TextMemo(diff));
  // One pass of the automaton over the whole diff finds the rules' keywords and the diff's own structure.
  const { hits } = rules.scratch;
  const structure = rules.diffLines;
  hits.clear();
  rules.automaton.collect(diff, hits, first);
  const atLineStart = (h: number): boolean => {
    const at = hits.start[h] as number;
    return at === 0 || diff.charCodeAt(at - 1) === 10;
  };
  const shared: DiffScan = { diff, compiled: rules, policy, options, result, returns, memo: diffMemo };
  let h = 0;
  while (h < hits.length && !(hits.keyword[h] === structure.file && atLineStart(h))) h++;
  while (h < hits.length) {
    // Each file starts at a header hit.
    const from = hits.start[h] as number;
    const hunks: number[] = [];
    const marks: number[] = [];
    let last = h + 1;
    for (; last < hits.length; last++) {
      const k = hits.keyword[last] as number;
      if (k === structure.file && atLineStart(last)) break;
      if (k === structure.hunk && atLineStart(last)) hunks.push(hits.start[last] as number);
      else if (k === structure.noNewline && atLineStart(last)) marks.push(hits.start[last] as number);
    }
    const to = last < hits.length ? (hits.start[last] as number) : diff.length;
    scanFile(shared, from, to, { first: h + 1, last, hunks, marks });
    h = last;
  }
  return result;
}

/** What every file of one diff shares. */
interface DiffScan {
  readonly diff: string;
  readonly compiled: CompiledRules;
  readonly policy: SecretsPolicy;
  readonly options: ScanOptions;
  readonly result: ScanResult;
  /** Carriage returns: a hunk without one has lines ending at `\n` alone. */
  readonly returns: NextOccurrence;
  /** Remembered searches over the diff, for rules tried where they lie. */
  readonly memo: () => TextMemo;
}

/** One `diff --git` section, `[from, to)` of the diff. */
function scanFile(scan: DiffScan, from: number, to: number, fileHits: FileHits): void {
  const { diff, compiled, policy, options, result } = scan;
  const bodyStart = fileHits.hunks[0] ?? to;
  const header = readGitHeader(diff, from, bodyStart);
  if (!header || !admitDiffFile(header, policy, options, result) || bodyStart >= to) return;
  const added = countAdded(diff, fileHits, to, scan.returns);
  if (added.lines === 0) return;
  result.lines += added.lines;
  result.bytes += added.chars + added.lines - 1;

  const file = header.path;
  let view: AddedLines | undefined;
  const joined = (): AddedLines => (view ??= new AddedLines(diff, bodyStart, to));
  const spanning = (rule: SecretRule, at: number): Candidate | undefined => {
    const lines = joined();
    const from = lines.toJoined(at);
    const c = matchSpanning(rule, lines.text, from, lines.memo);
    // As in a whole text: a value below its key stands on the file's next line, not merely the next added one.
    if (!c || (!rule.matchAt && lines.lineNumberAt(c.start) !== lines.lineNumberAt(from) + 1)) return undefined;
    return { rule, start: lines.toDiff(c.start), end: lines.toDiff(c.end), secret: c.secret };
  };
  const found = lineFindings(
    { compiled, text: diff, file, options, spanning, memo: scan.memo },
    bodyStart,
    to,
    fileHits,
  );
  if (!manifestRuleApplies(file, options) || !mentionsSecretKind(diff, compiled, fileHits)) {
    result.findings.push(...found);
    return;
  }
  const lines = joined();
  result.findings.push(
    ...withManifestFindings(found, { file, text: lines.text, lineNumbers: lines.lineNumbers }, options),
  );
}

/**
 * A Kubernetes Secret manifest has an added line `kind: Secret`: one of the
 * file's hits on the keyword `secret`, with that case, on a line that starts
 * `+kind:`. Only then are the file's added lines joined for the manifest rule.
 */
function mentionsSecretKind(diff: string, compiled: CompiledRules, fileHits: FileHits): boolean {
  const { hits } = compiled.scratch;
  for (let h = fileHits.first; h < fileHits.last; h++) {
    const at = hits.start[h] as number;
    if (diff.startsWith('Secret', at) && diff.startsWith('+kind:', diff.lastIndexOf('\n', at) + 1)) return true;
  }
  return false;
}

/** The line rules over a file's hits: hits on added lines only, patterns in place. */
function lineFindings(scan: TextScan, bodyStart: number, end: number, fileHits: FileHits): SecretFinding[] {
  const { compiled, text: diff, file } = scan;
  const { hits } = compiled.scratch;
  beginText(compiled);
  const numbers = new HunkLineNumbers(diff, bodyStart);
  const lineStartOf = (offset: number): number => diff.lastIndexOf('\n', offset - 1) + 1;
  const findings: SecretFinding[] = [];
  let skipUntil = 0;
  for (let first = fileHits.first; first < fileHits.last;) {
    const firstStart = hits.start[first] as number;
    const lineStart = lineStartOf(firstStart);
    const nl = lineBreak(diff, firstStart, end);
    let last = first + 1;
    while (last < fileHits.last && (hits.start[last] as number) < nl) last++;
    let group = first;
    first = last;
    // Headers, context and removed lines are not what the change adds; a keyword that takes in the `+` is not in the line.
    if (lineStart < bodyStart || diff.charCodeAt(lineStart) !== PLUS) continue;
    const contentStart = lineStart + 1;
    while (group < last && (hits.start[group] as number) < contentStart) group++;
    const lineEnd = lineStop(diff, contentStart, nl);
    if (group === last || lineEnd <= skipUntil || lineAllowed(compiled, group, last)) continue;
    for (const c of lineCandidates(scan, group, last, contentStart, lineEnd, skipUntil)) {
      const startLine = lineStartOf(c.start);
      const endLine = lineStartOf(c.end);
      if (c.end > lineEnd) skipUntil = Math.max(skipUntil, c.end);
      findings.push(
        toFinding(c, file, numbers.at(startLine), c.start - startLine, numbers.at(endLine), c.end - endLine),
      );
    }
  }
  return findings;
}
