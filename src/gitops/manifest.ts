/**
 * Release manifests: the desired state of one service in one environment and
 * region, kept in git (`deploy/<service>/<environment>/<region>.yaml`).
 * Promotion, traffic shifts and rollbacks are edits of these files, made
 * compare-and-swap so that two runs at once never both apply.
 */
import { ConfigurationError } from '../runtime/errors.js';
import { isMap, isSeq, parseDocument } from 'yaml';
import * as z from 'zod';
import { isConflict } from '../github/errors.js';
import { promotionStateSchema } from './promotion-state.js';
import { parsePolicyText } from '../policy/load.js';
import type { ContentStore } from './content-store.js';

const version = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w][\w.+\-/:@]*$/, 'expected a version such as 1.42.0 or a commit SHA');

export const releaseManifestSchema = z
  .strictObject({
    service: z.string().min(1),
    environment: z.string().min(1),
    region: z.string().min(1).optional(),
    stable: z.strictObject({
      version,
      /** The release cannot be undone by deploying an older one (a database migration): roll forward instead. */
      irreversible: z.boolean().optional(),
    }),
    canary: z
      .strictObject({
        version: version.nullable().default(null),
        weight: z.number().min(0).max(100).default(0),
        irreversible: z.boolean().optional(),
      })
      .default({ version: null, weight: 0 }),
    /** Earlier stable versions, newest first: where a rollback of the stable version goes back to. */
    previous: z
      .array(z.strictObject({ version, until: z.iso.datetime().optional() }))
      .max(20)
      .default([]),
    /**
     * The previous version a deploy step must keep deployable, for a full
     * rollback: set when a canary takes all the traffic, kept after its
     * promotion until it has baked (`until`), then removed. Without `until`
     * it holds while the promotion in progress lasts.
     */
    keepReady: z.strictObject({ version, until: z.iso.datetime().optional() }).optional(),
    /** The staged promotion in progress or last finished, kept beside the weight it moves. */
    promotion: promotionStateSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.canary.weight > 0 && m.canary.version === null) {
      ctx.addIssue({ code: 'custom', path: ['canary', 'version'], message: 'a canary with traffic needs a version' });
    }
    if (m.canary.version !== null && m.canary.version === m.stable.version) {
      ctx.addIssue({
        code: 'custom',
        path: ['canary', 'version'],
        message: `the canary is the stable version ${m.stable.version}`,
      });
    }
  })
  // The stable version is kept ready while a canary takes its traffic; once it takes it all
  // again (a rollback made the kept-ready version stable), there is nothing to keep ready.
  .transform((m): typeof m => {
    if (m.keepReady?.version !== m.stable.version || m.canary.weight > 0) return m;
    const { keepReady: _stable, ...rest } = m;
    return rest;
  });

export type ReleaseManifest = z.output<typeof releaseManifestSchema>;

/** Where a service's manifest lives under the manifests folder. */
export function manifestPath(root: string, service: string, environment: string, region?: string): string {
  return `${root.replace(/\/+$/, '')}/${service}/${environment}/${region || 'default'}.yaml`;
}

/** Parses a manifest; errors name the file, line and field. */
export function parseManifest(text: string, file: string): ReleaseManifest {
  return parsePolicyText(text, file, releaseManifestSchema);
}

/**
 * Writes the changed fields into the manifest's text, keeping its comments
 * and layout, so that a promotion commit's diff is the change and nothing else.
 */
export function renderManifest(text: string, next: ReleaseManifest): string {
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) return renderFresh(next);
  doc.setIn(['stable', 'version'], next.stable.version);
  doc.setIn(['canary', 'version'], next.canary.version);
  doc.setIn(['canary', 'weight'], next.canary.weight);
  setOptional(doc, ['stable', 'irreversible'], next.stable.irreversible);
  setOptional(doc, ['canary', 'irreversible'], next.canary.irreversible);
  if (next.keepReady) doc.set('keepReady', doc.createNode(next.keepReady));
  else if (doc.has('keepReady')) doc.delete('keepReady');
  if (next.previous.length > 0) doc.set('previous', doc.createNode(next.previous));
  else if (doc.has('previous')) doc.delete('previous');
  if (next.promotion) {
    doc.set('promotion', doc.createNode(next.promotion));
    flowMetricValues(doc);
  } else if (doc.has('promotion')) doc.delete('promotion');
  return doc.toString();
}

