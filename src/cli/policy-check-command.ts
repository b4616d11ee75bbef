/**
 * `bellwether policy check [PATHS]`: validate policy files and report every
 * problem of every file; the metrics providers file and OpenSLO documents
 * kept beside them are checked by their own readers.
 */
import { readFileSync } from 'node:fs';
import { APPROVAL_METHOD_MEANING } from '../canary/promotion/approval.js';
import type { CanaryPolicy } from '../policy/schemas/canary.js';
import { ExitCode } from './output.js';
import { parseOpenSloText } from '../freeze/openslo.js';
import { readProvidersSection } from '../metrics/config-file.js';
import { createMetricsProviders } from '../metrics/registry.js';
import { RecordingLogger } from '../runtime/logger.js';
import type { CommandOutput } from './output.js';
import type { Deps } from '../deps/deps.js';
import { ConfigurationError } from '../runtime/errors.js';
import { nodeFiles } from '../runtime/files.js';
import type { Files } from '../runtime/files.js';
import { checkPolicyText, policyKinds } from '../policy/kinds.js';
import type { PolicyKindRegistry } from '../policy/kinds.js';
import { readPolicyText } from '../policy/load.js';
import { PolicyProblem, problemsOf } from '../policy/problems.js';
import { policyFilesIn } from '../policy/set.js';
import { plural } from '../policy/wording.js';
import { POLICY_DIR } from '../policy/locate.js';

/** Options of `bellwether policy check`. */
export interface PolicyCheckArgs {
  /** Files and directories; a directory means its *.yml and *.yaml, recursively. Default: `.github/bellwether`. */
  readonly paths: readonly string[];
  readonly format: 'text' | 'json';
  /** Kinds to accept; the built-in ones unless a caller adds its own. */
  readonly kinds?: PolicyKindRegistry;
}

/** One file's result, as `--format json` prints it. */
export interface PolicyFileReport {
  readonly file: string;
  readonly kind: string | null;
  readonly valid: boolean;
  /** What settings whose effect is easy to mistake do, for a valid file. */
  readonly notes: readonly string[];
  readonly problems: readonly {
    readonly line: number | null;
    readonly column: number | null;
    readonly field: string | null;
    readonly message: string;
  }[];
}

/** Validate every policy file under `paths`; exit 0 when all are valid, 2 otherwise. */
export async function policyCheckCommand(
  args: PolicyCheckArgs,
  deps: Pick<Deps, 'files'> = { files: nodeFiles },
): Promise<CommandOutput> {
  const paths = args.paths.length > 0 ? args.paths : [POLICY_DIR];
  const checked: Checked[] = [];
  for (const path of paths) {
    const found = await policyFiles(path, deps.files);
    if (found instanceof PolicyProblem) {
      checked.push({ file: path, kind: null, problems: [found] });
      continue;
    }
    for (const file of found) checked.push(await checkFile(file, args.kinds ?? policyKinds, deps.files));
  }
  const valid = checked.every((c) => c.problems.length === 0);
  const stdout =
    args.format === 'json'
      ? `${JSON.stringify({ valid, files: checked.map(toReport) }, null, 2)}\n`
      : renderText(checked);
  return { exitCode: valid ? ExitCode.ok : ExitCode.usage, stdout };
}

/** The policy files a path names, sorted; a problem when there are none. */
async function policyFiles(path: string, reader: Files): Promise<string[] | PolicyProblem> {
  const files = await policyFilesIn(path, reader);
  if (files === null) return new PolicyProblem('no such file or directory', { file: path });
  if (files.length === 0) return new PolicyProblem('no policy files (*.yml, *.yaml) in this directory', { file: path });
  return files;
}

interface Checked {
  readonly file: string;
  readonly kind: string | null;
  readonly problems: readonly PolicyProblem[];
  readonly notes?: readonly string[];
}

/** What a person should know of a valid policy: a canary's approval method in words, and what team lists need. */
function notesOf(kind: string | undefined, policy: unknown): string[] {
  if (!policy) return [];
  if (kind === 'canary') {
    const canary = policy as CanaryPolicy;
    const { method, teams } = canary.approvers;
    const tier = canary.tiers[canary.tier];
    return [
      `approvers.method ${method}: ${APPROVAL_METHOD_MEANING[method]}`,
      ...teamsNote('approvers.teams', teams),
      ...teamsNote(`tiers.${canary.tier}.approvers.teams`, tier.approvers.teams),
      ...teamsNote(`tiers.${canary.tier}.change.approvers.teams`, tier.change.approvers.teams),
    ];
  }
  if (kind === 'freeze')
    return teamsNote('breakGlass.teams', (policy as { breakGlass: { teams: readonly string[] } }).breakGlass.teams);
  return [];
}

