/**
 * The `dependencies:` and `posture:` sections of the gates policy: what a
 * dependency change may bring in (advisories, licenses, packages), what the
 * repository must have in place, and waivers that expire. Either section may
 * also stand alone in a file of `kind: dependencies` or `kind: posture`.
 */
import * as z from 'zod';
import { isoDate } from '../core/waiver.js';
import { didYouMean } from '../../runtime/did-you-mean.js';
import { formatFieldPath } from '../../policy/problems.js';
import { readPolicySource, type PolicySource } from '../../policy/yaml-source.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { SEVERITIES } from '../core/finding.js';
import { POSTURE_RULE_IDS } from '../posture/rules.js';
import { parsePurl } from './purl.js';
import { DEPENDENCY_RULE_IDS } from './rules.js';
import { listAtoms, parseSpdx } from './spdx.js';
import { unknownExceptionId, unknownLicenseId } from './spdx-list.js';

/** GitHub's advisory severities, lowest first. */
export const ADVISORY_SEVERITIES = ['low', 'moderate', 'high', 'critical'] as const;
export type AdvisorySeverity = (typeof ADVISORY_SEVERITIES)[number];
export const SCOPES = ['runtime', 'development', 'unknown'] as const;

const nonEmpty = z.string().trim().min(1, { error: 'expected a non-empty string' });
const ghsa = z.string().regex(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/i, {
  error: (iss) => `expected a GitHub advisory id such as GHSA-xxxx-xxxx-xxxx, got ${JSON.stringify(iss.input)}`,
});
const purlPattern = nonEmpty.refine((s) => parsePurl(s) !== undefined, {
  error: (iss) => `expected a package URL such as pkg:npm/lodash or pkg:npm/@scope/*, got ${JSON.stringify(iss.input)}`,
});
const licenseEntry = nonEmpty.superRefine((s, ctx) => {
  try {
    listAtoms([s]);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected one SPDX license identifier (with an optional + or WITH exception): ${(err as Error).message}`,
    });
    return;
  }
  const node = parseSpdx(s);
  if (node.kind !== 'license') return;
  const unknown =
    unknownLicenseId(node.id) ?? (node.exception !== undefined ? unknownExceptionId(node.exception) : undefined);
  if (unknown) ctx.addIssue({ code: 'custom', message: `expected an SPDX license identifier: ${unknown}` });
});

const accountable = { reason: nonEmpty, owner: nonEmpty, expires: isoDate };

const dependencyRuleId = z.string().refine((s) => DEPENDENCY_RULE_IDS.includes(s), {
  error: (iss) =>
    `unknown dependency rule ${JSON.stringify(iss.input)}${didYouMean(String(iss.input), DEPENDENCY_RULE_IDS)}`,
});
const postureRuleId = z.string().refine((s) => POSTURE_RULE_IDS.includes(s), {
  error: (iss) => `unknown posture rule ${JSON.stringify(iss.input)}${didYouMean(String(iss.input), POSTURE_RULE_IDS)}`,
});

const dependencyWaiver = z
  .strictObject({
    /** A purl pattern; the waiver covers findings of matching packages only. */
    package: purlPattern.optional(),
    /** One advisory; the waiver covers that advisory only. */
    advisory: ghsa.optional(),
    /** Narrows the waiver to one rule. */
    rule: dependencyRuleId.optional(),
    ...accountable,
  })
  .refine((w) => w.package !== undefined || w.advisory !== undefined, {
    error: 'a dependency waiver must name a package, an advisory or both',
  });

/** The `dependencies:` section as written, with its defaults (those of GitHub's dependency-review-action where it has one). */
export const dependenciesPolicySchema = z
  .strictObject({
    /** Vulnerabilities of added dependencies at or above this advisory severity fail the gate. */
    failOnSeverity: z.enum(ADVISORY_SEVERITIES).default('low'),
    /**
     * Scopes whose findings fail the gate; findings in other scopes are
     * reported without failing it. `unknown` is in the default because a
     * dependency whose scope GitHub cannot tell may well ship.
     */
    failOnScopes: z.array(z.enum(SCOPES)).min(1, { error: 'name at least one scope' }).default(['runtime', 'unknown']),
    vulnerabilities: z.boolean().default(true),
    licenses: z
      .strictObject({
        check: z.boolean().default(true),
        /** SPDX identifiers; when given, a dependency must be usable under these alone. */
        allow: z.array(licenseEntry).optional(),
        /** SPDX identifiers; a dependency fails when every way to use it accepts one of these. */
        deny: z.array(licenseEntry).optional(),
        /** A dependency without a license (or NOASSERTION), or with an expression that does not parse. */
        unknown: z.enum(['fail', 'warn', 'allow']).default('warn'),
      })
      .refine((l) => l.allow === undefined || l.deny === undefined, {
        error: 'give licenses.allow or licenses.deny, not both',
      })
      .default({ check: true, unknown: 'warn' }),
    allow: z
      .strictObject({
        /** Advisories accepted for good (dependency-review-action's allow-ghsas). */
        advisories: z.array(ghsa).default([]),
        /** Purl patterns exempt from the license check (dependency-review-action's allow-dependencies-licenses). */
        packages: z.array(purlPattern).default([]),
      })
      .default({ advisories: [], packages: [] }),
    deny: z
      .strictObject({
        /** Purl patterns that may not be added at all; `pkg:npm/@evil/*` denies a whole scope. */
        packages: z.array(purlPattern).default([]),
      })
      .default({ packages: [] }),
    /**
     * When GitHub's dependency graph cannot answer: diff npm lock files
     * (advisories unchecked, which is reported) or fail the gate.
     */
    fallback: z.enum(['lockfiles', 'fail']).default('lockfiles'),
    /**
     * An OpenSSF Scorecard floor for added dependencies, off unless given:
     * the aggregate score (0 to 10) of the dependency's source repository,
     * from the Scorecard API. `missing`: what a repository without a score does.
     */
    scorecard: z
      .strictObject({
        minScore: z.number().min(0).max(10),
        missing: z.enum(['fail', 'warn', 'allow']).default('warn'),
      })
      .optional(),
    waivers: z.array(dependencyWaiver).default([]),
  })
  .default({
    fallback: 'lockfiles',
    failOnSeverity: 'low',
    failOnScopes: ['runtime', 'unknown'],
    vulnerabilities: true,
    licenses: { check: true, unknown: 'warn' },
    allow: { advisories: [], packages: [] },
    deny: { packages: [] },
    waivers: [],
  });

