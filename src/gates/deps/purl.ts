/**
 * Package URLs (purl, github.com/package-url/purl-spec) for naming packages
 * in a policy: `pkg:npm/lodash`, `pkg:npm/@babel/*`, `pkg:pypi/requests@2.31.0`,
 * `pkg:maven/org.apache.logging.log4j/log4j-core`.
 */
import type { DependencyChange } from '../../github/port.js';

/** The parts of a purl that identify a package (qualifiers and subpath are left out). */
export interface Purl {
  readonly type: string;
  /** `@scope` for npm, the group for Maven, the path for Go; empty when there is none. */
  readonly namespace: string;
  readonly name: string;
  readonly version?: string;
}

/** GitHub's ecosystem names that differ from the purl type. */
const ECOSYSTEM_TYPES: Readonly<Record<string, string>> = {
  pip: 'pypi',
  go: 'golang',
  gomod: 'golang',
  rubygems: 'gem',
  actions: 'githubactions',
  'github-actions': 'githubactions',
};

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Parses `pkg:type/namespace/name@version`; undefined when it is not a purl. */
export function parsePurl(text: string): Purl | undefined {
  const m = /^pkg:\/*([A-Za-z][A-Za-z0-9.+-]*)\/([^?#]+?)(?:\?[^#]*)?(?:#.*)?$/.exec(text.trim());
  if (!m) return undefined;
  const type = (m[1] as string).toLowerCase();
  let rest = (m[2] as string).replace(/\/+$/, '');
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  // An `@` at the start of a segment begins an npm scope, not a version.
  if (at > 0 && rest[at - 1] !== '/') {
    version = decode(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/').map(decode);
  const name = parts.pop() ?? '';
  if (name === '') return undefined;
  return { type, namespace: parts.join('/'), name, ...(version !== undefined && version !== '' ? { version } : {}) };
}

/** The purl of a dependency: its own `package_url` when GitHub gave one, otherwise one made from ecosystem and name. */
export function dependencyPurl(change: Pick<DependencyChange, 'ecosystem' | 'name' | 'version' | 'packageUrl'>): Purl {
  const own = change.packageUrl ? parsePurl(change.packageUrl) : undefined;
  if (own) return own.version === undefined && change.version ? { ...own, version: change.version } : own;
  const type = ECOSYSTEM_TYPES[change.ecosystem.toLowerCase()] ?? change.ecosystem.toLowerCase();
  // Maven names arrive as group:artifact.
  const name = type === 'maven' ? change.name.replace(':', '/') : change.name;
  const parts = name.split('/');
  const last = parts.pop() ?? name;
  return { type, namespace: parts.join('/'), name: last, ...(change.version ? { version: change.version } : {}) };
}

/** `type/namespace/name`, lower-cased: the form patterns are compared in. */
function packageKey(p: Purl): string {
  return `${p.type}/${p.namespace ? `${p.namespace}/` : ''}${p.name}`.toLowerCase();
}

function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`);
}

/**
 * True when `pattern` (a purl, `*` matching any run of characters in the
 * namespace and name) names `purl`. A pattern with a version matches that
 * version only.
 */
export function purlMatches(pattern: Purl, purl: Purl): boolean {
  if (pattern.version !== undefined && pattern.version !== purl.version) return false;
  return globRegExp(packageKey(pattern)).test(packageKey(purl));
}

/** The text form of a purl, for messages. */
export function formatPurl(p: Purl): string {
  return `pkg:${p.type}/${p.namespace ? `${p.namespace}/` : ''}${p.name}${p.version !== undefined ? `@${p.version}` : ''}`;
}
