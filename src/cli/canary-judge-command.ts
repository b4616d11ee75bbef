/**
 * `bellwether canary judge --config FILE --input FILE`: judges a canary from
 * files. The configuration is Kayenta's canary config JSON (judged by the
 * kayenta profile unless told otherwise) or our YAML: a canary policy
 * (`kind: canary`, its `analysis.judge`), a document with a `judge:` block, or
 * the block alone.
 *
 * Exit codes: 0 Pass; 1 Marginal or Fail; 2 a mistake in the files or flags;
 * 4 NoData: a metric had too few points, infinite values or none at all, so
 * the canary holds (judge again with more data; never promote on it).
 */

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { ConfigurationError } from '../runtime/errors.js';
import { parseJudgeInput } from '../canary/judge/input-file.js';
import { readJudgeInput } from '../canary/judge/input-reader.js';
import type { JudgeInput } from '../canary/judge/types.js';
import { judge } from '../canary/judge/judge.js';
import { judgmentHeadline } from '../report/evidence.js';
import { renderJudgmentText } from '../report/judgment.js';
import { COLOR, PLAIN } from '../report/terminal.js';
import { loadJudgeConfig } from '../canary/judge/load-config.js';
import type { JudgeProfile, SequentialLook } from '../canary/judge/types.js';

/** Arguments of `canary judge`. */
export interface CanaryJudgeArgs {
  readonly config: string;
  readonly input: string;
  readonly passThreshold?: number;
  readonly marginalThreshold?: number;
  readonly profile?: JudgeProfile;
  readonly format: 'text' | 'json';
  /** Bellwether profile: this judgement is look `look` of `looks` at a growing soak. */
  readonly sequential?: SequentialLook;
  /** Text in colour (stdout is a terminal and NO_COLOR is unset). */
  readonly color?: boolean;
}

/** Judges the canary described by the two files. */
export async function canaryJudgeCommand(args: CanaryJudgeArgs): Promise<CommandOutput> {
  try {
    const config = loadJudgeConfig(readText(args.config), args.config);
    const input = readInputFile(args.input);
    checkThreshold(args.passThreshold, '--pass-threshold');
    checkThreshold(args.marginalThreshold, '--marginal-threshold');
    if (
      args.sequential &&
      !(
        Number.isInteger(args.sequential.look) &&
        Number.isInteger(args.sequential.looks) &&
        args.sequential.look >= 1 &&
        args.sequential.look <= args.sequential.looks
      )
    ) {
      throw new ConfigurationError(
        `expected look 1 to ${args.sequential.looks} of ${args.sequential.looks}, got ${args.sequential.look}`,
        { field: '--look' },
      );
    }
    const profile = args.profile ?? config.profile ?? 'bellwether';
    let result;
    try {
      result = judge(config, input, {
        profile,
        ...(args.passThreshold !== undefined ? { passThreshold: args.passThreshold } : {}),
        ...(args.marginalThreshold !== undefined ? { marginalThreshold: args.marginalThreshold } : {}),
        ...(args.sequential ? { sequential: args.sequential } : {}),
      });
    } catch (err) {
      // the judge names fields of the input; say which file they are in
      if (err instanceof ConfigurationError && !err.location.file) {
        throw new ConfigurationError(err.message, { file: args.input, ...err.location }, err.problems);
      }
      throw err;
    }
    const stdout =
      args.format === 'json'
        ? `${JSON.stringify({ headline: judgmentHeadline(result), ...result }, null, 2)}\n`
        : renderJudgmentText(result, args.color ? COLOR : PLAIN);
    return {
      exitCode:
        result.verdict === 'Pass' ? ExitCode.ok : result.verdict === 'NoData' ? ExitCode.hold : ExitCode.negative,
      stdout,
    };
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    const stdout = args.format === 'json' ? `${JSON.stringify({ error: err.message }, null, 2)}\n` : `${err.message}\n`;
    return { exitCode: ExitCode.usage, stdout };
  }
}

/**
 * The samples, streamed from the file in chunks: neither its text nor a
 * parsed document is held whole. A file the streaming reader does not take
 * (a mistake, or anything unusual) is read again whole by parseJudgeInput,
 * which names the line and field of each mistake.
 */
function readInputFile(path: string): JudgeInput {
  let fd: number | undefined;
  let fast: JudgeInput | null = null;
  try {
    fd = openSync(path, 'r');
    const file = fd;
    fast = readJudgeInput((into, offset, length) => readSync(file, into, offset, length, null));
  } catch (err) {
    // the whole read below reports a missing file or a directory as it always has
    if (!(err as NodeJS.ErrnoException).code) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return fast ?? parseJudgeInput(readText(path), path);
}

/**
 * One synchronous read: the asynchronous one decodes the file chunk by chunk
 * and holds the chunks and the text at once, about 50 MB more at the peak for
 * an input of 55 MB.
 */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigurationError('no such file', { file: path });
    if (code === 'EISDIR') throw new ConfigurationError('is a directory; expected a file', { file: path });
    throw err;
  }
}

function checkThreshold(value: number | undefined, flag: string): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || value > 100)
    throw new ConfigurationError(`expected a score from 0 to 100, got ${value}`, { field: flag });
}
