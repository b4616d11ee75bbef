/**
 * The secrets part of the gates policy: what fails the gate, rules turned
 * off, paths and values allowed, accepted fingerprints, and waivers that
 * expire. It is read from the `secrets:` section of a gates policy file, or
 * from a file of `kind: secrets`.
 */
import { posix } from 'node:path';
import * as z from 'zod';
import { waiverSchema } from '../core/waiver.js';
import { readPolicySource, type PolicySource } from '../../policy/yaml-source.js';
import { didYouMean } from '../../runtime/did-you-mean.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { SEVERITIES } from '../core/finding.js';
import { SECRET_RULES } from './rules.js';
import { FILE_RULES, K8S_SECRET_RULE } from './sensitive-files.js';

/** Every rule id the policy may name. */
export const SECRET_RULE_IDS: readonly string[] = [
  ...SECRET_RULES.map((r) => r.id),
  ...FILE_RULES.map((r) => r.id),
  K8S_SECRET_RULE,
];

/** Lock files hold integrity hashes that look random and are never credentials. */
export const DEFAULT_ALLOWED_PATHS: readonly string[] = [
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/bun.lock',
  '**/go.sum',
  '**/Cargo.lock',
  '**/poetry.lock',
  '**/Pipfile.lock',
  '**/composer.lock',
  '**/Gemfile.lock',
  '**/gradle.lockfile',
];

const ruleId = z.string().refine((s) => SECRET_RULE_IDS.includes(s), {
  error: (iss) => `unknown secret rule ${JSON.stringify(iss.input)}${didYouMean(String(iss.input), SECRET_RULE_IDS)}`,
});
const nonEmpty = z.string().trim().min(1, { error: 'expected a non-empty string' });
const regex = nonEmpty.refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected a valid regular expression' },
);

const waiver = waiverSchema(ruleId);

/** The `secrets:` section as written, with its defaults. */
export const secretsPolicySchema = z.strictObject({
  /** Findings at or above this severity fail the gate. Any secret is a reason to stop, so the default is low. */
  failOn: z.enum(SEVERITIES).default('low'),
  /** Rules that do not run. */
  disable: z.array(ruleId).default([]),
  allow: z
    .strictObject({
      /** Globs of files that are not scanned at all, such as test fixtures of fake keys. */
      paths: z.array(nonEmpty).default([]),
      /** Regular expressions; a secret matching one is not reported. */
      patterns: z.array(regex).default([]),
      /** Findings accepted for good, by fingerprint (like a `.gitleaksignore`). */
      fingerprints: z
        .array(z.string().regex(/^[0-9a-f]{32}$/, { error: 'expected a 32-character hexadecimal fingerprint' }))
        .default([]),
      /** Also skip lock files (on by default). */
      lockFiles: z.boolean().default(true),
    })
    .default({ paths: [], patterns: [], fingerprints: [], lockFiles: true }),
  /** Extra words that mark a value as a placeholder for the generic rules. */
  stopWords: z.array(nonEmpty).default([]),
  waivers: z.array(waiver).default([]),
  /** Files larger than this are not read in a path scan; the skip is reported. */
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
});

/** A validated secrets policy. */
export type SecretsPolicy = z.output<typeof secretsPolicySchema>;
/** One waiver of the secrets policy. */
export type SecretWaiver = SecretsPolicy['waivers'][number];

/** The policy used when none is given. */
export const DEFAULT_SECRETS_POLICY: SecretsPolicy = secretsPolicySchema.parse({});

/** A policy and where its waivers are written. */
export interface LoadedSecretsPolicy {
  readonly policy: SecretsPolicy;
  readonly file?: string;
  /** Line of each waiver, by index. */
  readonly waiverLines: readonly number[];
}

/** Reads the secrets policy from YAML text. Throws ConfigurationError naming file, line and field. */
export function parseSecretsPolicyText(text: string, file: string): LoadedSecretsPolicy {
  return parseSecretsPolicySource(readPolicySource(text, file));
}

