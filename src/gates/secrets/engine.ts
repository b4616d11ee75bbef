/**
 * The scan of one text: a single pass of the keyword automaton over each
 * line; a rule's pattern is tried only at the places where one of its
 * keywords occurs, from a fixed anchor, so the work per hit is bounded by the
 * pattern and not by the length of the line. Pure: text in, findings out.
 */
import { HitBuffer, KeywordAutomaton } from './aho-corasick.js';
import { isReference, isRepetitive, shannonEntropy, STOP_WORDS, stopWordIn } from './entropy.js';
import { KNOWN_PUBLIC_KEY_DIGESTS } from './known-public.js';
import { redact, secretDigest, secretFingerprint } from './redact.js';
import {
  assignmentFollows,
  IDENTIFIER_BOUND,
  identifierEnd,
  keyNamesNoSecret,
  nextLineMayFollow,
  TextMemo,
  type SecretRule,
} from './rule.js';
import type { SecretFinding } from './secret-finding.js';

/** Inline markers that silence every finding on their line. */
export const ALLOW_MARKERS: readonly string[] = ['gitleaks:allow', 'bellwether:allow'];

/**
 * How the lines that give a git diff its shape start: a file's header, a
 * hunk's header, and the marker after a last line without a line end. The
 * diff scan finds them with the keywords, in the same single pass.
 */
export const DIFF_LINE_STARTS = {
  file: 'diff --git ',
  hunk: '@@ -',
  noNewline: '\\ no newline at end of file',
} as const;

/** Keyword indexes of `DIFF_LINE_STARTS`. */
export interface DiffLineKeywords {
  readonly file: number;
  readonly hunk: number;
  readonly noNewline: number;
}

/** Rules compiled together: one automaton over all their keywords and the allow markers. */
export interface CompiledRules {
  readonly rules: readonly SecretRule[];
  readonly automaton: KeywordAutomaton;
  /**
   * For each keyword of the automaton, the rules that use it (none for allow
   * markers and diff lines), each with its anchor as an offset from the
   * keyword's start: the rules of keyword `k` are `rule[start[k]..start[k+1])`.
   */
  readonly keywordRules: { readonly start: Int32Array; readonly rule: Int32Array; readonly delta: Int32Array };
  /** 1 for each keyword index that is an allow marker: the check made for every line with hits. */
  readonly isMarker: Uint8Array;
  /** Keyword indexes of the starts of a diff's structural lines; no rule uses them. */
  readonly diffLines: DiffLineKeywords;
  /** Each rule's `notAfter` as an ASCII table, by rule index. */
  readonly boundaries: ReadonlyArray<Uint8Array | undefined>;
  /** Memory reused by every scan with these rules (scans are synchronous, so one set suffices). */
  readonly scratch: ScanScratch;
}

/** Buffers a scan fills and empties, kept with the rules so that scanning many small files allocates nothing per file. */
interface ScanScratch {
  readonly hits: HitBuffer;
  /** Per rule: 0 not yet known for this text, 1 active, -1 disabled or not for this path. */
  readonly active: Int8Array;
  /** Per assignment rule: the line start, anchor and identifier end of its last attempt on that line. */
  readonly lastLine: Int32Array;
  readonly lastFrom: Int32Array;
  readonly lastIdentEnd: Int32Array;
  /** Candidates of the line being read; emptied for each line. */
  readonly candidates: Candidate[];
}

