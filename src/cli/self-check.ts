/**
 * `bellwether self-check`: runs the shipped example offline, with embedded
 * defaults and no token, and reports each check with what it saw. It is what
 * `npm start` runs until the full pipeline ships.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '../runtime/errors.js';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { localDeps } from './local-deps.js';
import type { LocalDepsBuilder } from './local-deps.js';
import { selfChecks } from './self-checks.js';
import type { SelfCheck } from './self-checks.js';

export type { SelfCheck } from './self-checks.js';

/** One check's outcome, with what was seen. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export async function selfCheckCommand(
  args: { dir: string; format: 'text' | 'json' },
  checks: readonly SelfCheck[] = selfChecks,
  depsFor: LocalDepsBuilder = localDeps,
): Promise<CommandOutput> {
  const dir = resolve(args.dir);
  if (!existsSync(dir)) throw new ConfigurationError(`example folder not found: ${args.dir}`, { file: args.dir });
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push({ name: check.name, ok: true, detail: await check.run(dir, depsFor) });
    } catch (err) {
      results.push({ name: check.name, ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  const exitCode = failed === 0 ? ExitCode.ok : ExitCode.negative;
  if (args.format === 'json')
    return { exitCode, stdout: JSON.stringify({ dir: args.dir, ok: failed === 0, checks: results }, null, 2) };
  const lines = results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}: ${r.detail}`);
  lines.push(
    '',
    failed === 0
      ? `self-check passed: ${results.length} checks on ${args.dir}`
      : `self-check failed: ${failed} of ${results.length} checks on ${args.dir}`,
  );
  return { exitCode, stdout: lines.join('\n') };
}