/** Teams are looked up on GitHub, which a workflow's own token cannot do: say so where they are listed. */
function teamsNote(field: string, teams: readonly string[]): string[] {
  if (teams.length === 0) return [];
  return [
    `${field}: membership of ${teams.join(', ')} is looked up on GitHub; a workflow's GITHUB_TOKEN cannot read organization teams, so give Bellwether a GitHub App token with the organization's members: read permission (BELLWETHER_TOKEN), or list the people in the users field; a team that cannot be read grants nothing`,
  ];
}

async function checkFile(file: string, kinds: PolicyKindRegistry, files: Files): Promise<Checked> {
  let text: string;
  try {
    text = await readPolicyText(file, files);
  } catch (err) {
    if (err instanceof ConfigurationError) return { file, kind: null, problems: problemsOf(err) };
    throw err;
  }
  const other = checkCompanionFile(text, file);
  if (other) return other;
  const check = checkPolicyText(text, file, kinds);
  return { file, kind: check.kind ?? null, problems: check.problems, notes: notesOf(check.kind, check.policy) };
}

/**
 * The files that stand beside policies without a `kind:` of Bellwether's:
 * the metrics providers (`providers:`) that canary and freeze policies name,
 * and SLO documents (OpenSLO, Sloth). They are checked by the readers that use them,
 * rather than refused as policies without a kind.
 */
function checkCompanionFile(text: string, file: string): Checked | undefined {
  const hasKind = /^kind:/m.test(text);
  if (!hasKind && /^providers:/m.test(text))
    return checked(file, 'metrics providers', () => checkProviders(text, file));
  // OpenSLO objects one per document or as a YAML list (`- apiVersion: openslo/v1`).
  if (/^(?:- +)?apiVersion:[ \t]*["']?openslo\//m.test(text))
    return checked(file, 'OpenSLO', () => void parseOpenSloText(text, file));
  if (/^version:[ \t]*["']?prometheus\/v1\b/m.test(text) || /^apiVersion:[ \t]*["']?sloth\.slok\.dev\//m.test(text)) {
    return checked(file, 'Sloth', () => void parseOpenSloText(text, file));
  }
  return undefined;
}

function checked(file: string, kind: string, check: () => void): Checked {
  try {
    check();
    return { file, kind, problems: [] };
  } catch (err) {
    if (err instanceof ConfigurationError) return { file, kind, problems: problemsOf(err) };
    throw err;
  }
}

/**
 * Builds every provider as an entrypoint would, without asking any: every
 * environment variable a provider names reads as set, since a missing secret
 * is the running job's business, not the file's.
 */
function checkProviders(text: string, file: string): void {
  const section = readProvidersSection(text, file);
  const env = new Proxy<Record<string, string>>(
    {},
    { get: (_t, name) => (typeof name === 'string' ? 'set' : undefined) },
  );
  createMetricsProviders(
    section.configs,
    {
      fetch: () => Promise.reject(new Error('a policy check asks no metrics provider')),
      sleep: () => Promise.resolve(),
      logger: new RecordingLogger(),
      env,
      readFile: (f) => readFileSync(f, 'utf8'),
    },
    section.context,
  );
}

function toReport({ file, kind, problems, notes = [] }: Checked): PolicyFileReport {
  return {
    file,
    kind,
    valid: problems.length === 0,
    notes,
    problems: problems.map((p) => ({
      line: p.location.line ?? null,
      column: p.column ?? null,
      field: p.location.field ?? null,
      message: p.detail,
    })),
  };
}

/** One line per valid file, one line per problem (its full message), then a total. */
function renderText(checked: readonly Checked[]): string {
  const lines: string[] = [];
  for (const c of checked) {
    if (c.problems.length === 0)
      lines.push(`ok ${c.file} (${c.kind ?? 'unknown kind'})`, ...(c.notes ?? []).map((n) => `  ${n}`));
    for (const p of c.problems) lines.push(p.message);
  }
  const problemCount = checked.reduce((n, c) => n + c.problems.length, 0);
  const invalid = checked.filter((c) => c.problems.length > 0).length;
  lines.push(
    invalid === 0
      ? `${plural(checked.length, 'policy file')} checked, all valid`
      : `${plural(checked.length, 'policy file')} checked: ${invalid} invalid, ${plural(problemCount, 'problem')}`,
  );
  return `${lines.join('\n')}\n`;
}