/** Each metric's values of a judgment on one line (`latency-p99: { canary: 0.222, baseline: 0.119 }`), so the manifest stays short. */
function flowMetricValues(doc: ReturnType<typeof parseDocument>): void {
  const judgments = doc.getIn(['promotion', 'judgments'], true);
  if (!isSeq(judgments)) return;
  for (const j of judgments.items) {
    const metrics = isMap(j) ? j.get('metrics', true) : undefined;
    if (!isMap(metrics)) continue;
    for (const pair of metrics.items) if (isMap(pair.value)) pair.value.flow = true;
  }
}

function setOptional(doc: ReturnType<typeof parseDocument>, path: string[], value: boolean | undefined): void {
  if (value === undefined) {
    if (doc.hasIn(path)) doc.deleteIn(path);
  } else doc.setIn(path, value);
}

function renderFresh(m: ReleaseManifest): string {
  const lines = [`service: ${m.service}`, `environment: ${m.environment}`];
  if (m.region) lines.push(`region: ${m.region}`);
  lines.push(
    'stable:',
    `  version: ${m.stable.version}`,
    'canary:',
    `  version: ${m.canary.version ?? 'null'}`,
    `  weight: ${m.canary.weight}`,
  );
  return renderManifest(lines.join('\n') + '\n', m);
}

/** The outcome of an update: what the manifest says now, and whether this run wrote it. */
export interface ManifestUpdate {
  readonly manifest: ReleaseManifest;
  readonly changed: boolean;
  readonly commitSha?: string;
  /** How many times a concurrent writer made this run read again. */
  readonly conflicts: number;
}

/**
 * Applies `change` to the manifest at `path` compare-and-swap. On a lost
 * race it reads again and recomputes; a change that is already in place is
 * not written again, so re-running after a crash converges.
 */
export async function updateManifest(
  store: ContentStore,
  path: string,
  change: (current: ReleaseManifest) => ReleaseManifest,
  message: string,
  maxAttempts = 5,
): Promise<ManifestUpdate> {
  let conflicts = 0;
  for (;;) {
    const stored = await store.read(path);
    // A manifest that is not there was named wrong by the user (service, environment or region).
    if (!stored) throw new ConfigurationError(`no release manifest at ${path} on ${store.branch}`, { file: path });
    const current = parseManifest(stored.text, path);
    const next = releaseManifestSchema.parse(change(current));
    if (sameState(current, next)) return { manifest: current, changed: false, conflicts };
    try {
      const written = await store.write(path, renderManifest(stored.text, next), stored.sha, message);
      return { manifest: next, changed: true, commitSha: written.commitSha, conflicts };
    } catch (err) {
      if (!isConflict(err) || ++conflicts >= maxAttempts) throw err;
    }
  }
}

/** Same desired state; both come from the same schema, so their keys are in the same order. */
function sameState(a: ReleaseManifest, b: ReleaseManifest): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The manifest with `version` as its stable version (a deploy without canary
 * stages), the old stable version first in `previous` for a later rollback.
 */
export function withStableVersion(m: ReleaseManifest, version: string, at: string): ReleaseManifest {
  if (m.stable.version === version) return m;
  return {
    ...m,
    stable: { version },
    canary: m.canary.version === version ? { version: null, weight: 0 } : m.canary,
    previous: [
      { version: m.stable.version, until: at },
      ...m.previous.filter((p) => p.version !== m.stable.version),
    ].slice(0, 20),
  };
}
