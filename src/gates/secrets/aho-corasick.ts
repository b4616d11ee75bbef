/**
 * A case-insensitive Aho-Corasick automaton over ASCII keywords, compiled to a
 * dense DFA over a reduced alphabet. The secret scan feeds every byte of the
 * text through it once; rules run only where one of their keywords occurs, so
 * the cost of the pass does not grow with the number of rules.
 */

/** Where one keyword occurs: `[start, end)` in UTF-16 code units. */
export interface KeywordHit {
  readonly keyword: number;
  readonly start: number;
  readonly end: number;
}

/** Called for every occurrence, overlapping ones included, in order of `end`. */
export type HitVisitor = (keyword: number, start: number, end: number) => void;

/** A compiled set of keywords. Matching ignores ASCII case. */
export class KeywordAutomaton {
  /** The keywords, lowercased, in the order given. */
  readonly keywords: readonly string[];
  /** Character code (0..127) to alphabet class; 0 means "in no keyword". */
  private readonly classOf: Uint8Array;
  private readonly classes: number;
  /** `next[state * classes + class]`: the DFA, failure links already folded in. */
  private readonly next: Int32Array;
  /** Keywords ending in each state, through failure links too; empty for most. */
  private readonly outputs: ReadonlyArray<readonly number[]>;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    for (const k of this.keywords) {
      if (k.length === 0) throw new Error('a keyword must not be empty');
      for (let i = 0; i < k.length; i++) {
        if (k.charCodeAt(i) > 127) throw new Error(`keyword ${JSON.stringify(k)} is not ASCII`);
      }
    }
    const classOf = new Uint8Array(128);
    let classes = 1;
    for (const k of this.keywords) {
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        if (classOf[c] === 0) {
          classOf[c] = classes;
          // Upper and lower case letters share a class, which is what makes matching case-insensitive.
          if (c >= 97 && c <= 122) classOf[c - 32] = classes;
          classes++;
        }
      }
    }
    if (classes > 255) throw new Error('too many distinct keyword characters');
    this.classOf = classOf;
    this.classes = classes;

    // Trie first, as lists of edges; then breadth-first failure links, folded into a full DFA.
    const goto: Array<Map<number, number>> = [new Map()];
    const own: number[][] = [[]];
    this.keywords.forEach((k, index) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const cls = classOf[k.charCodeAt(i)] as number;
        let t = goto[s]?.get(cls);
        if (t === undefined) {
          t = goto.length;
          goto.push(new Map());
          own.push([]);
          goto[s]?.set(cls, t);
        }
        s = t;
      }
      own[s]?.push(index);
    });
    const states = goto.length;
    const next = new Int32Array(states * classes);
    const fail = new Int32Array(states);
    const outputs: number[][] = own.map((o) => [...o]);
    const queue: number[] = [];
    for (let cls = 1; cls < classes; cls++) {
      const t = goto[0]?.get(cls);
      if (t !== undefined) {
        next[cls] = t;
        queue.push(t);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head] as number;
      const f = fail[s] as number;
      const merged = outputs[s] as number[];
      for (const o of outputs[f] as number[]) merged.push(o);
      for (let cls = 1; cls < classes; cls++) {
        const t = goto[s]?.get(cls);
        if (t !== undefined) {
          fail[t] = next[f * classes + cls] as number;
          next[s * classes + cls] = t;
          queue.push(t);
        } else {
          next[s * classes + cls] = next[f * classes + cls] as number;
        }
      }
    }
    this.next = next;
    this.outputs = outputs;
  }

  /** Number of DFA states, for tests and diagnostics. */
  get stateCount(): number {
    return this.outputs.length;
  }

  /** Feeds `text[from, to)` through the automaton and reports every occurrence. */
  scan(text: string, visit: HitVisitor, from = 0, to = text.length): void {
    const { classOf, classes, next, outputs, keywords } = this;
    let state = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      // Characters outside every keyword send the automaton back to the root.
      const cls = c < 128 ? (classOf[c] as number) : 0;
      state = next[state * classes + cls] as number;
      if (state !== 0) {
        const out = outputs[state] as readonly number[];
        if (out.length !== 0) {
          for (const k of out) visit(k, i + 1 - (keywords[k] as string).length, i + 1);
        }
      }
    }
  }

  /** Every occurrence in `text`, in order of end position. */
  findAll(text: string): KeywordHit[] {
    const hits: KeywordHit[] = [];
    this.scan(text, (keyword, start, end) => hits.push({ keyword, start, end }));
    return hits;
  }
}