/** Checks the rules and builds the automaton. Throws on a malformed rule, which is a bug. */
export function compileRules(rules: readonly SecretRule[]): CompiledRules {
  const ids = new Set<string>();
  const keywordIndex = new Map<string, number>();
  const rulesOfKeyword: number[][] = [];
  const indexOf = (k: string): number => {
    let i = keywordIndex.get(k);
    if (i === undefined) {
      i = rulesOfKeyword.length;
      keywordIndex.set(k, i);
      rulesOfKeyword.push([]);
    }
    return i;
  };
  rules.forEach((rule, ri) => {
    if (ids.has(rule.id)) throw new Error(`duplicate secret rule id ${rule.id}`);
    ids.add(rule.id);
    if (!rule.pattern.sticky) throw new Error(`secret rule ${rule.id}: pattern must be sticky (flag y)`);
    if (rule.keywords.length === 0) throw new Error(`secret rule ${rule.id}: no keywords`);
    for (const k of rule.keywords) {
      if (k !== k.toLowerCase()) throw new Error(`secret rule ${rule.id}: keyword ${k} must be lowercase`);
      rulesOfKeyword[indexOf(k)]?.push(ri);
    }
  });
  // The markers ride on the same pass, so finding them costs nothing extra; so do the lines that shape a diff.
  const markers = new Set(ALLOW_MARKERS.map(indexOf));
  const diffLines: DiffLineKeywords = {
    file: indexOf(DIFF_LINE_STARTS.file),
    hunk: indexOf(DIFF_LINE_STARTS.hunk),
    noNewline: indexOf(DIFF_LINE_STARTS.noNewline),
  };
  const boundaries = rules.map((r) => (r.notAfter ? boundaryTable(r.notAfter) : undefined));
  const automaton = new KeywordAutomaton([...keywordIndex.keys()]);
  const n = rules.length;
  const scratch: ScanScratch = {
    hits: new HitBuffer(),
    active: new Int8Array(n),
    lastLine: new Int32Array(n),
    lastFrom: new Int32Array(n),
    lastIdentEnd: new Int32Array(n),
    candidates: [],
  };
  const keywordLength = Int32Array.from(automaton.keywords, (k) => k.length);
  const start = new Int32Array(rulesOfKeyword.length + 1);
  const flat: Array<[number, number]> = [];
  rulesOfKeyword.forEach((ris, k) => {
    start[k] = flat.length;
    for (const ri of ris) {
      const anchor = (rules[ri] as SecretRule).anchor;
      flat.push([ri, anchor === 'start' ? 0 : anchor === 'end' ? (keywordLength[k] as number) : anchor]);
    }
  });
  start[rulesOfKeyword.length] = flat.length;
  const keywordRules = { start, rule: Int32Array.from(flat, (e) => e[0]), delta: Int32Array.from(flat, (e) => e[1]) };
  const isMarker = new Uint8Array(rulesOfKeyword.length);
  for (const m of markers) isMarker[m] = 1;
  return { rules, automaton, keywordRules, isMarker, diffLines, boundaries, scratch };
}

/** A text to scan: a whole file, or the lines a change adds to it. */
export interface TextUnit {
  /** Path relative to the repository root, with `/`. */
  readonly file: string;
  readonly text: string;
  /** The file's line number of each line of `text`; 1, 2, 3... when absent. */
  readonly lineNumbers?: readonly number[];
}

/** What the policy changes in a scan. */
export interface ScanOptions {
  readonly disabledRules?: ReadonlySet<string>;
  /** A secret matching one of these is not reported. */
  readonly allowPatterns?: readonly RegExp[];
  readonly stopWords?: readonly string[];
}

/** A match of one rule before overlaps are resolved; offsets are in the scanned text. */
export interface Candidate {
  readonly rule: SecretRule;
  readonly start: number;
  readonly end: number;
  readonly secret: string;
}

function startsWithAny(text: string, at: number, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (text.startsWith(p, at)) return true;
  return false;
}

/** The ASCII answers of a `notAfter` class, so that the check costs one load. */
function boundaryTable(re: RegExp): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < 128; i++) table[i] = re.test(String.fromCharCode(i)) ? 1 : 0;
  return table;
}

function forbiddenBefore(table: Uint8Array, re: RegExp, c: number): boolean {
  return c < 128 ? table[c] === 1 : re.test(String.fromCharCode(c));
}

function rankOf(rule: SecretRule): number {
  return rule.rank ?? (rule.generic ? 1 : 0);
}

function acceptable(rule: SecretRule, secret: string, options: ScanOptions): boolean {
  if (rule.accept && !rule.accept(secret)) return false;
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return false;
  if (rule.generic) {
    if (isRepetitive(secret) || isReference(secret)) return false;
    if (stopWordIn(secret, options.stopWords ?? STOP_WORDS) !== undefined) return false;
  }
  if ((options.allowPatterns ?? []).some((p) => p.test(secret))) return false;
  // Last, as it hashes: the few candidates that got this far.
  return !KNOWN_PUBLIC_KEY_DIGESTS.has(secretDigest(secret));
}

/** Line index of text offsets asked in increasing order, counting line breaks once. */
class LineCounter {
  private at = 0;
  private index = 0;
  constructor(private readonly text: string) {}

