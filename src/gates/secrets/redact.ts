/**
 * Secrets never leave the scan: findings carry a redacted form (a short
 * prefix and the length) and a fingerprint made from a hash of the secret.
 */
import { createHash } from 'node:crypto';

/** The hex SHA-256 of a secret. Kept inside the scan: only fingerprints leave it. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * How many leading characters may be shown. A vendor's fixed prefix says
 * nothing secret and helps the reader find the token, so a rule that has one
 * shows exactly it; of anything else at most one character in eight, never
 * more than four. At least eight characters always stay hidden.
 */
export function visiblePrefixLength(secret: string, fixedPrefix?: number): number {
  const shown = fixedPrefix ?? Math.min(4, Math.floor(secret.length / 8));
  return Math.max(0, Math.min(shown, secret.length - 8));
}

/** `ghp_*** (40 chars)`: the only form of a secret that appears in any output. */
export function redact(secret: string, fixedPrefix?: number): string {
  const keep = visiblePrefixLength(secret, fixedPrefix);
  return `${secret.slice(0, keep)}*** (${secret.length} chars)`;
}

/**
 * A finding's fingerprint: rule, path and the SHA-256 of the secret. It does
 * not depend on the line, so moving code does not make an accepted finding new.
 */
export function secretFingerprint(ruleId: string, file: string, secret: string): string {
  return createHash('sha256')
    .update(`${ruleId}\u0000${file}\u0000${secretDigest(secret)}`)
    .digest('hex')
    .slice(0, 32);
}
