/**
 * The secret scan of a git diff that arrives in chunks (a file read as a
 * stream, git's output as it comes). The bytes are cut at file headers
 * (`\ndiff --git `) into pieces of about a chunk, each decoded and scanned
 * on its own and then dropped: memory holds one piece, not the whole diff,
 * and a piece of plain ASCII decodes to a one-byte string far faster than a
 * whole diff with one non-ASCII character in it. A cut at a header is a cut
 * between files, so the findings and counts are those of the whole diff
 * scanned at once.
 */
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import type { CompiledRules } from './engine.js';
import { scanGitDiff } from './diff-scan.js';
import type { SecretsPolicy } from './policy.js';
import type { ScanResult } from './scan.js';

/** Size of the pieces a diff is cut into at file headers, and of each read of a diff file. */
// Small pieces keep the whole process near the size of its heap: Node makes a
// decoded string of more than about a megabyte an external string, which V8
// frees late, and large heap strings wait for a full collection. Measured on
// a 113 MB diff, 64 KB to 512 KB pieces cost the same time.
export const CHUNK_BYTES = 128 * 1024;

const HEADER = Buffer.from('\ndiff --git ');

function add(total: ScanResult, part: ScanResult): void {
  for (const f of part.findings) total.findings.push(f);
  for (const n of part.notices) total.notices.push(n);
  total.files += part.files;
  total.lines += part.lines;
  total.bytes += part.bytes;
}

/**
 * Scans the diff whose bytes `chunks` yields, in order. A chunk is cut at
 * file headers about every CHUNK_BYTES, and at its last header: what comes
 * before, with the bytes carried from earlier chunks, is scanned; the rest
 * is carried. A chunk without a whole header is carried entire, so a file
 * larger than a chunk is scanned whole.
 */
export async function scanGitDiffChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  rules: CompiledRules,
  policy: SecretsPolicy,
): Promise<ScanResult> {
  const scan = new PieceScan(rules, policy);
  let carried: Buffer[] = [];
  let carriedBytes = 0;
  for await (const chunk of chunks) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    for (;;) {
      const far = bytes.length - pos > CHUNK_BYTES ? bytes.indexOf(HEADER, pos + CHUNK_BYTES) : -1;
      const at = far !== -1 ? far : bytes.lastIndexOf(HEADER);
      if (at < pos || (at === pos && carriedBytes === 0)) break;
      // The header's line break ends the piece; the header starts what follows.
      const head = bytes.subarray(pos, at + 1);
      scan.piece(carriedBytes === 0 ? head : Buffer.concat([...carried, head], carriedBytes + head.length));
      carried = [];
      carriedBytes = 0;
      pos = at + 1;
      if (far === -1) break;
    }
    if (pos < bytes.length) {
      carried.push(bytes.subarray(pos));
      carriedBytes += bytes.length - pos;
    }
  }
  if (carriedBytes > 0)
    scan.piece(carried.length === 1 ? (carried[0] as Buffer) : Buffer.concat(carried, carriedBytes));
  return scan.total;
}

/** Pieces of one diff scanned in order, their results added up. */
class PieceScan {
  readonly total: ScanResult = { findings: [], notices: [], files: 0, lines: 0, bytes: 0 };
  private first = true;
  constructor(
    private readonly rules: CompiledRules,
    private readonly policy: SecretsPolicy,
  ) {}

  /** Decodes and scans bytes that start at a file header (or the diff's start) and end before one (or at its end). */
  piece(bytes: Uint8Array): void {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Most of a diff is ASCII, which reads as Latin-1 at memory speed and the same.
    let text = isAscii(view) ? view.toString('latin1') : view.toString('utf8');
    // A byte-order mark at the start is dropped, as a decoder would.
    if (this.first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.first = false;
    if (text.length > 0) add(this.total, scanGitDiff(text, this.rules, this.policy));
  }
}

/**
 * Scans a diff file read piece by piece into one buffer that is reused: the
 * bytes after the last file header of a read are moved to the buffer's start
 * and the next read goes after them. The buffer grows only for a file larger
 * than it. Synchronous: the gate has nothing else to do meanwhile.
 */
export function scanGitDiffFile(path: string, rules: CompiledRules, policy: SecretsPolicy): ScanResult {
  const scan = new PieceScan(rules, policy);
  let buffer = Buffer.allocUnsafe(2 * CHUNK_BYTES);
  let filled = 0;
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      if (filled === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const read = readSync(fd, buffer, filled, Math.min(CHUNK_BYTES, buffer.length - filled), null);
      if (read === 0) break;
      filled += read;
      const at = buffer.subarray(0, filled).lastIndexOf(HEADER);
      // No header after the start: one file still being read.
      if (at <= 0) continue;
      scan.piece(buffer.subarray(0, at + 1));
      buffer.copyWithin(0, at + 1, filled);
      filled -= at + 1;
    }
    if (filled > 0) scan.piece(buffer.subarray(0, filled));
  } finally {
    closeSync(fd);
  }
  return scan.total;
}
