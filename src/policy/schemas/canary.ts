/**
 * The `canary` policy: which services it covers, the stages each tier walks
 * through, how each stage is judged, and who approves.
 */
import * as z from 'zod';
import { DEFAULT_METRICS_DEADLINE_MS } from '../../metrics/deadline.js';
import { SCOPE_VARIABLES, templateVariables } from '../../metrics/template.js';
import { METRIC_UNITS } from '../metric-units.js';
import { closestMatch, didYouMean } from '../../runtime/did-you-mean.js';
import {
  count,
  duration,
  formatDuration,
  githubTeam,
  githubUser,
  parseDuration,
  people,
  percent,
  policyVersion,
  text,
} from '../fields.js';
import { listChoices } from '../wording.js';
import { EVEN_AFTER_PROBLEMS, isMapping, validAt } from '../cross-field.js';

/** Service tiers, from the most careful to the least. */
export const TIERS = ['critical', 'standard', 'non-critical', 'infrastructure'] as const;

/** How a stage's approval and a Marginal judgment's acceptance are given (`approvers.method`). */
export const APPROVAL_METHODS = ['environment', 'status', 'dispatch'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * What a stage waits for before it starts: nothing, a person's approval
 * (`required`), or a change approval (`change`): a change record and a
 * change approver who is not the person who started the release.
 */
export const STAGE_APPROVALS = ['none', 'required', 'change'] as const;
export type StageApproval = (typeof STAGE_APPROVALS)[number];

/** Soak per stage when a stage does not give its own. */
const DEFAULT_SOAK: Record<Tier, string> = {
  critical: '30m',
  standard: '15m',
  'non-critical': '10m',
  infrastructure: '60m',
};

/** What the last (100%) stage of each tier waits for by default. */
const DEFAULT_FULL_TRAFFIC_APPROVAL: Record<Tier, StageApproval> = {
  critical: 'required',
  standard: 'none',
  'non-critical': 'none',
  infrastructure: 'change',
};

/** How long the previous version is kept ready after a promotion to stable: twice the tier's soak. */
const DEFAULT_BAKE: Record<Tier, string> = {
  critical: '1h',
  standard: '30m',
  'non-critical': '20m',
  infrastructure: '2h',
};

/** A change record is one token (an identifier such as CHG0031234, or a link) unless the policy says more. */
const DEFAULT_RECORD_PATTERN = '\\S+';

const DEFAULT_WEIGHTS = [1, 5, 25, 100] as const;

/**
 * Absolute health gates: every check's query, filled for the canary, must
 * stay within its bounds over each judgment's window, on top of the
 * comparison with the baseline. No data, NaN only or an infinite point
 * holds the stage; a breach fails the judgment.
 */
function healthSchema() {
  return z
    .strictObject({
      checks: z
        .array(
          z
            .strictObject({
              /** Unique name, shown in every verdict. */
              name: text(),
              /** Query template, filled for the canary (`{{version}}` is the canary's). */
              query: text().superRefine(checkQueryVariables),
              /** The highest value allowed at any point of the window. */
              max: z.number().optional(),
              /** The lowest value allowed at any point of the window. */
              min: z.number().optional(),
              /** Shown after each value and bound (`s`, `%`); nothing is converted. */
              unit: text().optional(),
            })
            .superRefine((check, ctx) => {
              if (!isMapping(check)) return;
              if (check.max === undefined && check.min === undefined)
                ctx.addIssue({ code: 'custom', message: 'a health check needs max, min or both' });
              else if (
                validAt(ctx, ['min'], ['max']) &&
                check.min !== undefined &&
                check.max !== undefined &&
                check.min > check.max
              )
                ctx.addIssue({
                  code: 'custom',
                  path: ['min'],
                  message: `expected a min of at most max (${check.max}), got ${check.min}`,
                });
            }, EVEN_AFTER_PROBLEMS),
        )
        .min(1)
        .superRefine((checks, ctx) => {
          if (!Array.isArray(checks)) return;
          const seen = new Map<string, number>();
          checks.forEach((check, i) => {
            if (!isMapping(check) || !validAt(ctx, [i, 'name'])) return;
            const first = seen.get(check.name);
            if (first === undefined) seen.set(check.name, i);
            else
              ctx.addIssue({
                code: 'custom',
                path: [i, 'name'],
                message: `duplicate health check name ${JSON.stringify(check.name)} (also checks[${first}])`,
              });
          });
        }, EVEN_AFTER_PROBLEMS),
    })
    .optional();
}

function stageFields<S extends z.ZodType>(soak: S) {
  return z.strictObject({
    /** Percent of traffic the canary takes in this stage. */
    weight: percent(),
    /** How long the stage runs, judged every analysis interval, before it may promote. */
    soakTime: soak,
    /** `required`: a person approves before the canary enters this stage; `change`: a change approval does. */
    approval: z.enum(STAGE_APPROVALS).default('none'),
    /** Health gates of this stage only, on top of the policy's `health`; a check of the same name replaces the policy's. */
    health: healthSchema(),
  });
}

type StageInput = { weight: number };

/** Weights rise strictly from above 0 and end at 100. */
function checkStages(stages: readonly StageInput[], ctx: z.RefinementCtx): void {
  if (!Array.isArray(stages)) return;
  // Weights with problems of their own (a string, 150) are left out, so that
  // one mistake is reported once.
  const valid = stages.map((_, i) => validAt(ctx, [i, 'weight']));
  stages.forEach((stage, i) => {
    if (!valid[i]) return;
    if (i === 0 && stage.weight === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'weight'],
        message: 'expected a weight greater than 0: a stage at 0 sends the canary no traffic',
      });
    }
    const previous = stages[i - 1];
    if (previous && valid[i - 1] && stage.weight <= previous.weight) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'weight'],
        message: `expected a weight greater than the previous stage's ${previous.weight}, got ${stage.weight}`,
      });
    }
  });
  const lastIndex = stages.length - 1;
  const last = stages[lastIndex];
  if (last && valid[lastIndex] && last.weight !== 100) {
    ctx.addIssue({
      code: 'custom',
      path: [lastIndex, 'weight'],
      message: `expected the last stage to reach 100, got ${last.weight}`,
    });
  }
}

