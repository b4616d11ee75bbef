import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, scanText } from '../../../src/gates/secrets/engine.js';
import { ASSIGNMENT, assignmentFollows, prefixedToken } from '../../../src/gates/secrets/rule.js';
import { defaultRules } from '../../../src/gates/secrets/rules.js';
import { Fake, secretCore } from './fake-secrets.js';

const f = new Fake(99);
const scan = (text: string, file = 'app/config.ts', lineNumbers?: number[]) =>
  scanText(defaultRules(), { file, text, ...(lineNumbers ? { lineNumbers } : {}) });

describe('scanText', () => {
  it('reports line, column and end of the secret itself, 1-based', () => {
    const token = `ghp_${f.alnum(36)}`;
    const [hit] = scan(`first line\n  const t = "${token}";`);
    expect(hit).toMatchObject({ ruleId: 'github-pat', line: 2, column: 14, endLine: 2, endColumn: 14 + token.length });
  });

  it('maps lines through the line numbers of a diff', () => {
    const token = `glpat-${f.chars('abcdefghijKLMNOP0123456789', 20)}`;
    const [hit] = scan(`x\n${token}`, 'a.txt', [40, 57]);
    expect(hit?.line).toBe(57);
  });

  it('redacts: message, snippet and secret hold a short prefix and the length, never the secret', () => {
    const token = `ghp_${f.alnum(36)}`;
    const [hit] = scan(`token: ${token}`);
    expect(hit?.secret).toEqual({ redacted: 'ghp_*** (40 chars)', length: 40 });
    expect(JSON.stringify(hit)).not.toContain(secretCore(token));
    expect(hit?.message).toContain('ghp_*** (40 chars)');
  });

  it('fingerprints by rule, path and secret, not by line', () => {
    const token = `npm_${f.alnum(36)}`;
    const a = scan(`${token}`, 'a.txt')[0]?.fingerprint;
    const moved = scan(`\n\n\n  ${token}`, 'a.txt')[0]?.fingerprint;
    const otherFile = scan(`${token}`, 'b.txt')[0]?.fingerprint;
    const otherToken = scan(`npm_${f.alnum(36)}`, 'a.txt')[0]?.fingerprint;
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(moved).toBe(a);
    expect(otherFile).not.toBe(a);
    expect(otherToken).not.toBe(a);
  });

  it.each(['gitleaks:allow', 'bellwether:allow'])('an inline %s silences its line only', (marker) => {
    const text = [`a = "ghp_${f.alnum(36)}" # ${marker}`, `b = "ghp_${f.alnum(36)}"`].join('\n');
    const hits = scan(text);
    expect(hits.map((h) => h.line)).toEqual([2]);
  });

  it('an identifier holding several keywords is read once and reported once', () => {
    const secret = f.password(28);
    const text = `const apiAccessTokenSecretKey = "${secret}";`;
    expect(scan(text).map((h) => [h.ruleId, h.column])).toEqual([['generic-secret', text.indexOf(secret) + 1]]);
  });

  it('a later keyword of a long identifier still finds the value the first keyword could not reach', () => {
    // From the end of `key` the operator lies beyond the 30 identifier characters the pattern reads; from `token` it does not.
    const secret = f.password(24);
    const text = `key_${'x'.repeat(30)}_token = "${secret}"`;
    const hits = scan(text);
    expect(hits.map((h) => [h.ruleId, h.column])).toEqual([['generic-secret', text.indexOf(secret) + 1]]);
  });

  it.each([
    ['a path to a file, in a manifest of file hashes', `  "/src/github/client.ts": "${f.hex(40)}",`],
    [
      'a key that says its value is public',
      `const pubkey256 = '${f.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 43)}=';`,
    ],
    ['a publishable key', `STRIPE_PUBLISHABLE_KEY=${f.password(32)}`],
    ['a public API key', `"public_api_key": "${f.password(28)}"`],
  ])('%s is not a secret', (_name, line) => {
    expect(scan(line)).toEqual([]);
  });

  it.each([
    ['names beside names in a list', `COCOA = {'AuthorizationOpaqueRef', 'BslnFormat0Part'}`],
    ['a PascalCase name after a keyword in a list', `__all__ = ['BasicAuthLexer', 'CbmBasicV2Lexer']`],
    ['a lowercase name passed to a call', 'raise KeyError("sdkinstallrootv2.0")'],
    ['a keyword argument named like a password', 'stream = self.root.open(self.at, zip_mode, pwd=pwd)'],
  ])('%s is not a secret', (_name, line) => {
    expect(scan(line)).toEqual([]);
  });

  it('a generated value passed to a call or listed after its name still is', () => {
    const random = f.password(24);
    const hex = f.hex(40);
    expect(scan(`client.setApiKey('${random}');`).map((h) => h.ruleId)).toEqual(['generic-secret']);
    expect(scan(`headers.set("X-Api-Key", "${hex}")`).map((h) => h.ruleId)).toEqual(['generic-secret']);
    expect(scan(`creds = ['api_token', '${random}']`).map((h) => h.ruleId)).toEqual(['generic-secret']);
  });

  it('a key after a query separator or a dot is still a key', () => {
    const secret = f.password(26);
    expect(scan(`url = "https://example.org/v1?api_key=${secret}"`).map((h) => h.ruleId)).toEqual(['generic-secret']);
    expect(scan(`config.apiToken = "${secret}";`).map((h) => h.ruleId)).toEqual(['generic-secret']);
    expect(scan(`NPM_PUBLISH_TOKEN=${secret}`).map((h) => h.ruleId)).toEqual(['generic-secret']);
  });

  it('a vendor rule wins over the generic rule for the same value', () => {
    const hits = scan(`GITHUB_TOKEN = "ghp_${f.alnum(36)}"`);
    expect(hits.map((h) => h.ruleId)).toEqual(['github-pat']);
  });

  it('of two vendor matches over the same text, keeps the longer', () => {
    const hits = scan(`xoxe.xoxp-1-${f.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 163)}`);
    expect(hits.map((h) => h.ruleId)).toEqual(['slack-config-token']);
  });

  it('finds several secrets on one line, in order', () => {
    const hits = scan(`ghp_${f.alnum(36)} npm_${f.alnum(36)} sk_live_${f.alnum(24)}`);
    expect(hits.map((h) => h.ruleId)).toEqual(['github-pat', 'npm-access-token', 'stripe-secret-key']);
  });

  it('reports a private key block once, over its lines, and not the tokens that its body may hold', () => {
    const pem = f.pem('EC PRIVATE KEY', 300);
    const hits = scan(`// key\n${pem}\nafter`);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      ruleId: 'private-key',
      line: 2,
      column: 1,
      endLine: 2 + pem.split('\n').length - 1,
    });
  });

  it('honours disabled rules and allow patterns', () => {
    const token = `ghp_${f.alnum(36)}`;
    expect(scanText(defaultRules(), { file: 'a', text: token }, { disabledRules: new Set(['github-pat']) })).toEqual(
      [],
    );
    expect(scanText(defaultRules(), { file: 'a', text: token }, { allowPatterns: [/^ghp_/] })).toEqual([]);
  });

  it('takes extra stop words for the generic rules', () => {
    const text = `api_key = "sandbox${f.password(20)}"`;
    expect(scan(text)).toHaveLength(1);
    expect(scanText(defaultRules(), { file: 'a', text }, { stopWords: ['sandbox'] })).toEqual([]);
  });

  it('scans text that is not valid ASCII without error', () => {
    const token = `ghp_${f.alnum(36)}`;
    expect(scan(`clé = "${token}" — ✓ 😀\u0000\uFFFD`).map((h) => h.ruleId)).toEqual(['github-pat']);
  });

  it('refuses malformed rules when compiling', () => {
    const rule = prefixedToken('x', 'X', 'low', ['abc_'], '[a-z]{4}', 'fix');
    expect(() => compileRules([rule, rule])).toThrow(/duplicate/);
    expect(() => compileRules([{ ...rule, pattern: /abc/ }])).toThrow(/sticky/);
    expect(() => compileRules([{ ...rule, keywords: ['ABC'] }])).toThrow(/lowercase/);
  });
});

