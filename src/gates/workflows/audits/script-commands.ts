/**
 * The commands of a `run:` script, as the audits of installs, downloads and
 * publishing read them: continuation lines joined (`\` in sh, a backtick in
 * PowerShell), split at `;`, `&&`, `||` and `|`, and stripped of what runs
 * the command rather than being it (`sudo`, `VAR=value`, `env`, `time`).
 */
import type { Scalar } from 'yaml';
import type { AuditContext, Job, Step } from '../model.js';
import { locateInScalar, type Span } from '../source.js';

/** One simple command of a script. */
export interface ScriptCommand {
  /** The command's words, quotes removed; the program first. */
  readonly words: readonly string[];
  /** The whole logical line the command is on (continuations joined). */
  readonly line: string;
  /** Where the logical line starts in the file. */
  readonly span: Span;
}

const WRAPPERS = new Set(['sudo', 'env', 'time', 'exec', 'command', 'nohup']);

/** Words of a command, quotes removed; `${{ }}` kept as one word. */
function words(text: string): string[] {
  const out: string[] = [];
  // The template alternative is bounded, so that a line of unclosed `${{` is not scanned to its end from each one.
  const re = /(?:"[^"]*"|'[^']*'|\$\{\{[^}\n]{0,256}\}\}|[^\s"'])+/g;
  for (const m of text.matchAll(re)) out.push(m[0].replace(/^(["'])(.*)\1$/, '$2'));
  return out;
}

/** Strips `sudo -E`, `FOO=bar`, `env X=y` and the like from the front of a command. */
function program(ws: string[]): string[] {
  let i = 0;
  while (i < ws.length) {
    const w = ws[i] as string;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else if (WRAPPERS.has(w)) {
      i++;
      while (i < ws.length && (ws[i] as string).startsWith('-')) i++;
    } else break;
  }
  return ws.slice(i);
}

/** Several audits read the same scripts; their commands are split once per node. */
const split = new WeakMap<Scalar, ScriptCommand[]>();

/** Every simple command of a step's script, with where its line starts. */
export function scriptCommands(ctx: AuditContext, node: Scalar, script: string): ScriptCommand[] {
  const hit = split.get(node);
  if (hit) return hit;
  const out: ScriptCommand[] = [];
  split.set(node, out);
  const physical = script.split('\n');
  const seen = new Map<string, number>();
  for (let i = 0; i < physical.length; i++) {
    const first = (physical[i] as string).trim();
    let logical = first;
    while (/(\\|\s`)$/.test(logical) && i + 1 < physical.length) {
      logical = `${logical.replace(/(\\|`)$/, '')} ${(physical[++i] as string).trim()}`;
    }
    if (first === '' || first.startsWith('#')) continue;
    const occurrence = seen.get(first) ?? 0;
    seen.set(first, occurrence + 1);
    // Placed only when an audit reports on the line: most lines are never reported.
    let placed: Span | undefined;
    const place = (): Span => (placed ??= locateInScalar(ctx.file, node, first, occurrence));
    // Comments end the line; separators start a new command.
    const code = logical.replace(/(^|\s)#.*$/, '');
    // No \s* around the separators: on a long run of blanks that would try every split point from every position.
    for (const part of code.split(/&&|\|\||;|\|/)) {
      const ws = program(words(part));
      if (ws.length > 0)
        out.push({
          words: ws,
          line: logical,
          get span() {
            return place();
          },
        });
    }
  }
  return out;
}

/** A step's script commands, with the job and step they belong to. */
export function* stepCommands(
  ctx: AuditContext,
): Generator<{ job: Job; step: Step; command: ScriptCommand; commands: readonly ScriptCommand[] }> {
  for (const job of ctx.jobs) {
    for (const step of job.steps) {
      if (!step.run) continue;
      const commands = scriptCommands(ctx, step.run.node, step.run.text);
      for (const command of commands) yield { job, step, command, commands };
    }
  }
}

/** The arguments of a command that are not options (and not the values of the options named). */
export function operands(args: readonly string[], valued: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-')) {
      if (!a.includes('=') && valued.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Drops a program path and Windows suffix: `/usr/bin/pip3` and `npm.cmd` read as `pip3` and `npm`. */
export function programName(word: string): string {
  return (word.split(/[\\/]/).pop() ?? word).replace(/\.(exe|cmd|bat|ps1)$/i, '').toLowerCase();
}
