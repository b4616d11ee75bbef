/**
 * What a secret rule is, and the two shapes most rules take: a token with a
 * vendor's fixed prefix, and a value assigned to an identifier that names a
 * secret. Every pattern is a sticky regular expression tried only where one of
 * the rule's keywords occurs, so it never scans a line from every position.
 */
import type { Confidence, Severity } from '../core/finding.js';

/** A rule of the secret scan. */
export interface SecretRule {
  readonly id: string;
  /** What was found, in a few words: "GitHub personal access token". */
  readonly title: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  /** Lowercase ASCII strings; the rule is tried only where one of them occurs. */
  readonly keywords: readonly string[];
  /**
   * Tried with `lastIndex` at the anchor (flag `y`). The secret is the group
   * named `secret`, else group 1, else the whole match; it must end the match.
   * Quantifiers are bounded and never nested over overlapping classes.
   */
  readonly pattern: RegExp;
  /** Where the pattern starts: at the keyword's start, its end, or this many characters from its start. */
  readonly anchor: 'start' | 'end' | number;
  /** When true, the keyword must appear in the text with exactly the case of `pattern`'s literal (checked cheaply before the pattern runs). */
  readonly caseSensitiveKeywords?: readonly string[];
  /** The character before the match must not be one of these (a word boundary that suits the token's alphabet). */
  readonly notAfter?: RegExp;
  readonly minEntropy?: number;
  /** Keyword-anchored rules whose values are checked against stop words and give way to specific rules. */
  readonly generic?: boolean;
  /**
   * When two findings overlap on a line the lower rank wins: vendor rules
   * (0) over generic ones (1) over the catch-all assignment rule (2).
   */
  readonly rank?: number;
  /** Number of leading characters of the secret that are a public, fixed prefix and may be shown. */
  readonly fixedPrefix?: number;
  /** The rule applies only to files whose path matches. */
  readonly paths?: RegExp;
  /** A last check on the secret, for what a regular expression says badly. */
  readonly accept?: (secret: string) => boolean;
  /** How to fix a finding: revoke, remove, keep it elsewhere. */
  readonly fix: string;
  /** The id of gitleaks' rule for the same secret, for users who come from it. */
  readonly gitleaks?: string;
  /**
   * The pattern starts with ASSIGNMENT: the engine first checks, without a
   * regular expression, that an assignment operator follows the keyword.
   */
  readonly assignment?: boolean;
  /**
   * Tried when `pattern` fails: the value alone on the next line, after a
   * YAML block indicator (`token: |`) or an XML element left open (`<token>`).
   */
  readonly continuation?: RegExp;
  /**
   * For secrets that span lines (private key blocks): replaces `pattern`,
   * trying a match whose anchor is at `at` in the whole text.
   */
  readonly matchAt?: (text: string, at: number, memo: TextMemo) => BlockMatch | undefined;
  /**
   * For a `matchAt` rule: whether a match from `at` can go on past `lineEnd`.
   * When it cannot, the match is tried on the line where it lies, which in a
   * diff read in place spares joining the file's added lines. Without it, a
   * match may always span lines.
   */
  readonly mayCrossLine?: (text: string, at: number, lineEnd: number) => boolean;
}

/** A match found by `matchAt`; offsets are into the whole text. */
export interface BlockMatch {
  readonly start: number;
  readonly end: number;
  /** Where the secret starts, for the reported column. */
  readonly secretStart: number;
  readonly secret: string;
}

/**
 * Searches in one text that remember their last answer, so that many
 * attempts looking for the same closing marker cost one pass in total.
 */
export class TextMemo {
  private readonly last = new Map<string, { from: number; at: number }>();
  constructor(readonly text: string) {}

  /** `text.indexOf(needle, from)`, amortized over calls with growing `from`. */
  indexOf(needle: string, from: number): number {
    const cached = this.last.get(needle);
    if (cached && cached.from <= from && (cached.at === -1 || cached.at >= from)) return cached.at;
    const at = this.text.indexOf(needle, from);
    this.last.set(needle, { from, at });
    return at;
  }
}