  indexOf(offset: number): number {
    if (offset < this.at) {
      this.at = 0;
      this.index = 0;
    }
    for (let i = this.text.indexOf('\n', this.at); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1))
      this.index++;
    this.at = offset;
    return this.index;
  }
}

/** Whether a rule applies to this file under these options; asked once per text, on the rule's first hit. */
function ruleActive(rule: SecretRule, file: string, options: ScanOptions): boolean {
  return !options.disabledRules?.has(rule.id) && (!rule.paths || rule.paths.test(file));
}

/**
 * One text being scanned: the string the patterns run on, and how a rule
 * whose match spans lines is tried there. In a whole text the next line is
 * right below; in a diff read in place, the next added line may be further
 * down, so the diff scan answers from the file's added lines joined.
 */
export interface TextScan {
  readonly compiled: CompiledRules;
  readonly text: string;
  readonly file: string;
  readonly options: ScanOptions;
  /** Tries a key-block rule, or an assignment rule's value on the line below, at `at`; offsets are in `text`. */
  readonly spanning: (rule: SecretRule, at: number) => Candidate | undefined;
  /** Remembered searches over `text` itself, for `matchAt` rules tried where they lie. */
  readonly memo: () => TextMemo;
}

/** Forgets what the last text learned about rules and attempts; called before each text (or each file of a diff). */
export function beginText(compiled: CompiledRules): void {
  compiled.scratch.active.fill(0);
  compiled.scratch.lastLine.fill(-1);
}

/** Whether one of the hits `[first, last)` is an inline allow marker. */
export function lineAllowed(compiled: CompiledRules, first: number, last: number): boolean {
  const { hits } = compiled.scratch;
  for (let h = first; h < last; h++) if (compiled.isMarker[hits.keyword[h] as number] === 1) return true;
  return false;
}

/**
 * Every rule of the hits `[first, last)` of the scratch buffer, all on the
 * line `[lineStart, lineEnd)` of the text, tried at its anchor. Hits before
 * `skipUntil` lie inside a secret already reported.
 */
export function lineCandidates(
  scan: TextScan,
  first: number,
  last: number,
  lineStart: number,
  lineEnd: number,
  skipUntil: number,
): readonly Candidate[] {
  const { compiled, text, file, options } = scan;
  const { rules, keywordRules, boundaries, scratch } = compiled;
  const { hits, active } = scratch;
  const candidates = scratch.candidates;
  candidates.length = 0;
  for (let h = first; h < last; h++) {
    const keyword = hits.keyword[h] as number;
    const hitStart = hits.start[h] as number;
    if (hitStart < skipUntil) continue;
    const to = keywordRules.start[keyword + 1] as number;
    for (let e = keywordRules.start[keyword] as number; e < to; e++) {
      const ri = keywordRules.rule[e] as number;
      const at = hitStart + (keywordRules.delta[e] as number);
      if (at < lineStart || at >= lineEnd) continue;
      const rule = rules[ri] as SecretRule;
      if (active[ri] === 0) active[ri] = ruleActive(rule, file, options) ? 1 : -1;
      if (active[ri] !== 1) continue;
      if (rule.caseSensitiveKeywords && !startsWithAny(text, hitStart, rule.caseSensitiveKeywords)) continue;
      const boundary = boundaries[ri];
      if (boundary && at > lineStart && forbiddenBefore(boundary, rule.notAfter as RegExp, text.charCodeAt(at - 1)))
        continue;
      if (rule.assignment) {
        // Every keyword inside one identifier (`accessTokenKey`) leads to the same operator; the first attempt answers for the rest.
        if (coveredByLastAttempt(scratch, ri, lineStart, at)) continue;
        const identEnd = identifierEnd(text, at, lineEnd);
        rememberAttempt(scratch, ri, lineStart, at, identEnd);
        if (
          !assignmentFollows(text, at, lineEnd, identEnd) ||
          keyNamesNoSecret(text, hitStart, identEnd, lineStart, rule.generic === true)
        )
          continue;
      }
      let candidate: Candidate | undefined;
      if (rule.matchAt)
        candidate =
          rule.mayCrossLine && !rule.mayCrossLine(text, at, lineEnd)
            ? matchOnLine(rule, text, at, lineEnd, scan.memo())
            : scan.spanning(rule, at);
      else
        candidate =
          matchLine(rule, text, at, lineEnd) ??
          (rule.continuation && nextLineMayFollow(text, at, lineEnd) ? scan.spanning(rule, at) : undefined);
      if (!candidate || !acceptable(rule, candidate.secret, options)) continue;
      if (
        rule.generic &&
        rule.assignment &&
        inCallOrList(text, at, candidate.start) &&
        !looksGenerated(candidate.secret)
      )
        continue;
      candidates.push(candidate);
    }
  }
  return keepBest(candidates);
}

