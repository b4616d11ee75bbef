/**
 * A random string that a regular expression (Go's syntax) matches, the way
 * gitleaks makes its generated examples: `*` and `+` repeat at most once
 * more than they must, `{n,}` likewise, a negated class draws from printable
 * ASCII. Zero-width assertions produce nothing.
 */

type Re =
  | { k: 'alt'; of: Re[] }
  | { k: 'cat'; of: Re[] }
  | { k: 'set'; chars: string }
  | { k: 'rep'; of: Re; min: number; max: number }
  | { k: 'empty' };

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const DIGIT = '0123456789';
const WORD = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz${DIGIT}_`;
const SPACE = ' \t\n\r\f\v';
const POSIX: Record<string, string> = {
  alpha: WORD.slice(0, 52),
  digit: DIGIT,
  alnum: WORD.slice(0, 62),
  upper: WORD.slice(0, 26),
  lower: WORD.slice(26, 52),
  space: SPACE,
  xdigit: '0123456789abcdefABCDEF',
  punct: PRINTABLE.replace(/[A-Za-z0-9 ]/g, ''),
  word: WORD,
};
const not = (chars: string): string => [...PRINTABLE].filter((c) => !chars.includes(c)).join('');

class ReParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Re {
    const re = this.alt();
    if (this.i < this.s.length) throw new Error(`unexpected ${this.s[this.i]} at ${this.i} in ${this.s}`);
    return re;
  }

  private alt(): Re {
    const of = [this.cat()];
    while (this.s[this.i] === '|') {
      this.i++;
      of.push(this.cat());
    }
    return of.length === 1 ? of[0]! : { k: 'alt', of };
  }

  private cat(): Re {
    const of: Re[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      let atom = this.atom();
      atom = this.quantified(atom);
      of.push(atom);
    }
    return { k: 'cat', of };
  }

  private quantified(atom: Re): Re {
    for (;;) {
      const c = this.s[this.i];
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, 1];
      else if (c === '+') [min, max] = [1, 2];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.s.slice(this.i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i))!;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? min + 1 : Number(m[3]);
        this.i += m[0].length - 1;
      } else return atom;
      this.i++;
      if (this.s[this.i] === '?') this.i++;
      atom = { k: 'rep', of: atom, min, max };
    }
  }

  private atom(): Re {
    const c = this.s[this.i++]!;
    if (c === '(') {
      if (this.s[this.i] === '?') {
        const flags = /^\?([a-zA-Z-]*)(\)|:)/.exec(this.s.slice(this.i));
        const named = /^\?P?<[^>]+>/.exec(this.s.slice(this.i));
        if (flags && flags[2] === ')') {
          this.i += flags[0].length;
          return { k: 'empty' };
        }
        if (flags) this.i += flags[0].length;
        else if (named) this.i += named[0].length;
      }
      const inner = this.alt();
      if (this.s[this.i++] !== ')') throw new Error(`missing ) in ${this.s}`);
      return inner;
    }
    if (c === '[') return { k: 'set', chars: this.set() };
    if (c === '.') return { k: 'set', chars: PRINTABLE };
    if (c === '^' || c === '$') return { k: 'empty' };
    if (c === '\\') {
      const e = this.escape();
      return e === undefined ? { k: 'empty' } : { k: 'set', chars: e };
    }
    return { k: 'set', chars: c };
  }

  /** An escape after `\`: its characters, or undefined for an assertion. */
  private escape(): string | undefined {
    const c = this.s[this.i++]!;
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return not(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return not(WORD);
      case 's':
        return ' ';
      case 'S':
        return not(SPACE);
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        return undefined;
      case 'x': {
        const m = /^\{([0-9a-fA-F]+)\}|^([0-9a-fA-F]{2})/.exec(this.s.slice(this.i))!;
        this.i += m[0].length;
        return String.fromCodePoint(parseInt(m[1] ?? m[2]!, 16));
      }
      case 'p':
      case 'P': {
        const m = /^\{[A-Za-z]+\}|^[A-Za-z]/.exec(this.s.slice(this.i))!;
        this.i += m[0].length;
        return c === 'p' ? WORD.slice(0, 52) : DIGIT;
      }
      default:
        return c;
    }
  }

  private set(): string {
    let negate = false;
    if (this.s[this.i] === '^') {
      negate = true;
      this.i++;
    }
    let chars = '';
    let first = true;
    while (this.s[this.i] !== ']' || first) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.s.slice(this.i));
      if (posix) {
        this.i += posix[0].length;
        const cls = POSIX[posix[2]!] ?? '';
        chars += posix[1] ? not(cls) : cls;
        continue;
      }
      let lo: string | undefined = this.s[this.i++]!;
      const escaped = lo === '\\';
      if (escaped) lo = this.escape() ?? '';
      // An escaped character does not open a range here, as in the generator
      // gitleaks uses: its own checks pass only that way.
      if (this.s[this.i] === '-' && this.s[this.i + 1] !== ']' && lo.length === 1 && !escaped) {
        this.i++;
        let hi: string | undefined = this.s[this.i++]!;
        if (hi === '\\') hi = this.escape() ?? '';
        for (let x = lo.charCodeAt(0); x <= hi.charCodeAt(0); x++) chars += String.fromCharCode(x);
      } else chars += lo;
    }
    this.i++;
    return negate ? not(chars) : chars;
  }
}

function generate(re: Re, rand: () => number): string {
  switch (re.k) {
    case 'empty':
      return '';
    case 'set':
      return re.chars.charAt(Math.floor(rand() * re.chars.length));
    case 'cat':
      return re.of.map((r) => generate(r, rand)).join('');
    case 'alt':
      return generate(re.of[Math.floor(rand() * re.of.length)]!, rand);
    case 'rep': {
      const n = re.min + Math.floor(rand() * (re.max - re.min + 1));
      let out = '';
      for (let i = 0; i < n; i++) out += generate(re.of, rand);
      return out;
    }
  }
}

/** A string matched by the Go regular expression `source`, drawn with `rand`. */
export function regexSample(source: string, rand: () => number): string {
  return generate(new ReParser(source).parse(), rand);
}