/** The standard advice: a leaked credential is burnt whether or not the commit is merged. */
export function revokeFix(where: string): string {
  return `Revoke the credential now (${where}); removing it from the change is not enough once it was pushed. Load the new one from the CI secret store or the runtime environment.`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Options shared by the rule helpers. */
export type RuleOptions = Partial<
  Pick<SecretRule, 'minEntropy' | 'paths' | 'accept' | 'gitleaks' | 'confidence' | 'notAfter' | 'rank'>
>;

/**
 * A token that starts with a vendor's fixed prefix: `prefixes` are literal,
 * `body` is a regular expression source for the rest. The token must not be
 * glued to letters or digits on either side.
 */
export function prefixedToken(
  id: string,
  title: string,
  severity: Severity,
  prefixes: readonly string[],
  body: string,
  fix: string,
  options: RuleOptions & { readonly tail?: string; readonly ignoreCase?: boolean; readonly digitRuns?: boolean } = {},
): SecretRule {
  const alternatives = prefixes.map(escapeRegExp).join('|');
  const tail = options.tail ?? '(?![A-Za-z0-9])';
  const shortest = Math.min(...prefixes.map((p) => p.length));
  const cased = prefixes.some((p) => p !== p.toLowerCase());
  const accept = options.accept;
  return {
    id,
    title,
    severity,
    confidence: options.confidence ?? 'high',
    keywords: prefixes.map((p) => p.toLowerCase()),
    pattern: new RegExp(`(?:${alternatives})(?:${body})${tail}`, options.ignoreCase ? 'iy' : 'y'),
    anchor: 'start',
    ...(cased && !options.ignoreCase ? { caseSensitiveKeywords: prefixes } : {}),
    notAfter: options.notAfter ?? /[A-Za-z0-9]/,
    fixedPrefix: shortest,
    fix,
    // Placeholders such as `ghp_xxxx...` have the right shape and almost no entropy.
    minEntropy: options.minEntropy ?? 2.5,
    ...(options.paths ? { paths: options.paths } : {}),
    // Generated tokens do not hold six equal characters in a row, nor a run of the alphabet; documentation placeholders do.
    // `digitRuns`: ids of digits inside the token may repeat a digit (`xoxa-2-511111111-...`).
    accept: (secret) =>
      !(options.digitRuns ? /([^0-9])\1{5}/ : /(.)\1{5}/).test(secret.slice(shortest)) &&
      !hasAscendingRun(secret.slice(shortest), 6) &&
      (accept ? accept(secret) : true),
    ...(options.gitleaks ? { gitleaks: options.gitleaks } : {}),
  };
}

/** Whether `s` holds `n` letters or digits in a row, each the one after the last (`abcdef`, `345678`), in any case. */
export function hasAscendingRun(s: string, n: number): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    const a = s.charCodeAt(i - 1) | 32;
    const b = s.charCodeAt(i) | 32;
    run = b === a + 1 && ((b >= 97 && b <= 122) || (b >= 48 && b <= 57)) ? run + 1 : 1;
    if (run >= n) return true;
  }
  return false;
}

/** Most characters of an identifier read after a keyword, by ASSIGNMENT, NEXT_LINE and `assignmentFollows`. */
export const IDENTIFIER_BOUND = 30;

/** An opening quote: plain, escaped, or with a prefix such as `b'...'` or `@"..."`. */
const OPEN_QUOTE = String.raw`(?:\\{0,2}["'\x60]|[@$b]["'])`;

/**
 * Between the keyword and the value: the rest of the identifier, a type
 * (`var token string = ...`), a closing
 * quote, an assignment operator (`=`, `:`, `:=`, `=>`, `+=`, `?=`, `>` of an
 * XML element, or `(` and `,` of a call when a string literal follows) and an opening quote. Each part is
 * bounded and the parts' classes barely overlap, so a miss costs a few dozen
 * steps wherever it is tried.
 */
export const ASSIGNMENT = String.raw`[\w.-]{0,${IDENTIFIER_BOUND}}(?:[ \t]{1,4}[A-Za-z_][\w.*[\]]{0,30})?(?:\\{0,2}["'\x60]){0,2}[ \t]{0,5}(?:(?:[:?+.|]{0,3}=>?|:{1,2}|>)[ \t]{0,5}${OPEN_QUOTE}?|[(,][ \t]{0,5}${OPEN_QUOTE})`;

/** NEXT_LINE up to its line break. */
const NEXT_LINE_HEAD = String.raw`[\w.-]{0,${IDENTIFIER_BOUND}}(?:\\{0,2}["'\x60]){0,2}[ \t]{0,5}(?::[ \t]{0,5}[|>][-+1-9]{0,2}|>)[ \t]{0,5}`;
const NEXT_LINE_HEAD_AT_END = new RegExp(String.raw`${NEXT_LINE_HEAD}(?=\r?(?:\n|$))`, 'y');

/**
 * The rest of the identifier, then a YAML block indicator (`: |`, `: >-`) or
 * the end of an opening XML tag, then the line break and the indentation of
 * the next line, where the value stands alone.
 */
export const NEXT_LINE = String.raw`${NEXT_LINE_HEAD}\r?\n[ \t]{0,40}`;

/**
 * Whether NEXT_LINE can match at `at`: its head must end the line. Tried
 * before the continuation pattern, which otherwise runs wherever a value is
 * missing, and before anything is read below the line.
 */