/** A rule's pattern at `at`, when its match ends on this line. */
function matchLine(rule: SecretRule, text: string, at: number, lineEnd: number): Candidate | undefined {
  rule.pattern.lastIndex = at;
  const m = rule.pattern.exec(text);
  if (!m || m.index + m[0].length > lineEnd) return undefined;
  const secret = m.groups?.secret ?? m[1] ?? m[0];
  const end = m.index + m[0].length;
  return { rule, start: end - secret.length, end, secret };
}

/**
 * The generic rule's value follows its name as the next argument of a call
 * or the next item of a list (`set('apiKey', '...')`), not after `=`, `:` or
 * `>`: there names stand beside other names (`['AuthorizationRef',
 * 'BslnFormat0Part']`, `KeyError("sdkinstallrootv2.0")`).
 */
function inCallOrList(text: string, at: number, valueStart: number): boolean {
  for (let i = at; i < valueStart; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 || c === 58 || c === 62) return false;
  }
  return true;
}

/**
 * A value that a generator made rather than a person named: long hexadecimal,
 * or upper and lower case letters with digits that do not read as words in
 * PascalCase (`BslnFormat0Part`, `CbmBasicV2Lexer` do).
 */
export function looksGenerated(value: string): boolean {
  if (/^[0-9a-f]{20,}$/i.test(value)) return true;
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/[0-9]/.test(value)) return false;
  return !/^(?:[A-Z][a-z]{2,}|[A-Z]{1,4}[0-9]*|[0-9]+)+$/.test(value);
}

/** A `matchAt` rule whose match cannot leave the line, tried where it lies. */
function matchOnLine(
  rule: SecretRule,
  text: string,
  at: number,
  lineEnd: number,
  memo: TextMemo,
): Candidate | undefined {
  const c = matchSpanning(rule, text, at, memo);
  return c && c.end <= lineEnd ? c : undefined;
}

/** A key block at `at`, or an assignment rule's value on the line below, in a whole text. */
export function matchSpanning(rule: SecretRule, text: string, at: number, memo: TextMemo): Candidate | undefined {
  if (rule.matchAt) {
    const m = rule.matchAt(text, at, memo);
    return m ? { rule, start: m.secretStart, end: m.end, secret: m.secret } : undefined;
  }
  if (!rule.continuation) return undefined;
  rule.continuation.lastIndex = at;
  const next = rule.continuation.exec(text);
  const secret = next?.groups?.secret;
  if (!next || !secret) return undefined;
  const end = next.index + next[0].length;
  return { rule, start: end - secret.length, end, secret };
}