describe('hostile input', () => {
  // Each line is built to make a naive pattern backtrack: long runs of the
  // characters that a secret's class accepts, around keywords and separators
  // that start a match again and again. The test asserts that the scan ends
  // and stays correct; how fast is for the benchmark.
  const MB = 1024 * 1024;
  const hostile: Array<[string, () => string]> = [
    ['keyword and operator repeated', () => 'api_key='.repeat(MB / 8)],
    ['a value class run with no end', () => `password = "${'a1'.repeat(MB / 2)}`],
    ['prefixes glued together', () => 'ghp_'.repeat(MB / 4)],
    ['URL separators', () => `https://${'u:'.repeat(MB / 2)}`],
    ['private key headers without a footer', () => '-----BEGIN RSA PRIVATE KEY-----'.repeat(Math.ceil(MB / 31))],
    ['azure anchors', () => '1Q~'.repeat(MB / 3)],
    ['JWT parts without an end', () => `eyJ${'a'.repeat(MB / 2)}.eyJ${'a'.repeat(MB / 2)}`],
  ];
  it.each(hostile)('a 1 MB line of %s is scanned', (_name, build) => {
    const line = build();
    expect(line.length).toBeGreaterThanOrEqual(MB - 64);
    const token = `ghp_${f.alnum(36)}`;
    const hits = scan(`${line}\n${token}`);
    expect(hits.filter((h) => h.line === 2).map((h) => h.ruleId)).toEqual(['github-pat']);
  });

  it('reports every token of a 1 MB line made of tokens', () => {
    const tokens = Array.from({ length: 25_000 }, () => `ghp_${f.alnum(36)}`);
    const hits = scan(tokens.join(' '));
    expect(hits).toHaveLength(tokens.length);
    expect(hits[24_999]?.column).toBe(24_999 * 41 + 1);
  });

  it('finds a secret at the far end of a 1 MB line', () => {
    const token = `sk_live_${f.alnum(30)}`;
    const hits = scan(`${'x = 1; '.repeat(MB / 7)}${token}`);
    expect(hits.map((h) => h.ruleId)).toEqual(['stripe-secret-key']);
  });
});

