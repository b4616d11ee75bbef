/**
 * Rules that are not about one vendor: private key blocks, secrets assigned
 * to identifiers that name them, credentials in URLs and connection strings,
 * JSON Web Tokens, and the credential lines of package manager files.
 */
import { looksGenerated } from './engine.js';
import { shannonEntropy } from './entropy.js';
import { assignedValue, revokeFix, type BlockMatch, type SecretRule, type TextMemo } from './rule.js';
import { PLACEHOLDER_PASSWORD } from './rules-http.js';

/** Longest private key block looked at; a 4096-bit RSA key in PEM is about 3,300 characters. */
export const MAX_KEY_BLOCK = 20_000;

const KEY_HEADER = /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const KEY_HEADER_LITERAL = '-----BEGIN';

/** A PEM or PGP private key block: header, base64 body, footer; also the one-line `\n`-escaped form of JSON files. */
function matchKeyBlock(text: string, at: number, memo: TextMemo): BlockMatch | undefined {
  KEY_HEADER.lastIndex = at;
  const header = KEY_HEADER.exec(text);
  if (!header) return undefined;
  const bodyStart = at + header[0].length;
  const footer = memo.indexOf('-----END', bodyStart);
  if (footer === -1 || footer - bodyStart > MAX_KEY_BLOCK) return undefined;
  // A second header before the footer means this one was never closed.
  const nextHeader = memo.indexOf(KEY_HEADER_LITERAL, bodyStart);
  if (nextHeader !== -1 && nextHeader < footer) return undefined;
  const raw = text.slice(bodyStart, footer);
  // Line breaks, `\n` escapes, quotes and string concatenation are how keys are pasted into code.
  const body = raw
    .replace(/\\[nr]/g, '')
    .split(/\r?\n/)
    .filter((l) => !/^\s*[A-Za-z-]+:\s/.test(l))
    .join('')
    .replace(/["'`+,\s]/g, '');
  if (body.length < 64 || !/^[A-Za-z0-9+/=]+$/.test(body)) return undefined;
  if (shannonEntropy(body) < 4.5) return undefined;
  const end = footer + (/^-----END[ A-Z0-9_-]{0,60}-----/.exec(text.slice(footer, footer + 80))?.[0].length ?? 8);
  return { start: at, end, secretStart: at, secret: body };
}

/** Values that name where a secret comes from rather than being one. */
const REFERENCE_VALUE = /^(?:\$|%|\{|<|\*{3})/;

export const GENERIC_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    title: 'Private key',
    severity: 'critical',
    confidence: 'high',
    keywords: [KEY_HEADER_LITERAL.toLowerCase()],
    anchor: 'start',
    pattern: KEY_HEADER,
    matchAt: matchKeyBlock,
    fixedPrefix: 0,
    fix: 'Treat the key as compromised: revoke or rotate it (certificate, SSH key, signing key), remove it from the change, and keep keys in a secret store or a KMS.',
    gitleaks: 'private-key',
  },
  assignedValue(
    'generic-secret',
    'Secret assigned to a variable',
    'high',
    ['key', 'api', 'token', 'secret', 'client', 'passwd', 'password', 'pwd', 'auth', 'access', 'credential'],
    '[A-Za-z0-9_.=+/~-]{10,150}',
    revokeFix('wherever it was issued'),
    {
      generic: true,
      rank: 2,
      minEntropy: 3.5,
      gitleaks: 'generic-api-key',
      // Identifiers and paths are made of words; a secret has digits among its letters.
      // Short hexadecimal values are abbreviated hashes and ids far more often than keys.
      // Words with a version at the end (`bellwetherFindingHash/v1`, `user_service_2`) are names.
      accept: (s) =>
        /[0-9]/.test(s) &&
        /[A-Za-z]/.test(s) &&
        !(s.length < 16 && /^[0-9a-f]+$/i.test(s)) &&
        !/^[a-z]+\d*(?:[._/-][a-z]+\d*){2,}$/i.test(s) &&
        !/^[A-Za-z]+(?:[._/-][A-Za-z]+)*[._/-]?v?\d{1,3}$/.test(s) &&
        // Code, not data: a member chain (`Diagnostics.Property_0.code`) or a CONSTANT_NAME.
        !(
          /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]+)+$/.test(s) &&
          !s.split('.').some((part) => part.length >= 12 && /^[A-Za-z0-9]+$/.test(part) && looksGenerated(part))
        ) &&
        !/^_?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(s) &&
        // `=` inside a value is code or a setting (`x64-uwp=fail`, `rc==0`); base64 pads only at its end.
        !/=[^=]/.test(s) &&
        // A version (`jjwt-jackson-0.11.2`, `rc0.15.0_20231217-SNAPSHOT`) and an elided value (`ops_eyJz...`).
        !/\d\.\d+\.\d/.test(s) &&
        !s.endsWith('...') &&
        // A lowercase path of three parts or more (`rollback/checkout/production/1.42.0`); base64 has capitals.
        !/^[a-z0-9._-]+(?:\/[a-z0-9._-]+){2,}$/.test(s) &&
        !/(.)\1{5}/.test(s),
    },
  ),
  {
    id: 'url-credentials',
    title: 'Password in a URL',
    severity: 'high',
    confidence: 'medium',
    keywords: ['://'],
    anchor: 'start',
    // scheme://user:password@host; the user and password classes exclude the separators that follow them, so there is no backtracking.
    pattern:
      /(?<=[A-Za-z][A-Za-z0-9+.-]{0,30}):\/\/[^\s/:@'"`<>]{0,100}:(?<secret>[^\s/@'"`<>]{3,200})@[A-Za-z0-9[\]._-]{1,253}/y,
    generic: true,
    // `user:pass@`, `admin:password@`: the placeholders of READMEs and tests.
    accept: (s) => !REFERENCE_VALUE.test(s) && !PLACEHOLDER_PASSWORD.test(s),
    fixedPrefix: 0,
    fix: 'Change the password, take it out of the URL and pass it separately from a secret store (for example as PGPASSWORD or a mounted secret).',
  },
  {
    id: 'connection-string-password',
    title: 'Password in a connection string',
    severity: 'high',
    confidence: 'medium',
    keywords: ['password=', 'pwd='],
    anchor: 'start',
    // Only after a separator, a quote, a blank or the start of the line: `notAfter` rather than a lookbehind, which would see past the line's start.
    pattern: /(?:password|pwd)=(?<secret>[^;'"\s]{3,200})(?=;|["'\s]|$)/iy,
    notAfter: /[^;"'\s]/,
    generic: true,
    // `pwd=pwd)` is a keyword argument in code, not a connection string: a name closed by `)` or `,`.
    accept: (s) => !REFERENCE_VALUE.test(s) && !/^\{?\d+\}?$/.test(s) && !/^[A-Za-z_]\w*[),]+$/.test(s),
    fixedPrefix: 0,
    fix: 'Change the password and build the connection string at run time from a secret store, or use managed identity or IAM authentication.',
  },
  {
    id: 'json-web-token',
    title: 'JSON Web Token',
    severity: 'medium',
    confidence: 'medium',
    keywords: ['eyj'],
    anchor: 'start',
    pattern: /eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{16,4096}(?![A-Za-z0-9_-])/y,
    caseSensitiveKeywords: ['eyJ'],
    notAfter: /[A-Za-z0-9_-]/,
    minEntropy: 3,
    fixedPrefix: 3,
    fix: 'A signed token grants access until it expires: revoke the session or rotate the signing key if it does not expire soon, and keep tokens out of source and fixtures.',
    gitleaks: 'jwt',
  },
  assignedValue(
    'npmrc-auth-token',
    'npm registry credential in .npmrc',
    'critical',
    ['_authtoken', '_auth', '_password'],
    '[^\\s$\'"]{8,400}',
    revokeFix('npm token revoke; in CI write .npmrc from NODE_AUTH_TOKEN'),
    {
      paths: /(?:^|\/)\.npmrc$/,
      accept: (s) => !REFERENCE_VALUE.test(s),
    },
  ),
  assignedValue(
    'yarnrc-auth-token',
    'Registry credential in .yarnrc.yml',
    'critical',
    ['npmauthtoken', 'npmauthident'],
    '[^\\s$\'"]{8,400}',
    revokeFix('the registry that issued it'),
    {
      paths: /(?:^|\/)\.yarnrc(?:\.yml)?$/,
      accept: (s) => !REFERENCE_VALUE.test(s),
    },
  ),
  assignedValue(
    'pypirc-password',
    'Package index password in .pypirc',
    'critical',
    ['password'],
    '[^\\s$\'"]{6,400}',
    revokeFix('PyPI, Account settings, API tokens'),
    {
      paths: /(?:^|\/)\.pypirc$/,
      accept: (s) => !REFERENCE_VALUE.test(s),
    },
  ),
  {
    id: 'netrc-password',
    title: 'Password in a .netrc file',
    severity: 'critical',
    confidence: 'high',
    keywords: ['password'],
    anchor: 'start',
    pattern: /password[ \t]{1,20}(?<secret>[^\s]{3,400})/y,
    paths: /(?:^|\/)[._]netrc$/,
    accept: (s) => !REFERENCE_VALUE.test(s),
    fixedPrefix: 0,
    fix: revokeFix('the service named by the machine entry'),
  },
];
