/**
 * Canonical forms of SPDX license identifiers for comparison: identifiers
 * are case-insensitive, the deprecated GNU forms (`GPL-2.0`, `GPL-2.0+`,
 * `GPL-2.0-with-classpath-exception`) mean their `-only` / `-or-later` / WITH
 * replacements, and "or later" expands over the version ranges of a family.
 */

/** One license (and exception) that a choice requires. */
export interface SpdxAtom {
  /** Canonical identifier, such as `GPL-2.0-only`. */
  readonly id: string;
  /** Lower-case `id`, the comparison key. */
  readonly key: string;
  readonly exception?: string;
  readonly exceptionKey?: string;
}

/** Versions of one license in order; "X or later" is X and every member after it. */
const RANGES: readonly (readonly string[])[] = [
  ['AFL-1.1', 'AFL-1.2', 'AFL-2.0', 'AFL-2.1', 'AFL-3.0'],
  ['Apache-1.0', 'Apache-1.1', 'Apache-2.0'],
  ['Artistic-1.0', 'Artistic-2.0'],
  ['BitTorrent-1.0', 'BitTorrent-1.1'],
  ['CC-BY-1.0', 'CC-BY-2.0', 'CC-BY-2.5', 'CC-BY-3.0', 'CC-BY-4.0'],
  ['CC-BY-SA-1.0', 'CC-BY-SA-2.0', 'CC-BY-SA-2.5', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0'],
  ['CDDL-1.0', 'CDDL-1.1'],
  ['CECILL-1.0', 'CECILL-1.1', 'CECILL-2.0', 'CECILL-2.1'],
  ['EPL-1.0', 'EPL-2.0'],
  ['EUPL-1.0', 'EUPL-1.1', 'EUPL-1.2'],
  ['LPPL-1.0', 'LPPL-1.1', 'LPPL-1.2', 'LPPL-1.3a', 'LPPL-1.3c'],
  ['MPL-1.0', 'MPL-1.1', 'MPL-2.0'],
  ['OFL-1.0', 'OFL-1.1'],
  ['OSL-1.0', 'OSL-1.1', 'OSL-2.0', 'OSL-2.1', 'OSL-3.0'],
  ['PHP-3.0', 'PHP-3.01'],
  ['Python-2.0', 'Python-2.0.1'],
  ['Zope-1.1', 'Zope-2.0', 'Zope-2.1'],
];

/** The GNU licenses that carry `-only` and `-or-later` suffixes, in version order per family. */
const GNU_RANGES: readonly (readonly string[])[] = [
  ['GPL-1.0', 'GPL-2.0', 'GPL-3.0'],
  ['LGPL-2.0', 'LGPL-2.1', 'LGPL-3.0'],
  ['AGPL-1.0', 'AGPL-3.0'],
  ['GFDL-1.1', 'GFDL-1.2', 'GFDL-1.3'],
];

/** Deprecated identifiers that stand for a license with an exception. */
const WITH_FORMS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['gpl-2.0-with-autoconf-exception', ['GPL-2.0', 'Autoconf-exception-2.0']],
  ['gpl-2.0-with-bison-exception', ['GPL-2.0', 'Bison-exception-2.2']],
  ['gpl-2.0-with-classpath-exception', ['GPL-2.0', 'Classpath-exception-2.0']],
  ['gpl-2.0-with-font-exception', ['GPL-2.0', 'Font-exception-2.0']],
  ['gpl-2.0-with-gcc-exception', ['GPL-2.0', 'GCC-exception-2.0']],
  ['gpl-3.0-with-autoconf-exception', ['GPL-3.0', 'Autoconf-exception-3.0']],
  ['gpl-3.0-with-gcc-exception', ['GPL-3.0', 'GCC-exception-3.1']],
]);

const byKey = new Map<string, { range: readonly string[]; index: number }>();
for (const range of RANGES) range.forEach((id, index) => byKey.set(id.toLowerCase(), { range, index }));
const gnuByKey = new Map<string, { range: readonly string[]; index: number }>();
for (const range of GNU_RANGES) range.forEach((id, index) => gnuByKey.set(id.toLowerCase(), { range, index }));

const GNU = /^((?:A|L)?GPL|GFDL)-(\d\.\d)(-only|-or-later)?$/i;

function atom(id: string, exception: string | undefined): SpdxAtom {
  return exception === undefined
    ? { id, key: id.toLowerCase() }
    : { id, key: id.toLowerCase(), exception, exceptionKey: exception.toLowerCase() };
}

/**
 * The licenses one identifier can stand for. `plus` is a trailing `+`;
 * `GPL-2.0+` and `GPL-2.0-or-later` both give GPL-2.0-only and GPL-3.0-only.
 * An identifier outside the known ranges stands for itself, `+` or not:
 * Bellwether never guesses a later version that it does not know.
 */
export function canonicalAtoms(id: string, plus: boolean, exception?: string): SpdxAtom[] {
  const legacy = WITH_FORMS.get(id.toLowerCase());
  if (legacy && exception === undefined) return canonicalAtoms(legacy[0], plus, legacy[1]);
  const gnu = GNU.exec(id);
  if (gnu) {
    const base = `${(gnu[1] as string).toUpperCase()}-${gnu[2] as string}`;
    const known = gnuByKey.get(base.toLowerCase());
    const orLater = plus || gnu[3]?.toLowerCase() === '-or-later';
    if (known) {
      const members = orLater ? known.range.slice(known.index) : [known.range[known.index] as string];
      return members.map((m) => atom(`${m}-only`, exception));
    }
  }
  const known = byKey.get(id.toLowerCase());
  if (known && plus) return known.range.slice(known.index).map((m) => atom(m, exception));
  return [atom(known ? (known.range[known.index] as string) : id, exception)];
}
