/**
 * Credentials written into HTTP requests: an Authorization or API key header
 * with a literal value, and `curl -u user:pass`.
 */
import { revokeFix, type BlockMatch, type SecretRule } from './rule.js';

/** Values that name where a secret comes from rather than being one. */
const REFERENCE = /^(?:\$|%|\{|<|\*{3})/;

/** Placeholders that documentation puts where a password goes. */
export const PLACEHOLDER_PASSWORD = /^(?:change(?:it|me)|pass(?:word)?|passwd|pwd|test|token|secret|\*+|x+)$/i;

/** A literal header value that looks random: letters and digits mixed, and not a member chain such as `config.auth.token2`. */
function literalHeaderValue(s: string): boolean {
  return (
    /[0-9]/.test(s) && /[A-Za-z]/.test(s) && !REFERENCE.test(s) && !/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(s)
  );
}

/** `user:password` where neither part is a variable and the password is not a placeholder. */
function literalUserPassword(s: string): boolean {
  const colon = s.indexOf(':');
  const user = s.slice(0, colon);
  const password = s.slice(colon + 1).replace(/^["']/, '');
  // `-u KEY:` passes an API key as the user with no password; `-u :password` a password alone.
  if (password === '') return user.length >= 8 && /[0-9]/.test(user) && /[A-Za-z]/.test(user) && !REFERENCE.test(user);
  return (
    password.length >= 3 &&
    !REFERENCE.test(user) &&
    !REFERENCE.test(password) &&
    !PLACEHOLDER_PASSWORD.test(password) &&
    !/^(.)\1*$/.test(password) &&
    !/\$\{|\$\(/.test(password)
  );
}

/**
 * `curl ... -u user:password` or `--user=user:password`, within a few
 * hundred characters of the command, which may go on over lines ended by a
 * backslash. Each step of the bounded, lazy run reads one character or one
 * escape, and no two alternatives match the same characters.
 */
const CURL_USER =
  /curl(?=[ \t])(?:[^\n\\]|\\[^\r\n]|\\\r?\n){0,256}?[ \t](?:-u|--user)(?:=|[ \t]{0,5})["'\x60]?(?<secret>[^\s"'\x60:]{0,100}:["']?[^\s"'\x60]{0,100})/y;

function matchCurlUser(text: string, at: number): BlockMatch | undefined {
  CURL_USER.lastIndex = at;
  const m = CURL_USER.exec(text);
  const secret = m?.groups?.secret;
  if (!m || !secret) return undefined;
  const end = m.index + m[0].length;
  return { start: at, end, secretStart: end - secret.length, secret };
}

/** The line `[at, lineEnd)` ends with a backslash, a carriage return aside. */
function endsWithBackslash(text: string, at: number, lineEnd: number): boolean {
  let i = lineEnd - 1;
  while (i >= at && text.charCodeAt(i) === 13) i--;
  return i >= at && text.charCodeAt(i) === 92;
}

/** Credentials in request headers and curl commands. */
export const HTTP_CREDENTIAL_RULES: readonly SecretRule[] = [
  {
    id: 'authorization-header',
    title: 'Credential in an Authorization or API key header',
    severity: 'high',
    confidence: 'medium',
    keywords: ['authorization:', 'authorization":', "authorization':", 'x-api-key:'],
    anchor: 'start',
    // `Authorization: Bearer <token>` (also Basic and Token), as in `curl -H`, HTTP files and JSON header maps; or `X-Api-Key: <key>`.
    pattern:
      /(?:authorization["']?:[ \t]{0,5}["']?(?:bearer|basic|token)[ \t]{1,5}|x-api-key:[ \t]{0,5})(?<secret>[A-Za-z0-9+/=._~-]{16,500})(?![A-Za-z0-9+/=._~-])/iy,
    generic: true,
    minEntropy: 3,
    accept: literalHeaderValue,
    fixedPrefix: 0,
    fix: revokeFix('wherever the token or key was issued'),
    gitleaks: 'curl-auth-header',
  },
  {
    id: 'curl-user-password',
    title: 'Password in a curl command',
    severity: 'high',
    confidence: 'medium',
    keywords: ['curl'],
    anchor: 'start',
    pattern: CURL_USER,
    matchAt: matchCurlUser,
    // Only a backslash at the end of the line carries the command on to the next.
    mayCrossLine: endsWithBackslash,
    generic: true,
    accept: literalUserPassword,
    fixedPrefix: 0,
    fix: 'Change the password, and let curl read it from a netrc file or a variable set from the secret store (`-u "$USER:$TOKEN"`) instead of the command line.',
    gitleaks: 'curl-auth-user',
  },
];