/** A tier's stage list; a stage without `soakTime` gets the tier's default soak. */
function stageList(tier: Tier) {
  return z
    .array(stageFields(duration().prefault(DEFAULT_SOAK[tier])))
    .min(1)
    .superRefine(checkStages, EVEN_AFTER_PROBLEMS);
}

type Stage = z.output<ReturnType<typeof stageList>>[number];

/**
 * Each tier's default stages, parsed once through the same schema as the
 * stages users write: 1 → 5 → 25 → 100; critical services wait for a
 * person and infrastructure for a change approval before taking all traffic.
 */
const DEFAULT_STAGES = Object.fromEntries(
  TIERS.map((tier) => {
    const written = DEFAULT_WEIGHTS.map((weight) =>
      weight === 100 ? { weight, approval: DEFAULT_FULL_TRAFFIC_APPROVAL[tier] } : { weight },
    );
    return [tier, stageList(tier).parse(written)];
  }),
) as Record<Tier, Stage[]>;

// Stages stay optional while parsing, so that stages given twice (at the top
// level and under the tier) can be told apart from defaults; the final
// transform fills them in.
function tierSchema(tier: Tier) {
  return z
    .strictObject({
      stages: stageList(tier).optional(),
      /** Who approves a stage with `approval: required`; empty lists fall back to the policy's approvers. */
      approvers: people(),
      /** A change approval (`approval: change`). */
      change: z
        .strictObject({
          /** Who may give it; empty lists fall back to the tier's approvers, then the policy's. */
          approvers: people(),
          /** A regular expression the whole change record must match. */
          recordPattern: text().default(DEFAULT_RECORD_PATTERN).superRefine(checkPattern),
        })
        .prefault({}),
      /** After a promotion to stable, how long the previous version is kept ready (the manifest's keepReady). */
      bakeTime: duration().prefault(DEFAULT_BAKE[tier]),
    })
    .prefault({});
}

