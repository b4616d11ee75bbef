/**
 * The scan of one text: a single pass of the keyword automaton over each
 * line; a rule's pattern is tried only at the places where one of its
 * keywords occurs, from a fixed anchor, so the work per hit is bounded by the
 * pattern and not by the length of the line. Pure: text in, findings out.
 */
import { HitBuffer, KeywordAutomaton } from './aho-corasick.js';
import { isReference, isRepetitive, shannonEntropy, STOP_WORDS, stopWordIn } from './entropy.js';
import { redact, secretFingerprint } from './redact.js';
import { assignmentFollows, IDENTIFIER_BOUND, identifierEnd, TextMemo, type SecretRule } from './rule.js';
import type { SecretFinding } from './secret-finding.js';

/** Inline markers that silence every finding on their line. */
export const ALLOW_MARKERS: readonly string[] = ['gitleaks:allow', 'bellwether:allow'];

/** Rules compiled together: one automaton over all their keywords and the allow markers. */
export interface CompiledRules {
  readonly rules: readonly SecretRule[];
  readonly automaton: KeywordAutomaton;
  /** For each keyword of the automaton, the indexes of the rules that use it; empty for allow markers. */
  readonly rulesOfKeyword: ReadonlyArray<readonly number[]>;
  /** Keyword indexes that are allow markers. */
  readonly markers: ReadonlySet<number>;
  /** Each rule's `notAfter` as an ASCII table, by rule index. */
  readonly boundaries: ReadonlyArray<Uint8Array | undefined>;
  /** Length of each keyword of the automaton. */
  readonly keywordLength: Int32Array;
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
  // The markers ride on the same pass, so finding them costs nothing extra.
  const markers = new Set(ALLOW_MARKERS.map(indexOf));
  const boundaries = rules.map((r) => (r.notAfter ? boundaryTable(r.notAfter) : undefined));
  const automaton = new KeywordAutomaton([...keywordIndex.keys()]);
  const n = rules.length;
  const scratch: ScanScratch = { hits: new HitBuffer(), active: new Int8Array(n), lastLine: new Int32Array(n), lastFrom: new Int32Array(n), lastIdentEnd: new Int32Array(n) };
  return { rules, automaton, rulesOfKeyword, markers, boundaries, keywordLength: Int32Array.from(automaton.keywords, (k) => k.length), scratch };
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

interface Candidate {
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
  return !(options.allowPatterns ?? []).some((p) => p.test(secret));
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
    for (let i = this.text.indexOf('\n', this.at); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1)) this.index++;
    this.at = offset;
    return this.index;
  }
}

/** Whether a rule applies to this file under these options; asked once per text, on the rule's first hit. */
function ruleActive(rule: SecretRule, file: string, options: ScanOptions): boolean {
  return !options.disabledRules?.has(rule.id) && (!rule.paths || rule.paths.test(file));
}