/** Reads the secrets policy from a parsed policy file (its `secrets:` section, or a file of `kind: secrets`). */
export function parseSecretsPolicySource(source: PolicySource): LoadedSecretsPolicy {
  const { file } = source;
  const data = source.data as Record<string, unknown> | null;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigurationError('expected a mapping with a `secrets:` section or `kind: secrets`', { file, line: 1 });
  }
  let section: unknown;
  let prefix: PropertyKey[];
  if ('secrets' in data) {
    section = data.secrets ?? {};
    prefix = ['secrets'];
  } else if (data.kind === 'secrets') {
    const { kind: _kind, version: _version, description: _description, ...rest } = data;
    section = rest;
    prefix = [];
  } else {
    // Settings only a secrets policy has, at the top level of a file that does not say it is one, would be read as nothing: say so.
    const stray =
      data.kind === undefined ? Object.keys(data).find((k) => k === 'disable' || k === 'stopWords') : undefined;
    if (stray !== undefined) {
      const pos = source.locate([stray], true);
      throw new ConfigurationError(
        `'${stray}' is a secrets setting at the top level; put it under a \`secrets:\` section, or add \`kind: secrets\``,
        { file, line: pos.line, column: pos.column, field: stray },
      );
    }
    section = {};
    prefix = [];
  }
  const parsed = secretsPolicySchema.safeParse(section);
  if (!parsed.success) {
    throw ConfigurationError.aggregate(
      parsed.error.issues.map((issue) => {
        const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
        let message = issue.message;
        if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
          path.push(issue.keys[0]);
          message = `unknown key '${issue.keys[0]}'`;
        }
        const pos = source.locate(path, issue.code === 'unrecognized_keys');
        const field = path
          .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
          .join('');
        return new ConfigurationError(message, {
          file,
          line: pos.line,
          column: pos.column,
          ...(field ? { field } : {}),
        });
      }),
    );
  }
  const waiverLines = parsed.data.waivers.map((_, i) => source.locate([...prefix, 'waivers', i]).line);
  return { policy: parsed.data, file, waiverLines };
}

/** File names of the default allow list (each of its globs is `**\/NAME`), for a lookup without glob matching. */
const LOCK_FILE_NAMES: ReadonlySet<string> = new Set(DEFAULT_ALLOWED_PATHS.map((g) => g.slice(3)));

/** True when `file` is excluded from the scan by the policy. */
export function pathAllowed(policy: SecretsPolicy, file: string): boolean {
  const path = file.replace(/^\.\//, '');
  const name = posix.basename(path);
  if (policy.allow.lockFiles && LOCK_FILE_NAMES.has(name)) return true;
  const { names, globs, all } = allowedPathsOf(policy);
  // `**` passes over no dot directory, so the plain-name answer holds only for paths without one.
  if (/(?:^|\/)\./.test(path)) return all.some((g) => posix.matchesGlob(path, g));
  return names.has(name) || globs.some((g) => posix.matchesGlob(path, g));
}

/** A policy's allowed paths, `**\/NAME` globs (most of them) set apart as plain names: a diff of thousands of files asks for each. */
interface AllowedPaths {
  readonly names: ReadonlySet<string>;
  readonly globs: readonly string[];
  readonly all: readonly string[];
}
const allowedPaths = new WeakMap<SecretsPolicy, AllowedPaths>();

function allowedPathsOf(policy: SecretsPolicy): AllowedPaths {
  let split = allowedPaths.get(policy);
  if (!split) {
    const names = new Set<string>();
    const globs: string[] = [];
    const all = policy.allow.paths.map((raw) => raw.replace(/^\.\//, ''));
    for (const g of all) {
      const name = /^\*\*\/([^/*?{}[\]!\\()]+)$/.exec(g)?.[1];
      if (name !== undefined) names.add(name);
      else globs.push(g);
    }
    split = { names, globs, all };
    allowedPaths.set(policy, split);
  }
  return split;
}