export function nextLineMayFollow(text: string, at: number, lineEnd: number): boolean {
  // The line must end with a block indicator (`|`, `>`, `|-`, `>+`, `|2`) or a tag's `>`: one look before the pattern.
  let i = lineEnd - 1;
  while (i >= at && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i--;
  const c = i >= at ? text.charCodeAt(i) : 0;
  if (!(c === 124 || c === 62 || c === 45 || c === 43 || (c >= 49 && c <= 57))) return false;
  NEXT_LINE_HEAD_AT_END.lastIndex = at;
  return NEXT_LINE_HEAD_AT_END.test(text);
}

/** The value ends at a quote, white space, a separator or the end of the text. */
export const VALUE_END = String.raw`(?=["'\x60\s;,)<\\&]|$)`;

/**
 * A value assigned to an identifier containing one of `keywords`:
 * `AWS_SECRET_ACCESS_KEY=...`, `"client_secret": "..."`, `<apiKey>...</apiKey>`.
 */
export function assignedValue(
  id: string,
  title: string,
  severity: Severity,
  keywords: readonly string[],
  value: string,
  fix: string,
  options: RuleOptions & { readonly generic?: boolean } = {},
): SecretRule {
  return {
    id,
    title,
    severity,
    confidence: options.confidence ?? (options.generic ? 'medium' : 'high'),
    keywords: keywords.map((k) => k.toLowerCase()),
    // The value is taken whole, as if atomic (lookahead then backreference): a shorter
    // prefix of a run of value characters can never be followed by VALUE_END anyway,
    // and trying each one is what makes long hostile runs slow.
    pattern: new RegExp(`${ASSIGNMENT}(?=(?<secret>${value}))\\k<secret>${VALUE_END}`, 'y'),
    continuation: new RegExp(`${NEXT_LINE}(?=(?<secret>${value}))\\k<secret>${VALUE_END}`, 'y'),
    anchor: 'end',
    assignment: true,
    fix,
    ...(options.generic ? { generic: true } : {}),
    ...(options.rank !== undefined ? { rank: options.rank } : {}),
    ...(options.minEntropy !== undefined ? { minEntropy: options.minEntropy } : {}),
    ...(options.paths ? { paths: options.paths } : {}),
    ...(options.accept ? { accept: options.accept } : {}),
    ...(options.gitleaks ? { gitleaks: options.gitleaks } : {}),
  };
}

/** Characters of `[\w.-]`, the rest of an identifier after a keyword. */
const IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++) IDENT[c] = /[\w.-]/.test(String.fromCharCode(c)) ? 1 : 0;

/** Where the run of `[\w.-]` characters from `at` ends, looking no further than `end`. */
export function identifierEnd(text: string, at: number, end: number): number {
  let i = at;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c >= 128 || IDENT[c] !== 1) break;
    i++;
  }
  return i;
}

/** Longest stretch looked back over for the start of a key. */
const KEY_LOOKBACK = 64;

/**
 * A key that cannot name a secret, whatever its value: a segment of a path
 * (`"/src/api/client.ts": "<sha1>"` in a manifest of file hashes), or, when
 * `generic` is asked, a key that says its value is public (`publicKey`,
 * `pubkey`, `publishable_key`) or is something else than a secret (see
 * NOT_A_SECRET_KEY_END and _PART). Vendor rules decide for themselves which of a vendor's
 * "public" keys are worth reporting, but their keyword must start a word:
 * `okta` in `rookTable` and `etsy` in `SetSysctl` name no vendor. `keywordStart` is where the keyword
 * starts, `identEnd` where the key ends.
 */
export function keyNamesNoSecret(
  text: string,
  keywordStart: number,
  identEnd: number,
  lineStart: number,
  generic: boolean,
): boolean {
  if (
    !generic &&
    keywordStart > lineStart &&
    isLetter(text.charCodeAt(keywordStart - 1)) &&
    isLowerLetter(text.charCodeAt(keywordStart))
  )
    return true;
  let i = keywordStart;
  const stop = Math.max(lineStart, keywordStart - KEY_LOOKBACK);
  while (i > stop) {
    const c = text.charCodeAt(i - 1);
    if (c >= 128 || IDENT[c] !== 1) break;
    i--;
  }
  if (i > lineStart && text.charCodeAt(i - 1) === 47) return true;
  if (!generic) return false;
  const key = text.slice(i, identEnd);
  if (NOT_A_SECRET_KEY_END.test(key) || NOT_A_SECRET_KEY_PART.test(key)) return true;
  // `publish` alone stays a secret's name: NPM_PUBLISH_TOKEN is one.
  for (let j = i; j + 6 <= identEnd; j++) {
    if (
      (text.charCodeAt(j) | 32) === 112 &&
      startsWithIgnoringCase(text, j, 'pub') &&
      (startsWithIgnoringCase(text, j + 3, 'lic') ||
        startsWithIgnoringCase(text, j + 3, 'key') ||
        startsWithIgnoringCase(text, j + 3, 'lishable'))
    )
      return true;
  }
  return false;
}

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isLetter(c: number): boolean {
  return isLowerLetter(c | 32);
}

