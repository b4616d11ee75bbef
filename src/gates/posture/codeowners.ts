/**
 * CODEOWNERS as GitHub reads it: gitignore-style patterns, the last matching
 * line wins, and a pattern without owners takes ownership away.
 */

export interface CodeownersRule {
  readonly pattern: string;
  readonly owners: readonly string[];
  readonly line: number;
  readonly regex: RegExp;
}

function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) out += `\\${glob[++i] as string}`;
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** The rules of a CODEOWNERS file, in file order. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const [pattern = '', ...owners] = line.split(/\s+/);
    let p = pattern;
    const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
    p = p.replace(/^\//, '');
    const dirOnly = p.endsWith('/');
    p = p.replace(/\/+$/, '');
    const body = p.endsWith('/**') ? `${translate(p.slice(0, -3))}/.*` : translate(p);
    // GitHub: `docs/*` owns the files directly in docs/, not those in its subdirectories.
    const lastSegment = p.slice(p.lastIndexOf('/') + 1);
    const suffix = dirOnly ? '/.*' : /[*?]/.test(lastSegment) && lastSegment !== '**' ? '' : '(?:/.*)?';
    const regex = new RegExp(`${anchored ? '^' : '^(?:.*/)?'}${body}${suffix}$`);
    rules.push({ pattern, owners, line: i + 1, regex });
  });
  return rules;
}

/** The owners of `path` (empty when the last matching rule has none, or no rule matches). */
export function ownersOf(rules: readonly CodeownersRule[], path: string): readonly string[] {
  const p = path.replace(/^\.?\//, '');
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i] as CodeownersRule;
    if (r.regex.test(p)) return r.owners;
  }
  return [];
}