/** Scans one text with compiled rules. Never throws on content. */
export function scanText(compiled: CompiledRules, unit: TextUnit, options: ScanOptions = {}): SecretFinding[] {
  const { text, file } = unit;
  const { hits } = compiled.scratch;
  hits.clear();
  compiled.automaton.collect(text, hits);
  if (hits.length === 0) return [];
  beginText(compiled);
  let memo: TextMemo | undefined;
  const textMemo = (): TextMemo => (memo ??= new TextMemo(text));
  const lines = new LineCounter(text);
  const lineNumber = (index: number): number => unit.lineNumbers?.[index] ?? index + 1;
  // Anchors and value starts each come in increasing order, so one counter apiece counts every line once.
  const anchorLines = new LineCounter(text);
  const valueLines = new LineCounter(text);
  const spanning = (rule: SecretRule, at: number): Candidate | undefined => {
    const c = matchSpanning(rule, text, at, textMemo());
    // A value below its key must stand on the file's next line: in the lines a change adds, the next one may be far below.
    if (
      c &&
      !rule.matchAt &&
      unit.lineNumbers &&
      lineNumber(valueLines.indexOf(c.start)) !== lineNumber(anchorLines.indexOf(at)) + 1
    )
      return undefined;
    return c;
  };
  const scan: TextScan = { compiled, text, file, options, spanning, memo: textMemo };

  const findings: SecretFinding[] = [];
  let skipUntil = 0;
  // Hits come in text order; each run of hits on one line is handled together.
  for (let first = 0; first < hits.length;) {
    const firstStart = hits.start[first] as number;
    const lineStart = firstStart === 0 ? 0 : text.lastIndexOf('\n', firstStart - 1) + 1;
    let lineEnd = text.indexOf('\n', firstStart);
    if (lineEnd === -1) lineEnd = text.length;
    let last = first + 1;
    while (last < hits.length && (hits.start[last] as number) < lineEnd) last++;
    const group = first;
    first = last;
    if (lineEnd <= skipUntil || lineAllowed(compiled, group, last)) continue;
    for (const c of lineCandidates(scan, group, last, lineStart, lineEnd, skipUntil)) {
      // A secret may start on a later line (a value below its key) and end on a later one still (a key block).
      const startIndex = lines.indexOf(c.start);
      const startLineStart = c.start === 0 ? 0 : text.lastIndexOf('\n', c.start - 1) + 1;
      const endIndex = lines.indexOf(c.end);
      const endLineStart = c.end === 0 ? 0 : text.lastIndexOf('\n', c.end - 1) + 1;
      if (c.end > lineEnd) skipUntil = Math.max(skipUntil, c.end);
      findings.push(
        toFinding(
          c,
          file,
          lineNumber(startIndex),
          c.start - startLineStart + 1,
          lineNumber(endIndex),
          c.end - endLineStart + 1,
        ),
      );
    }
  }
  return findings;
}

/**
 * An attempt of an assignment rule from `at` gives the same match as one
 * from an earlier anchor in the same identifier, or none: both read the rest
 * of the identifier up to the same character. That holds while the earlier
 * anchor's identifier ended within the pattern's 30-character bound.
 */
function coveredByLastAttempt(scratch: ScanScratch, ri: number, lineStart: number, at: number): boolean {
  return (
    scratch.lastLine[ri] === lineStart &&
    at >= (scratch.lastFrom[ri] as number) &&
    at <= (scratch.lastIdentEnd[ri] as number)
  );
}

function rememberAttempt(scratch: ScanScratch, ri: number, lineStart: number, at: number, identEnd: number): void {
  scratch.lastLine[ri] = lineStart;
  scratch.lastFrom[ri] = at;
  scratch.lastIdentEnd[ri] = identEnd - at <= IDENTIFIER_BOUND ? identEnd : -1;
}

const NO_CANDIDATES: readonly Candidate[] = Object.freeze([]);

/**
 * Of overlapping candidates the lowest rank wins, and within a rank the
 * longest (`xoxe.xoxp-...` over the `xoxp-...` inside it); duplicates collapse.
 * Kept spans never overlap, so they stay sorted and each check is a binary
 * search: a line holding thousands of tokens costs k log k, not k squared.
 */
function keepBest(candidates: readonly Candidate[]): readonly Candidate[] {
  if (candidates.length === 0) return NO_CANDIDATES;
  if (candidates.length === 1) return [candidates[0] as Candidate];
  const sorted = [...candidates].sort(
    (a, b) => rankOf(a.rule) - rankOf(b.rule) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Candidate[] = [];
  for (const c of sorted) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((kept[mid] as Candidate).start < c.start) lo = mid + 1;
      else hi = mid;
    }
    const after = kept[lo];
    const before = kept[lo - 1];
    if ((after && after.start < c.end) || (before && before.end > c.start)) continue;
    kept.splice(lo, 0, c);
  }
  return kept;
}

/** The finding of a kept candidate, at the given 1-based lines and columns. */
export function toFinding(
  c: Candidate,
  file: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): SecretFinding {
  const redacted = redact(c.secret, c.rule.fixedPrefix);
  return {
    ruleId: c.rule.id,
    severity: c.rule.severity,
    confidence: c.rule.confidence,
    file,
    line,
    column,
    endLine,
    endColumn,
    message: `${c.rule.title} ${redacted} in ${file}.`,
    fix: c.rule.fix,
    equivalents: {},
    fingerprint: secretFingerprint(c.rule.id, file, c.secret),
    snippet: redacted,
    secret: { redacted, length: c.secret.length },
    ...(c.rule.gitleaks ? { gitleaks: c.rule.gitleaks } : {}),
  };
}