/** The sensitive paths of the default policy: a change to any of them needs a code owner. */
export const DEFAULT_SENSITIVE_PATHS: readonly string[] = [
  '.github/workflows/**',
  '**/action.yml',
  '**/action.yaml',
  'policies/**',
  'CODEOWNERS',
  '.github/CODEOWNERS',
  'docs/CODEOWNERS',
  '.github/dependabot.yml',
  '.github/dependabot.yaml',
];

const postureWaiver = z.strictObject({
  rule: postureRuleId,
  /** The environment, status check or path the waiver is about; all of the rule's findings when left out. */
  subject: nonEmpty.optional(),
  ...accountable,
});

/** The `posture:` section as written, with its defaults. Posture is advisory unless `failOn` says otherwise. */
export const posturePolicySchema = z
  .strictObject({
    failOn: z.enum([...SEVERITIES, 'never']).default('never'),
    rules: z
      .record(
        postureRuleId,
        z.strictObject({ severity: z.enum(SEVERITIES).optional(), enabled: z.boolean().default(true) }),
      )
      .default({}),
    /** Status checks that must be required on the default branch. */
    requiredStatusChecks: z.array(nonEmpty).default([]),
    environments: z
      .array(
        z.strictObject({
          name: nonEmpty,
          /** Required reviewers must be configured. */
          reviewers: z.boolean().default(true),
          /** A wait timer of at least this many minutes. */
          minWaitMinutes: z.number().int().min(0).default(0),
        }),
      )
      .default([]),
    sensitivePaths: z.array(nonEmpty).default(() => [...DEFAULT_SENSITIVE_PATHS]),
    /** Extensions of added files taken as binaries, besides files whose content is not text. */
    binaryExtensions: z
      .array(z.string().regex(/^\.[A-Za-z0-9]+$/, { error: 'expected an extension such as .exe' }))
      .optional(),
    waivers: z.array(postureWaiver).default([]),
  })
  .default({
    failOn: 'never',
    rules: {},
    requiredStatusChecks: [],
    environments: [],
    sensitivePaths: [...DEFAULT_SENSITIVE_PATHS],
    waivers: [],
  });

