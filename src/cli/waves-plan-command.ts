/**
 * `bellwether waves plan [--policy PATH] [--at RFC3339]`: reads a waves policy,
 * plans the rollout from `--at` (or now) and prints the plan as text, JSON
 * or Markdown. JSON also carries what the waves action outputs: the fan-out
 * matrix of the regions due at once, their wave, and the next wave's start.
 */
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { parseDuration } from '../policy/fields.js';
import { loadPolicyFile } from '../policy/load.js';
import { wavesPolicySchema } from '../policy/schemas/waves.js';
import type { WavesPolicy } from '../policy/schemas/waves.js';
import { locatePolicies } from '../policy/locate.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import type { Deps } from '../deps/deps.js';
import { systemClock } from '../runtime/clock.js';
import { ConfigurationError } from '../runtime/errors.js';
import { nodeFiles } from '../runtime/files.js';
import type { Files } from '../runtime/files.js';
import { loadHolidayCalendars } from '../waves/holidays.js';
import { planOutputs } from '../waves/matrix.js';
import { planWaves } from '../waves/planner.js';
import { renderPlanMarkdown } from '../waves/render-markdown.js';
import { renderPlanText } from '../waves/render-text.js';
import type { PlanEstimates } from '../waves/types.js';
import { parseInstant } from '../runtime/zone.js';

/** Options of `bellwether waves plan`. */
export interface WavesPlanArgs {
  /** The waves policy file, or a folder of policies; default `.github/bellwether/`. */
  readonly policy?: string;
  /** Plan as if now were this RFC 3339 time (with its zone). */
  readonly at?: string;
  readonly format: 'text' | 'json' | 'markdown';
  readonly service?: string;
  readonly version?: string;
  /** Fills `{environment}` in the policy's environment pattern. */
  readonly environment?: string;
  /** Only these regions; all of the policy's when left out. */
  readonly regions?: readonly string[];
  /** Estimated time of one region's deployment and verification, such as `30m`. */
  readonly deployTime?: string;
  /** Estimated time of the canary stages of a region that runs them, such as `1h`. */
  readonly canaryTime?: string;
  /** Holiday calendar files (see holidays.ts). */
  readonly holidays?: readonly string[];
}

/** The effects the command needs: only the time, when `--at` is not given. */
export type WavesPlanDeps = Pick<Deps, 'clock' | 'files'>;

/**
 * The waves policy: the file named, or the one for the service in the folder
 * named (default `.github/bellwether/`). A waves policy has no defaults, so
 * finding none is a usage error that says where Bellwether looked.
 */
async function wavesPolicyAt(
  named: string | undefined,
  service: string | undefined,
  files: Files,
): Promise<WavesPolicy> {
  const location = locatePolicies(named || undefined, process.cwd());
  if (location.path && !(await files.stat(location.path))?.dir)
    return loadPolicyFile(location.path, wavesPolicySchema, files);
  const set = await loadPolicySet(location.path, files);
  if (!set.some((p) => p.policy.kind === 'waves')) {
    throw new ConfigurationError(`no waves policy in ${location.searched}: write one there or name it with --policy`, {
      field: '--policy',
    });
  }
  return policyFor(set, 'waves', service).policy;
}

/** Plan a rollout from a policy file; exit code 0, or a ConfigurationError for bad input. */
export async function wavesPlanCommand(
  args: WavesPlanArgs,
  deps: WavesPlanDeps = { clock: systemClock, files: nodeFiles },
): Promise<CommandOutput> {
  const now = args.at === undefined ? deps.clock.now() : new Date(instantArg(args.at));
  const estimates: Partial<PlanEstimates> = {
    ...(args.deployTime === undefined ? {} : { regionDeployMs: durationArg('--deploy-time', args.deployTime) }),
    ...(args.canaryTime === undefined ? {} : { canaryMs: durationArg('--canary-time', args.canaryTime) }),
  };
  const policy = await wavesPolicyAt(args.policy, args.service, deps.files);
  const release = {
    ...(args.service === undefined ? {} : { service: args.service }),
    ...(args.version === undefined ? {} : { version: args.version }),
    ...(args.environment === undefined ? {} : { environment: args.environment }),
    ...(args.regions === undefined ? {} : { regions: args.regions }),
  };
  const calendars = await loadHolidayCalendars(args.holidays ?? [], policy, deps.files);
  const plan = planWaves({ policy, estimates, calendars }, release, now);
  const outputs = planOutputs(plan);
  const { matrix } = outputs;
  switch (args.format) {
    case 'json':
      return { exitCode: ExitCode.ok, stdout: JSON.stringify({ plan, ...outputs }, null, 2) };
    case 'markdown':
      return { exitCode: ExitCode.ok, stdout: renderPlanMarkdown(plan) };
    case 'text': {
      const due = matrix.include.map((e) => e.region);
      const footer = due.length > 0 ? `due now: ${due.join(', ')}` : 'due now: none';
      return { exitCode: ExitCode.ok, stdout: `${renderPlanText(plan)}\n${footer}` };
    }
  }
}

function instantArg(value: string): number {
  const t = parseInstant(value);
  if (t === undefined) {
    throw new ConfigurationError(
      `expected an RFC 3339 time with its zone, such as "2026-11-20T15:30:00+01:00" or "2026-11-20T14:30:00Z", got ${JSON.stringify(value)}`,
      {
        field: '--at',
      },
    );
  }
  return t;
}

function durationArg(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new ConfigurationError(`expected a duration such as "30m" or "1h30m", got ${JSON.stringify(value)}`, {
      field: flag,
    });
  return ms;
}