/** A change record pattern is a regular expression JavaScript can compile. */
function checkPattern(pattern: string, ctx: z.RefinementCtx): void {
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a regular expression, got ${JSON.stringify(pattern)} (${(err as Error).message})`,
    });
  }
}

/** Every `{{variable}}` of a query template is one the canary flow fills. */
function checkQueryVariables(query: string, ctx: z.RefinementCtx): void {
  const known: readonly string[] = SCOPE_VARIABLES;
  for (const name of templateVariables(query)) {
    if (known.includes(name)) continue;
    const match = closestMatch(name, known);
    const hint = match === undefined ? '' : `; did you mean {{${match}}}?`;
    ctx.addIssue({
      code: 'custom',
      message: `unknown query variable {{${name}}}${hint || `; the variables are ${known.map((v) => `{{${v}}}`).join(', ')}`}`,
    });
  }
}

const metricFields = z.strictObject({
  /** Unique name, shown in every verdict. */
  name: text(),
  /**
   * `count`: events per interval (errors, timeouts); `ratio`: events over
   * requests per interval, `query` over `denominator`; both judged on their
   * totals by the bellwether profile. `continuous` otherwise.
   */
  kind: z.enum(['continuous', 'count', 'ratio']).default('continuous'),
  /** Query template; `{{service}}`, `{{version}}`, `{{window}}`... are filled for each side. */
  query: text().superRefine(checkQueryVariables),
  /** The unit of the values, written in every report; absent: guessed from the query's metric names. */
  unit: z.enum(METRIC_UNITS).optional(),
  /** A ratio metric's requests per point (what `query` counts the events of), with the same variables. */
  denominator: text().superRefine(checkQueryVariables).optional(),
  /** Which change is bad: `increase` (errors, latency), `decrease` (throughput) or `either`. */
  direction: z.enum(['increase', 'decrease', 'either']).default('either'),
  /** A failure of this metric fails the whole judgment, whatever the score. */
  critical: z.boolean().default(false),
  /** No data for this metric holds the canary instead of ignoring the metric. */
  mustHaveData: z.boolean().default(false),
  /** Group whose weight this metric shares; must be one of `groups`. */
  group: text().optional(),
  /** Tolerated effect, in percent (meanRatio: of the baseline mean; cles: points above 50). */
  allowedIncrease: z.number().min(0).optional(),
  allowedDecrease: z.number().min(0).optional(),
  /** Effect beyond which the metric alone fails the judgment, in the same units. */
  criticalIncrease: z.number().min(0).optional(),
  criticalDecrease: z.number().min(0).optional(),
  /** What to do with missing samples (NaN): drop them or count them as zero. */
  nanStrategy: z.enum(['remove', 'replace']).default('remove'),
  /** Keep outliers, or remove them (Tukey fences) before comparing. */
  outliers: z.enum(['keep', 'remove']).default('keep'),
  /** Judged and shown, but never counted. */
  muted: z.boolean().default(false),
  /** How the difference is measured: ratio of means, or common-language effect size. */
  effectSize: z.enum(['meanRatio', 'cles']).default('meanRatio'),
});

const metricSchema = metricFields.superRefine(checkDenominator, EVEN_AFTER_PROBLEMS);

/** A ratio metric has a denominator query, and only a ratio metric has one. */
function checkDenominator(metric: { kind: string; denominator?: string | undefined }, ctx: z.RefinementCtx): void {
  if (!isMapping(metric) || !validAt(ctx, ['kind'])) return;
  if (metric.kind === 'ratio' && metric.denominator === undefined && validAt(ctx, ['denominator'])) {
    ctx.addIssue({
      code: 'custom',
      path: ['denominator'],
      message:
        'missing required field: a ratio metric (kind: ratio) needs the query of its requests per point, which the events its query counts are divided by',
    });
  }
  if (metric.kind !== 'ratio' && metric.denominator !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['denominator'],
      message: `only a ratio metric (kind: ratio) has a denominator; this metric is kind: ${metric.kind}`,
    });
  }
}

const judgeSchema = z
  .strictObject({
    /** `bellwether` (Mann-Whitney with effect sizes) or `kayenta` (NetflixACAJudge-compatible scoring). */
    profile: z.enum(['bellwether', 'kayenta']).default('bellwether'),
    /** Score at or above which a judgment passes. */
    passThreshold: percent().default(95),
    /** Score at or above which (and below pass) a judgment is marginal. */
    marginalThreshold: percent().default(75),
    /** Level of the confidence interval of the shift (canary minus baseline). */
    confidenceLevel: z.number().gt(0.5).lt(1).default(0.98),
    /** Bellwether: fewer points than this on a side is NoData, "too few samples". */
    minSamples: count(1).default(10),
    /** Bellwether: the chance of failing an unchanged canary, over all metrics and looks of a soak. */
    falseFailureRate: z.number().gt(0).lt(0.5).default(0.01),
    /** Bellwether: the smallest relative change worth failing for, in percent. */
    minRelativeChange: percent().default(5),
    metrics: z.array(metricSchema).default([]),
    /** Group name → weight in percent of the score; the weights add up to at most 100. */
    groups: z.record(z.string(), percent()).default({}),
  })
  .superRefine((judge, ctx) => {
    if (!isMapping(judge)) return;
    if (validAt(ctx, ['marginalThreshold'], ['passThreshold']) && judge.marginalThreshold >= judge.passThreshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['marginalThreshold'],
        message: `expected a number below passThreshold (${judge.passThreshold}), got ${judge.marginalThreshold}`,
      });
    }
    const groupsValid = validAt(ctx, ['groups']);
    const groupNames = groupsValid ? Object.keys(judge.groups) : [];
    if (groupsValid) {
      const total = Object.values(judge.groups).reduce((sum, w) => sum + w, 0);
      if (total > 100) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups'],
          message: `expected group weights adding up to at most 100, got ${total}`,
        });
      }
    }
    if (!Array.isArray(judge.metrics)) return;
    const seen = new Map<string, number>();
    judge.metrics.forEach((metric, i) => {
      const at = (field: string) => ['metrics', i, field];
      if (validAt(ctx, at('name'))) {
        const first = seen.get(metric.name);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: at('name'),
            message: `duplicate metric name ${JSON.stringify(metric.name)} (also metrics[${first}])`,
          });
        } else seen.set(metric.name, i);
      }
      if (groupsValid && validAt(ctx, at('group'))) checkMetricGroup(metric.group, groupNames, at('group'), ctx);
      for (const [allowed, critical] of [
        ['allowedIncrease', 'criticalIncrease'],
        ['allowedDecrease', 'criticalDecrease'],
      ] as const) {
        const a = metric[allowed];
        const c = metric[critical];
        if (validAt(ctx, at(allowed), at(critical)) && a !== undefined && c !== undefined && c < a) {
          ctx.addIssue({
            code: 'custom',
            path: at(critical),
            message: `expected a number of at least ${allowed} (${a}), got ${c}`,
          });
        }
      }
    });
  }, EVEN_AFTER_PROBLEMS);

/** A metric names one of the groups, and must when there are groups. */
function checkMetricGroup(
  group: string | undefined,
  groupNames: string[],
  path: PropertyKey[],
  ctx: z.RefinementCtx,
): void {
  if (group === undefined) {
    if (groupNames.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: 'missing required field: when groups are given, every metric names its group',
      });
    }
    return;
  }
  if (!groupNames.includes(group)) {
    const known = groupNames.length > 0 ? `; groups are ${listChoices(groupNames)}` : '; no groups are defined';
    ctx.addIssue({
      code: 'custom',
      path,
      message: `unknown group ${JSON.stringify(group)}${didYouMean(group, groupNames) || known}`,
    });
  }
}

const analysisSchema = z
  .strictObject({
    /** How often a stage is judged while it soaks. */
    interval: duration({ min: '30s' }).prefault('5m'),
    /** How much history each judgment reads, ending at the judgment (never before the stage began). */
    lookback: duration({ min: '1m' }).prefault('15m'),
    /** A marginal judgment holds the stage (judged again next interval) or fails it. */
    marginal: z.enum(['hold', 'fail']).default('hold'),
    /** Failed judgments tolerated in a stage; one more fails the canary. */
    maxFailedIntervals: count(0).default(0),
    /** How long one judgment waits for all its metrics; what has not answered by then is no data, which holds. */
    metricsDeadline: duration({ min: '1s' }).default(DEFAULT_METRICS_DEADLINE_MS),
    judge: judgeSchema.prefault({}),
  })
  .superRefine((analysis, ctx) => {
    // A lookback shorter than the interval would leave samples no judgment reads.
    if (!isMapping(analysis) || !validAt(ctx, ['interval'], ['lookback'])) return;
    if (analysis.lookback < analysis.interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['lookback'],
        message: `expected a lookback of at least the interval (${formatDuration(analysis.interval)}), got ${formatDuration(analysis.lookback)}`,
      });
    }
  }, EVEN_AFTER_PROBLEMS)
  .prefault({});

/** Stages given at the top level: soakTime falls back to the tier's default. */
const topLevelStages = z.array(stageFields(duration().optional())).min(1).superRefine(checkStages, EVEN_AFTER_PROBLEMS);

/** The canary policy as written, with its defaults. */
export const canaryPolicySchema = z
  .strictObject({
    kind: z.literal('canary'),
    version: policyVersion(),
    description: z.string().optional(),
    /** Globs of service names this policy covers. */
    services: z.array(text()).min(1).default(['*']),
    /** The tier of the services covered; picks their stages. */
    tier: z.enum(TIERS).default('standard'),
    /** Shorthand for `tiers.<tier>.stages` of this policy's own tier. */
    stages: topLevelStages.optional(),
    tiers: z
      .strictObject({
        critical: tierSchema('critical'),
        standard: tierSchema('standard'),
        'non-critical': tierSchema('non-critical'),
        infrastructure: tierSchema('infrastructure'),
      })
      .prefault({}),
    analysis: analysisSchema,
    approvers: z
      .strictObject({
        users: z.array(githubUser()).default([]),
        teams: z.array(githubTeam()).default([]),
        /** Where an approval counts from; see `approvalCounts` in src/canary/promotion/approval.ts and docs/policies.md. */
        method: z.enum(APPROVAL_METHODS).default('status'),
      })
      .prefault({}),
    /** Health gates every stage must pass besides the comparison with the baseline (absolute bounds on the canary). */
    health: healthSchema(),
    /** Name of the metrics provider the queries run against. */
    provider: text().default('prometheus'),
  })
  .superRefine((policy, ctx) => {
    if (!isMapping(policy) || !validAt(ctx, ['tier']) || policy.stages === undefined || !isMapping(policy.tiers))
      return;
    const own: unknown = policy.tiers[policy.tier];
    if (isMapping(own) && own.stages !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['stages'],
        message: `the stages of tier "${policy.tier}" are given twice, here and under tiers.${policy.tier}.stages; keep one`,
      });
    }
  }, EVEN_AFTER_PROBLEMS)
  .transform(({ stages, tiers, ...policy }) => {
    const resolve = (tier: Tier): Stage[] => {
      if (tier === policy.tier && stages) {
        const soak = parseDuration(DEFAULT_SOAK[tier]) ?? 0;
        return stages.map((s) => ({ ...s, soakTime: s.soakTime ?? soak }));
      }
      return tiers[tier].stages ?? DEFAULT_STAGES[tier].map((s) => ({ ...s }));
    };
    const resolved = Object.fromEntries(TIERS.map((tier) => [tier, { ...tiers[tier], stages: resolve(tier) }])) as {
      [T in Tier]: Omit<(typeof tiers)[T], 'stages'> & { stages: Stage[] };
    };
    return { ...policy, tiers: resolved };
  });

/** A validated canary policy; durations are in milliseconds. */
export type CanaryPolicy = z.output<typeof canaryPolicySchema>;
/** A tier's settings after defaults: stages, approvers, change approval and bake. */
export type CanaryTier = CanaryPolicy['tiers'][Tier];
/** One stage of a canary: traffic weight, soak and approval. */
export type CanaryStage = Stage;
/** One metric the judge compares between canary and baseline. */
export type CanaryMetric = CanaryPolicy['analysis']['judge']['metrics'][number];

/** One absolute health gate of a canary. */
export type CanaryHealthCheck = NonNullable<CanaryPolicy['health']>['checks'][number];

/**
 * The health gates of stage `index` (0-based) of `stages`: the policy's,
 * with the stage's own added, and a stage's check replacing the policy's of
 * the same name.
 */
export function healthChecksFor(
  policy: Pick<CanaryPolicy, 'health'>,
  stage: Pick<CanaryStage, 'health'> | undefined,
): readonly CanaryHealthCheck[] {
  const own = stage?.health?.checks ?? [];
  const names = new Set(own.map((c) => c.name));
  return [...(policy.health?.checks ?? []).filter((c) => !names.has(c.name)), ...own];
}

/** The stages a service of `tier` walks through under `policy`. */
export function stagesFor(policy: CanaryPolicy, tier: Tier = policy.tier): readonly CanaryStage[] {
  return policy.tiers[tier].stages;
}