/**
 * Keys whose values are not secrets although they hold a keyword: ids and
 * names (`credentialsId`, `kms_key_id`, `key_vault_name`), versions, hashes, database
 * keys (`primaryKey`), keyboard keys (`key_down_event`), anti-forgery tokens
 * of a page (`csrf-token`), and words that only contain a keyword
 * (`accessor`, `accessibility`, `keyVault`).
 */
const NOT_A_SECRET_KEY_END =
  /(?:[_.-][Ii][Dd]|[a-z]Id|[a-z]ID|[_.-]?[Nn]ame|NAME|[_.-]?[Vv]ersion|VERSION|[_.-]?[Hh]ash|HASH)(?:e?s)?$/;
const NOT_A_SECRET_KEY_PART =
  /(?:primary|foreign|schema|sort|partition|cache|idempotency)[_-]?key|key[_-]?(?:down|up|press|event|code|board|frame|stroke|vault)|[cx]srf|accessor|accessib|iterator/i;

/** Whether `text` holds `lower` (lowercase ASCII letters) at `at`, in any case. */
function startsWithIgnoringCase(text: string, at: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) if ((text.charCodeAt(at + k) | 32) !== lower.charCodeAt(k)) return false;
  return true;
}

/**
 * A necessary condition for ASSIGNMENT at `at`, checked by hand: the rest of
 * an identifier, closing quotes and blanks, then an operator character. Most
 * keyword hits in code (`token)`, `keys.length;`, `// the key is`) fail here
 * in a few steps, before any regular expression runs.
 */
export function assignmentFollows(
  text: string,
  at: number,
  end: number,
  identEnd = identifierEnd(text, at, Math.min(end, at + IDENTIFIER_BOUND)),
): boolean {
  // The pattern reads at most IDENTIFIER_BOUND identifier characters; what follows them is read as the rest.
  let i = Math.min(identEnd, at + IDENTIFIER_BOUND);
  // An optional type after blanks: `var token string = ...`.
  let j = i;
  while (j < end && j < i + 4 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  const t = j < end ? text.charCodeAt(j) | 32 : 0;
  if (j > i && ((t >= 97 && t <= 122) || text.charCodeAt(j) === 95)) {
    const typeEnd = Math.min(end, j + 31);
    j++;
    while (j < typeEnd) {
      const c = text.charCodeAt(j);
      if (c >= 128 || (IDENT[c] !== 1 && c !== 42 && c !== 91 && c !== 93)) break;
      j++;
    }
    i = j;
  }
  for (let n = 0; n < 6 && i < end; n++, i++) {
    const c = text.charCodeAt(i);
    if (c !== 34 && c !== 39 && c !== 96 && c !== 92) break;
  }
  for (let n = 0; n < 5 && i < end; n++, i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
  }
  if (i >= end) return false;
  const c = text.charCodeAt(i);
  // `=`, `:` (also `:=`, `::`) and `>` are operators on their own.
  if (c === 61 || c === 58 || c === 62) return true;
  // `?`, `+`, `.`, `|` only before `=` (`?=`, `+=`, `.=`, `||=`), as ASSIGNMENT reads them.
  if (c === 63 || c === 43 || c === 46 || c === 124) {
    let k = i;
    while (k < end && k < i + 3 && OPERATOR_PREFIX[text.charCodeAt(k)] === 1) k++;
    return k < end && text.charCodeAt(k) === 61;
  }
  // `(` and `,` only before a quoted value: `setToken("...")`, `login(user, '...')`; a call with a variable names no secret.
  if (c !== 40 && c !== 44) return false;
  let k = i + 1;
  while (k < end && k < i + 6 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  const q = text.charCodeAt(k);
  if (q === 64 || q === 36 || q === 98) return isQuote(text.charCodeAt(k + 1)) || isQuote(q);
  let slashes = 0;
  while (slashes < 2 && text.charCodeAt(k + slashes) === 92) slashes++;
  return isQuote(text.charCodeAt(k + slashes));
}

/** `[:?+.|]`, the characters ASSIGNMENT allows before `=`. */
const OPERATOR_PREFIX = new Uint8Array(128);
for (const c of ':?+.|') OPERATOR_PREFIX[c.charCodeAt(0)] = 1;

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}
