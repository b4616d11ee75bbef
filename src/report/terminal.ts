/**
 * Text made for a terminal: tables aligned in columns, and colour only when
 * the output is a terminal and NO_COLOR is unset (https://no-color.org).
 * Piped output and files get plain text.
 */

/** How text is styled: plain, or with ANSI colours. */
export interface Style {
  readonly color: boolean;
  bad(text: string): string;
  warn(text: string): string;
  good(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const ansi =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

/** No colour at all. */
export const PLAIN: Style = {
  color: false,
  bad: (t) => t,
  warn: (t) => t,
  good: (t) => t,
  bold: (t) => t,
  dim: (t) => t,
};

/** ANSI colours: red, yellow, green, bold, dim. */
export const COLOR: Style = {
  color: true,
  bad: ansi(31, 39),
  warn: ansi(33, 39),
  good: ansi(32, 39),
  bold: ansi(1, 22),
  dim: ansi(2, 22),
};

/** Colour when the stream is a terminal and NO_COLOR is unset or empty. */
export function styleFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' ? COLOR : PLAIN;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Columns a string takes on a terminal: escape codes take none, combining marks none. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text.replace(ANSI, '')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x300 && cp <= 0x36f) continue;
    w +=
      cp >= 0x1100 &&
      /\p{Extended_Pictographic}|[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/u.test(ch)
        ? 2
        : 1;
  }
  return w;
}

/**
 * Rows aligned in columns two spaces apart; the first row is the header.
 * `right` lists the columns aligned right (numbers); the last column is not
 * padded, so long reasons do not leave trailing spaces.
 */
export function textTable(rows: readonly (readonly string[])[], right: readonly number[] = []): string[] {
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(0, ...rows.map((r) => displayWidth(r[c] ?? ''))));
  return rows.map((r) =>
    r
      .map((cell, c) => {
        const gap = ' '.repeat(Math.max(0, (widths[c] ?? 0) - displayWidth(cell)));
        if (right.includes(c)) return gap + cell;
        return c === r.length - 1 ? cell : cell + gap;
      })
      .join('  ')
      .trimEnd(),
  );
}
