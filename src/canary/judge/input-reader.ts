/**
 * The judge's input file read as it streams in, for inputs of any size: the
 * bytes arrive a chunk at a time, the structure of the document
 * (`{"<metric>": {"baseline": [...], "canary": [...]}}`) is followed byte by
 * byte, and each array of points is handed to JSON.parse on its own, so every
 * number is converted exactly as JSON.parse converts it in the whole file.
 * Neither the file's text nor the parsed document is ever held whole: only
 * the points themselves and one chunk of the file.
 *
 * The reader takes only documents it understands completely. Anything else
 * (a mistake, or something merely unusual: a nested value, a name that is
 * not a field, a point that is neither a number, null nor a spelling of
 * infinity or NaN, a byte order mark, a "]" inside a string) makes
 * it give up, and the caller reads the whole file with parseJudgeInput, which
 * names the file, line and field of each mistake. So what this reader returns
 * is always what parseJudgeInput would return for the same text.
 */

import type { Side } from './input-file.js';
import { pointsOf, SIDES } from './input-file.js';
import type { JudgeInput, MetricSamples } from './types.js';

/** Reads up to `length` bytes into `into` at `offset`; returns how many, 0 at the end of the input. */
export type ReadBytes = (into: Uint8Array, offset: number, length: number) => number;

/** Thrown inside the reader when the document needs the careful reading of parseJudgeInput. */
const UNUSUAL = Symbol('unusual');

/** One mebibyte: large enough that reading costs little, small enough to stay out of the peak. */
const CHUNK = 1 << 20;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * The samples of every metric, or null when the document is not one this
 * reader takes (then parseJudgeInput on the whole text decides). `chunkSize`
 * is the size of the first window onto the input; it grows when one array
 * of points is longer.
 */
export function readJudgeInput(read: ReadBytes, chunkSize = CHUNK): JudgeInput | null {
  try {
    return new Scanner(read, chunkSize).document();
  } catch (err) {
    if (err === UNUSUAL) return null;
    throw err;
  }
}

/** The same, over bytes already in memory (tests, and callers that have them). */
export function readJudgeInputBytes(bytes: Uint8Array, chunkSize = CHUNK): JudgeInput | null {
  let at = 0;
  return readJudgeInput((into, offset, length) => {
    const n = Math.min(length, bytes.length - at);
    into.set(bytes.subarray(at, at + n), offset);
    at += n;
    return n;
  }, chunkSize);
}

class Scanner {
  private buf: Buffer;
  /** Bytes of `buf` that hold input. */
  private len = 0;
  /** The next byte to read; what lies before it may be dropped when more is read. */
  private pos = 0;
  private eof = false;

  constructor(
    private readonly read: ReadBytes,
    chunkSize: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(16, chunkSize));
  }

  document(): JudgeInput {
    const input: Record<string, MetricSamples> = {};
    this.whitespace();
    this.expect(OPEN_OBJECT);
    this.whitespace();
    if (this.peek() === CLOSE_OBJECT) this.pos++;
    else {
      for (;;) {
        const name = this.string();
        // JSON.parse makes "__proto__" an own key; an assignment would not
        if (name === '__proto__') throw UNUSUAL;
        this.whitespace();
        this.expect(COLON);
        this.whitespace();
        // a repeated name keeps its first place and its last value, as in JSON.parse
        input[name] = this.metric();
        if (this.separator(CLOSE_OBJECT)) break;
      }
    }
    this.whitespace();
    if (this.peek() !== -1) throw UNUSUAL;
    return input;
  }

  private metric(): MetricSamples {
    this.expect(OPEN_OBJECT);
    this.whitespace();
    const sides: Partial<Record<Side, (number | null)[]>> = {};
    // an empty object lacks its samples: a mistake for parseJudgeInput to name
    if (this.peek() === CLOSE_OBJECT) throw UNUSUAL;
    for (;;) {
      const key = this.string();
      if (!(SIDES as readonly string[]).includes(key)) throw UNUSUAL;
      this.whitespace();
      this.expect(COLON);
      this.whitespace();
      sides[key as Side] = this.points();
      if (this.separator(CLOSE_OBJECT)) break;
    }
    const { baseline, canary, baselineDenominator, canaryDenominator } = sides;
    if (baseline === undefined || canary === undefined) throw UNUSUAL;
    // built as parseJudgeInput builds it, field for field
    return {
      baseline,
      canary,
      ...(baselineDenominator !== undefined ? { baselineDenominator } : {}),
      ...(canaryDenominator !== undefined ? { canaryDenominator } : {}),
    };
  }

  /** After a member: true at the closing byte, false after a comma (and the whitespace after it). */
  private separator(close: number): boolean {
    this.whitespace();
    const c = this.peek();
    this.pos++;
    if (c === close) return true;
    if (c !== COMMA) throw UNUSUAL;
    this.whitespace();
    return false;
  }

  /**
   * One array of points, parsed by JSON.parse on its own: the text up to the
   * first "]" after the "[". When that "]" is not the array's own (it sits in
   * a string, or closes a nested array), the text up to it is not valid JSON
   * and the reader gives up; so what JSON.parse accepts here is the whole
   * array, decoded as it would be in the whole file.
   */
  private points(): (number | null)[] {
    if (this.peek() !== OPEN_ARRAY) throw UNUSUAL;
    let from = this.pos + 1;
    let end = this.buf.indexOf(CLOSE_ARRAY, from);
    while (end < 0 || end >= this.len) {
      const offset = this.len - this.pos;
      if (!this.more()) throw UNUSUAL;
      from = this.pos + offset;
      end = this.buf.indexOf(CLOSE_ARRAY, from);
    }
    const text = this.buf.toString('utf8', this.pos, end + 1);
    this.pos = end + 1;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw UNUSUAL;
    }
    if (!Array.isArray(raw)) throw UNUSUAL;
    return pointsOf(raw as unknown[], () => {
      throw UNUSUAL;
    });
  }

  /** A string (a metric's name or a field's), decoded by JSON.parse. */
  private string(): string {
    if (this.peek() !== QUOTE) throw UNUSUAL;
    let i = this.pos + 1;
    let escaped = false;
    for (;;) {
      if (i >= this.len) {
        const offset = i - this.pos;
        if (!this.more()) throw UNUSUAL;
        i = this.pos + offset;
      }
      const c = this.buf[i] as number;
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) break;
      i++;
    }
    const text = this.buf.toString('utf8', this.pos, i + 1);
    this.pos = i + 1;
    try {
      return JSON.parse(text) as string;
    } catch {
      throw UNUSUAL;
    }
  }

  private whitespace(): void {
    for (;;) {
      const c = this.peek();
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private expect(byte: number): void {
    if (this.peek() !== byte) throw UNUSUAL;
    this.pos++;
  }

  /** The next byte, or -1 at the end of the input. */
  private peek(): number {
    if (this.pos >= this.len && !this.more()) return -1;
    return this.buf[this.pos] as number;
  }

  /**
   * Reads more input after what is held, keeping the bytes from `pos` on
   * (moved to the start of the window, which doubles when they fill it).
   * False at the end of the input.
   */
  private more(): boolean {
    if (this.eof) return false;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
      this.len -= this.pos;
      this.pos = 0;
    }
    if (this.len === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const n = this.read(this.buf, this.len, this.buf.length - this.len);
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.len += n;
    return true;
  }
}
