/**
 * Measures that tell a random-looking secret from a word, an identifier or a
 * placeholder.
 */

/** Shannon entropy of the characters of `s`, in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Words that mark a value as an example, a placeholder or code rather than a
 * credential. Matched as substrings of the lowercased candidate by the
 * keyword-anchored (generic) rules only; vendor tokens have shapes of their own.
 */
export const STOP_WORDS: readonly string[] = [
  'example',
  'sample',
  'abc123',
  'xyz123',
  '123abc',
  'dummy',
  'placeholder',
  'changeme',
  'change_me',
  'redacted',
  'xxxxx',
  '*****',
  'your_',
  'your-',
  'yourkey',
  'insert',
  'replace',
  'todo',
  'fixme',
  'notreal',
  'not_real',
  'fake',
  'test_',
  'testing',
  'lorem',
  'ipsum',
  'foobar',
  'abcdef',
  '123456',
  'qwerty',
  'secret_name',
  'process.env',
  'os.environ',
  'getenv',
  'environ',
  'config.',
  'settings.',
  'props.',
  'this.',
  'undefined',
  'null',
  'true',
  'false',
  'none',
  'function',
  'return',
  'string',
  'number',
  'boolean',
  'password',
  'passwd',
  'token',
  'secret',
  'apikey',
  'api_key',
  'credential',
  'bearer',
  'localhost',
  'http',
  '.com',
  '.org',
  '.io',
  'node_modules',
  'github.',
  'vault:',
  'arn:aws',
];

/** True when every character is the same, or the value is a run like `abcabcabc`. */
export function isRepetitive(s: string): boolean {
  if (s.length < 4) return true;
  for (let period = 1; period <= 4 && period * 2 <= s.length; period++) {
    let repeats = true;
    for (let i = period; i < s.length; i++) {
      if (s.charCodeAt(i) !== s.charCodeAt(i - period)) {
        repeats = false;
        break;
      }
    }
    if (repeats) return true;
  }
  return false;
}

/** A reference to a value kept elsewhere: `${VAR}`, `$VAR`, `{{ x }}`, `<token>`, `%VAR%`. */
export function isReference(s: string): boolean {
  return /^(?:\$\{[^}]{1,200}\}|\$[A-Za-z_][A-Za-z0-9_]{0,100}|\{\{[^}]{0,200}\}\}|<[^>]{1,200}>|%[A-Za-z_][A-Za-z0-9_]{0,100}%|\$\([^)]{1,200}\))$/.test(
    s,
  );
}

/** The first stop word contained in `candidate`, if any. */
export function stopWordIn(candidate: string, words: readonly string[] = STOP_WORDS): string | undefined {
  const lower = candidate.toLowerCase();
  return words.find((w) => lower.includes(w));
}