/** Scans one text with compiled rules. Never throws on content. */
export function scanText(compiled: CompiledRules, unit: TextUnit, options: ScanOptions = {}): SecretFinding[] {
  const { rules, automaton, rulesOfKeyword, markers, boundaries, keywordLength, scratch } = compiled;
  const { text, file } = unit;
  const { hits, active, lastLine } = scratch;
  hits.clear();
  automaton.collect(text, hits);
  if (hits.length === 0) return [];
  active.fill(0);
  lastLine.fill(-1);
  const lines = new LineCounter(text);
  const lineNumber = (index: number): number => unit.lineNumbers?.[index] ?? index + 1;

  let memo: TextMemo | undefined;
  const findings: SecretFinding[] = [];
  let skipUntil = 0;
  // Hits come in text order; each run of hits on one line is handled together.
  for (let first = 0; first < hits.length; ) {
    const firstStart = hits.start[first] as number;
    const lineStart = firstStart === 0 ? 0 : text.lastIndexOf('\n', firstStart - 1) + 1;
    let lineEnd = text.indexOf('\n', firstStart);
    if (lineEnd === -1) lineEnd = text.length;
    let last = first + 1;
    while (last < hits.length && (hits.start[last] as number) < lineEnd) last++;
    const groupFirst = first;
    first = last;
    let allowed = false;
    for (let h = groupFirst; h < last && !allowed; h++) allowed = markers.has(hits.keyword[h] as number);
    if (allowed || lineEnd <= skipUntil) continue;

    const candidates: Candidate[] = [];
    for (let h = groupFirst; h < last; h++) {
      const keyword = hits.keyword[h] as number;
      const hitStart = hits.start[h] as number;
      if (hitStart < skipUntil) continue;
      for (const ri of rulesOfKeyword[keyword] as readonly number[]) {
        const rule = rules[ri] as SecretRule;
        if (active[ri] === 0) active[ri] = ruleActive(rule, file, options) ? 1 : -1;
        if (active[ri] !== 1) continue;
        if (rule.caseSensitiveKeywords && !startsWithAny(text, hitStart, rule.caseSensitiveKeywords)) continue;
        const at = rule.anchor === 'start' ? hitStart : rule.anchor === 'end' ? hitStart + (keywordLength[keyword] as number) : hitStart + rule.anchor;
        if (at < lineStart || at >= lineEnd) continue;
        const boundary = boundaries[ri];
        if (boundary && at > lineStart && forbiddenBefore(boundary, rule.notAfter as RegExp, text.charCodeAt(at - 1))) continue;
        if (rule.assignment) {
          // Every keyword inside one identifier (`accessTokenKey`) leads to the same operator; the first attempt answers for the rest.
          if (coveredByLastAttempt(scratch, ri, lineStart, at)) continue;
          rememberAttempt(scratch, ri, lineStart, at, identifierEnd(text, at, lineEnd));
          if (!assignmentFollows(text, at, lineEnd)) continue;
        }
        const candidate = matchRule(rule, text, at, lineEnd, () => (memo ??= new TextMemo(text)));
        if (candidate && acceptable(rule, candidate.secret, options)) candidates.push(candidate);
      }
    }
    for (const c of keepBest(candidates)) {
      // A secret may start on a later line (a value below its key) and end on a later one still (a key block).
      const startIndex = lines.indexOf(c.start);
      const startLineStart = c.start === 0 ? 0 : text.lastIndexOf('\n', c.start - 1) + 1;
      let endIndex = startIndex;
      let endLineStart = startLineStart;
      if (c.end > lineEnd) {
        for (let i = text.indexOf('\n', startLineStart); i !== -1 && i < c.end; i = text.indexOf('\n', i + 1)) {
          endIndex++;
          endLineStart = i + 1;
        }
        skipUntil = Math.max(skipUntil, c.end);
      }
      findings.push(toFinding(c, file, lineNumber(startIndex), c.start - startLineStart + 1, lineNumber(endIndex), c.end - endLineStart + 1));
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
  return scratch.lastLine[ri] === lineStart && at >= (scratch.lastFrom[ri] as number) && at <= (scratch.lastIdentEnd[ri] as number);
}

function rememberAttempt(scratch: ScanScratch, ri: number, lineStart: number, at: number, identEnd: number): void {
  scratch.lastLine[ri] = lineStart;
  scratch.lastFrom[ri] = at;
  scratch.lastIdentEnd[ri] = identEnd - at <= IDENTIFIER_BOUND ? identEnd : -1;
}

/** One rule tried at one anchor. */
function matchRule(rule: SecretRule, text: string, at: number, lineEnd: number, memo: () => TextMemo): Candidate | undefined {
  if (rule.matchAt) {
    const m = rule.matchAt(text, at, memo());
    return m ? { rule, start: m.secretStart, end: m.end, secret: m.secret } : undefined;
  }
  rule.pattern.lastIndex = at;
  const m = rule.pattern.exec(text);
  if (m && m.index + m[0].length <= lineEnd) {
    const secret = m.groups?.secret ?? m[1] ?? m[0];
    const end = m.index + m[0].length;
    return { rule, start: end - secret.length, end, secret };
  }
  if (!rule.continuation) return undefined;
  rule.continuation.lastIndex = at;
  const next = rule.continuation.exec(text);
  const secret = next?.groups?.secret;
  if (!next || !secret) return undefined;
  const end = next.index + next[0].length;
  return { rule, start: end - secret.length, end, secret };
}

/**
 * Of overlapping candidates the lowest rank wins, and within a rank the
 * longest (`xoxe.xoxp-...` over the `xoxp-...` inside it); duplicates collapse.
 * Kept spans never overlap, so they stay sorted and each check is a binary
 * search: a line holding thousands of tokens costs k log k, not k squared.
 */
function keepBest(candidates: readonly Candidate[]): Candidate[] {
  if (candidates.length < 2) return [...candidates];
  const sorted = [...candidates].sort((a, b) => rankOf(a.rule) - rankOf(b.rule) || b.end - b.start - (a.end - a.start) || a.start - b.start);
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

function toFinding(c: Candidate, file: string, line: number, column: number, endLine: number, endColumn: number): SecretFinding {
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
