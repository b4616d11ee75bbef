/**
 * Where a dependency is declared in its manifest, found in the manifest's
 * text: package-lock.json, package.json, requirements.txt and go.mod. The
 * line goes to SARIF and annotations; when the text is not given or the
 * dependency is not found, the finding points at the manifest itself.
 */
import { posix } from 'node:path';

export interface ManifestPosition {
  readonly line: number;
  readonly column: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line and column of the first match of `re` in `text`. */
function positionOf(text: string, index: number): ManifestPosition {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

function firstMatch(text: string, re: RegExp): { index: number; match: RegExpExecArray } | undefined {
  const m = re.exec(text);
  return m ? { index: m.index + (m[0].length - m[0].trimStart().length), match: m } : undefined;
}

/** In a lock file: the package entry whose version matches, else the first entry of that name. */
function inPackageLock(text: string, name: string, version: string): ManifestPosition | undefined {
  const key = new RegExp(`"(?:[^"]*node_modules/)?${escape(name)}"\\s*:\\s*\\{`, 'g');
  let first: number | undefined;
  let m: RegExpExecArray | null;
  while ((m = key.exec(text)) !== null) {
    first ??= m.index;
    // The entry's own version comes before any nested object closes; look a few hundred characters ahead.
    const body = text.slice(m.index, m.index + 600);
    const own = /"version"\s*:\s*"([^"]*)"/.exec(body);
    if (own && own[1] === version) return positionOf(text, m.index);
  }
  return first === undefined ? undefined : positionOf(text, first);
}

function inPackageJson(text: string, name: string): ManifestPosition | undefined {
  const section = /"(?:dev|peer|optional)?[dD]ependencies"\s*:\s*\{/g;
  let s: RegExpExecArray | null;
  while ((s = section.exec(text)) !== null) {
    const start = s.index + s[0].length;
    const end = text.indexOf('}', start);
    const body = text.slice(start, end < 0 ? undefined : end);
    const found = new RegExp(`"${escape(name)}"\\s*:`).exec(body);
    if (found) return positionOf(text, start + found.index);
  }
  return undefined;
}

/** PEP 503 names: case-insensitive, runs of `-`, `_` and `.` are the same. */
const pep503 = (s: string): string => s.toLowerCase().replace(/[-_.]+/g, '-');

function inRequirements(text: string, name: string): ManifestPosition | undefined {
  const want = pep503(name);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = /^(\s*)([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
    if (m && pep503(m[2] as string) === want) return { line: i + 1, column: (m[1] as string).length + 1 };
  }
  return undefined;
}

function inGoMod(text: string, name: string, version: string): ManifestPosition | undefined {
  const v = version.startsWith('v') ? version : `v${version}`;
  const exact = firstMatch(text, new RegExp(`^[ \\t]*(?:require[ \\t]+)?${escape(name)}[ \\t]+${escape(v)}\\b`, 'm'));
  const any = exact ?? firstMatch(text, new RegExp(`^[ \\t]*(?:require[ \\t]+)?${escape(name)}[ \\t]+v`, 'm'));
  if (!any) return undefined;
  const pos = positionOf(text, any.index);
  const lineText = text.split('\n')[pos.line - 1] ?? '';
  return { line: pos.line, column: lineText.indexOf(name) + 1 };
}

/** The declaration of `name` at `version` in a manifest's text, or undefined when it cannot be found. */
export function locateDependency(
  manifest: string,
  text: string,
  name: string,
  version: string,
): ManifestPosition | undefined {
  const base = posix.basename(manifest.replace(/\\/g, '/')).toLowerCase();
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return inPackageLock(text, name, version);
  if (base === 'package.json') return inPackageJson(text, name);
  if (base === 'go.mod') return inGoMod(text, name, version);
  if (/requirements.*\.(txt|in)$/.test(base)) return inRequirements(text, name);
  return undefined;
}
