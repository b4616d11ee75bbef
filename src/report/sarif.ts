/**
 * SARIF 2.1.0 as GitHub code scanning reads it, shared by every gate family:
 * the log envelope, rule descriptors with help and `security-severity`, and
 * results with a region and a partial fingerprint.
 */
import type { Finding, Severity } from '../gates/core/finding.js';

/** GitHub maps these ranges to critical (9.0+), high (7.0+), medium (4.0+) and low. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** Key under `partialFingerprints`; versioned so a new scheme never collides with old alerts. */
export const FINGERPRINT_KEY = 'bellwetherFindingHash/v1';

/**
 * Forward slashes, no leading `./`, each segment percent-encoded: a relative
 * URI reference that code scanning resolves against the repository root.
 */
export function sarifUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** What a rule descriptor says. */
export interface SarifRule {
  readonly id: string;
  readonly title: string;
  readonly fix: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
  /** Appended to the help text, such as the same check in other tools. */
  readonly helpNote?: string;
}

export function sarifRuleDescriptor(r: SarifRule): SarifRuleDescriptor {
  const note = r.helpNote ? `\n\n${r.helpNote}` : '';
  return {
    id: r.id,
    name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.title },
    help: {
      text: `${r.title}.\n\nHow to fix: ${r.fix}${note}`,
      markdown: `**${r.title}**\n\nHow to fix: ${r.fix}${note}`,
    },
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
    properties: { 'security-severity': SECURITY_SEVERITY[r.severity], precision: 'high', tags: [...r.tags] },
  };
}

/** A result at the finding's place; `region: 'start'` gives only where it starts. */
export function sarifResult(
  f: Finding,
  ruleIndex: number,
  properties: Record<string, unknown>,
  region: 'full' | 'start' = 'full',
): SarifResult {
  const endLine = Math.max(f.endLine, f.line);
  const endColumn = endLine === f.line ? Math.max(f.endColumn, f.column + 1) : f.endColumn;
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(f.file), uriBaseId: '%SRCROOT%' },
          region:
            region === 'full'
              ? { startLine: f.line, startColumn: f.column, endLine, endColumn }
              : { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties,
  };
}

/** A rule descriptor (`reportingDescriptor`). */
export interface SarifRuleDescriptor {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string; readonly markdown: string };
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' | 'note' };
  readonly properties: { readonly 'security-severity': string; readonly precision: 'high'; readonly tags: string[] };
}

/** A region of a file: where a result starts, and where it ends when known. */
export interface SarifRegion {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** One result: a finding at its place. */
export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning' | 'note';
  readonly message: { readonly text: string };
  readonly locations: ReadonlyArray<{
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string; readonly uriBaseId: '%SRCROOT%' };
      readonly region: SarifRegion;
    };
  }>;
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A run of one tool: one gate family. */
export interface SarifRun {
  readonly tool: {
    readonly driver: {
      readonly name: string;
      readonly semanticVersion: string;
      readonly version: string;
      readonly rules: readonly SarifRuleDescriptor[];
    };
  };
  readonly automationDetails: { readonly id: string };
  /** Present when the run could not do its work: why, so that no results is never read as "all clear". */
  readonly invocations?: ReadonlyArray<{
    readonly executionSuccessful: boolean;
    readonly toolExecutionNotifications: ReadonlyArray<{
      readonly level: 'error';
      readonly message: { readonly text: string };
    }>;
  }>;
  readonly results: readonly SarifResult[];
  /** The run's property bag: what the run examined. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** A SARIF 2.1.0 log. */
export interface SarifLog {
  readonly $schema: 'https://json.schemastore.org/sarif-2.1.0.json';
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

/** One run of one tool. */
export function sarifRun(run: {
  tool: string;
  version: string;
  rules: readonly SarifRuleDescriptor[];
  automationId: string;
  results: readonly SarifResult[];
  /** The run's property bag: what the run examined, so that an empty result list is never read as "all clear" without it. */
  properties?: Record<string, unknown>;
}): SarifRun {
  return {
    tool: { driver: { name: run.tool, semanticVersion: run.version, version: run.version, rules: [...run.rules] } },
    automationDetails: { id: run.automationId },
    results: [...run.results],
    ...(run.properties ? { properties: run.properties } : {}),
  };
}

/** The log of the given runs (every gate family's, or one). */
export function sarifLog(runs: readonly SarifRun[]): SarifLog {
  return { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [...runs] };
}