describe('the hand checks before the assignment pattern', () => {
  // Strings over the characters that matter to ASSIGNMENT: the checks may only reject what the pattern rejects.
  const alphabet = fc.constantFrom(
    'k',
    'e',
    'y',
    'T',
    '_',
    '.',
    '-',
    ' ',
    '\t',
    '=',
    ':',
    '?',
    '+',
    '|',
    '>',
    '(',
    ',',
    '"',
    "'",
    '`',
    '\\',
    '@',
    '$',
    'b',
    '1',
    '*',
    '[',
    ']',
    ';',
  );
  const assignment = new RegExp(ASSIGNMENT, 'y');

  it('assignmentFollows is true wherever ASSIGNMENT matches', () => {
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (text) => {
        assignment.lastIndex = 0;
        if (assignment.test(text)) expect(assignmentFollows(text, 0, text.length)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('and the pattern does match in the cases the checks let through most often', () => {
    for (const text of [
      'Key = "x"',
      'Key: x',
      'Key := "x"',
      'Key ||= "x"',
      'Key("x")',
      "Key, 'x'",
      'Key(\\"x',
      "Key(b'x')",
      'Key>x',
    ]) {
      assignment.lastIndex = 0;
      expect([text, assignmentFollows(text, 3, text.length), assignment.test(text.slice(3))]).toEqual([
        text,
        true,
        true,
      ]);
    }
    for (const text of ['Key(value)', 'Key, value', 'Key ? a : b', 'Key + 1', 'Key.length;'])
      expect([text, assignmentFollows(text, 3, text.length)]).toEqual([text, false]);
    // Thirty identifier characters, then a `.` that the pattern reads as the start of `.=`.
    const long = `Key${'a'.repeat(30)}.= "x"`;
    assignment.lastIndex = 3;
    expect([assignment.test(long), assignmentFollows(long, 3, long.length)]).toEqual([true, true]);
  });
});