export type DependenciesPolicy = z.output<typeof dependenciesPolicySchema>;
export type DependencyWaiver = DependenciesPolicy['waivers'][number];
export type PosturePolicy = z.output<typeof posturePolicySchema>;
export type PostureWaiver = PosturePolicy['waivers'][number];

export const DEFAULT_DEPENDENCIES_POLICY: DependenciesPolicy = dependenciesPolicySchema.parse(undefined);
export const DEFAULT_POSTURE_POLICY: PosturePolicy = posturePolicySchema.parse(undefined);

/** Both sections of a policy file and where each waiver is written. */
export interface LoadedDepsPolicy {
  readonly file?: string;
  readonly dependencies: DependenciesPolicy;
  readonly posture: PosturePolicy;
  readonly dependencyWaiverLines: readonly number[];
  readonly postureWaiverLines: readonly number[];
}

/** The built-in policy. */
export const DEFAULT_DEPS_POLICY: LoadedDepsPolicy = {
  dependencies: DEFAULT_DEPENDENCIES_POLICY,
  posture: DEFAULT_POSTURE_POLICY,
  dependencyWaiverLines: [],
  postureWaiverLines: [],
};

/**
 * Reads the `dependencies:` and `posture:` sections from YAML text (a gates
 * policy, or a file of `kind: dependencies` / `kind: posture` holding one
 * section at its top). Throws ConfigurationError naming file, line and field.
 */
export function parseDepsPolicyText(text: string, file: string): LoadedDepsPolicy {
  return parseDepsPolicySource(readPolicySource(text, file));
}

/** Reads the `dependencies:` and `posture:` sections from a parsed policy file. */
export function parseDepsPolicySource(source: PolicySource): LoadedDepsPolicy {
  const { file } = source;
  const data = source.data as Record<string, unknown> | null;
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigurationError('expected a mapping', { file, line: 1 });
  if (data.kind !== undefined && !['gates', 'dependencies', 'posture'].includes(String(data.kind))) {
    const pos = source.locate(['kind']);
    throw new ConfigurationError(`expected kind gates, dependencies or posture, got ${JSON.stringify(data.kind)}`, {
      file,
      line: pos.line,
      column: pos.column,
      field: 'kind',
    });
  }
  const section = (name: 'dependencies' | 'posture'): { value: unknown; prefix: PropertyKey[] } => {
    if (data.kind === name) {
      const { kind: _k, version: _v, description: _d, ...rest } = data;
      return { value: rest, prefix: [] };
    }
    return { value: data[name] ?? undefined, prefix: [name] };
  };
  const problems: ConfigurationError[] = [];
  const parse = <S extends z.ZodType>(
    schema: S,
    name: 'dependencies' | 'posture',
  ): { data: z.output<S> | undefined; prefix: PropertyKey[] } => {
    const { value, prefix } = section(name);
    if (data.kind !== undefined && data.kind !== name && data.kind !== 'gates')
      return { data: schema.parse(undefined), prefix };
    const parsed = schema.safeParse(value);
    if (parsed.success) return { data: parsed.data, prefix };
    for (const issue of parsed.error.issues) {
      const path: PropertyKey[] = [...prefix, ...issue.path];
      let message = issue.message;
      if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
        path.push(issue.keys[0]);
        message = `unknown key '${issue.keys[0]}'`;
      }
      const pos = source.locate(path, issue.code === 'unrecognized_keys');
      const field = formatFieldPath(path);
      problems.push(
        new ConfigurationError(message, { file, line: pos.line, column: pos.column, ...(field ? { field } : {}) }),
      );
    }
    return { data: undefined, prefix };
  };
  const deps = parse(dependenciesPolicySchema, 'dependencies');
  const posture = parse(posturePolicySchema, 'posture');
  if (problems.length > 0 || !deps.data || !posture.data) throw ConfigurationError.aggregate(problems);
  return {
    file,
    dependencies: deps.data,
    posture: posture.data,
    dependencyWaiverLines: deps.data.waivers.map((_, i) => source.locate([...deps.prefix, 'waivers', i]).line),
    postureWaiverLines: posture.data.waivers.map((_, i) => source.locate([...posture.prefix, 'waivers', i]).line),
  };
}
