/**
 * The judgments of a canary's reconciles, in order, and each metric's canary
 * and baseline over them: what the charts of a soak draw.
 */
import type { ReconcileResult, WindowDetail } from '../canary/promotion/reconcile.js';
import type { SampleStats } from '../canary/judge/types.js';
import type { MetricValues } from '../gitops/promotion-state.js';
import type { MetricDistributions, MetricSeries, SideSummary } from './charts.js';
import type { Unit } from './units.js';
import { unitOfMetric } from './units.js';
import { sideUnit, sideValues } from './evidence.js';

/** One judgment, with its evidence. */
export interface Look {
  readonly at: string;
  readonly weight: number;
  readonly verdict: string;
  readonly score: number | null;
  readonly detail: WindowDetail;
}

/** Every judgment among the reconciles, in order. */
export function judgmentsOf(results: readonly ReconcileResult[]): Look[] {
  const out: Look[] = [];
  for (const r of results) {
    const detail = r.judgment?.detail;
    if (!r.judgment || !detail) continue;
    out.push({
      at: detail.window.end,
      weight: detail.weight ?? r.manifest.canary.weight,
      verdict: r.judgment.verdict,
      score: r.judgment.score,
      detail,
    });
  }
  return out;
}

const time = (iso: string): string => iso.slice(11, 16);

/** Each metric judged, canary against baseline per judgment (means; null where a side had no data). */
export function seriesOfJudgments(results: readonly ReconcileResult[]): MetricSeries[] {
  const looks = judgmentsOf(results).filter((l) => l.detail.result);
  const names = [...new Set(looks.flatMap((l) => l.detail.result!.metrics.map((m) => m.name)))];
  return names.map((name) => {
    const at = looks.map((l) => l.detail.result!.metrics.find((m) => m.name === name));
    const configured = at.find((m) => m?.unit !== undefined || m?.query !== undefined);
    // a ratio metric is drawn as its events per request, as its test judged it
    const rated = at.find((m) => m?.totals);
    const rate = rated !== undefined;
    return {
      metric: name,
      unit: rated ? sideUnit(rated) : unitOfMetric(configured ?? {}),
      measure: rate ? `${name}, events per request per judgment` : `${name}, mean per judgment`,
      labels: looks.map((l) => `${time(l.at)} ${l.weight}%`),
      canary: at.map((m) => (m ? sideValues(m).canary : null)),
      baseline: at.map((m) => (m ? sideValues(m).baseline : null)),
      failed: looks.flatMap((l, i) =>
        l.verdict === 'Fail' || at[i]?.classification === 'High' || at[i]?.classification === 'Low' ? [i] : [],
      ),
    };
  });
}

/** Each metric judged, the distributions canary against baseline per judgment, from the summaries the judge keeps. */
export function distributionsOfJudgments(results: readonly ReconcileResult[]): MetricDistributions[] {
  const looks = judgmentsOf(results).filter((l) => l.detail.result);
  const names = [...new Set(looks.flatMap((l) => l.detail.result!.metrics.map((m) => m.name)))];
  const side = (s: SampleStats | undefined): SideSummary | null =>
    s && s.n > 0
      ? {
          n: s.n,
          min: s.min,
          ...(s.q1 !== undefined && s.q3 !== undefined ? { q1: s.q1, q3: s.q3 } : {}),
          median: s.median,
          mean: s.mean,
          p99: s.p99,
          max: s.max,
        }
      : null;
  return names.map((name) => {
    const at = looks.map((l) => l.detail.result!.metrics.find((m) => m.name === name));
    // a ratio's points are its per-interval events per request
    const rated = at.find((m) => m?.totals);
    return {
      metric: name,
      unit: rated
        ? sideUnit(rated)
        : unitOfMetric(at.find((m) => m?.unit !== undefined || m?.query !== undefined) ?? {}),
      labels: looks.map((l) => `${time(l.at)} ${l.weight}%`),
      canary: at.map((m) => side(m?.canary)),
      baseline: at.map((m) => side(m?.baseline)),
      failed: looks.flatMap((l, i) =>
        l.verdict === 'Fail' || at[i]?.classification === 'High' || at[i]?.classification === 'Low' ? [i] : [],
      ),
    };
  });
}

/** One judgment of a soak as the release manifest keeps it (or as this run made it): its time, weight and values. */
export interface SoakPoint {
  readonly at: string;
  /** The canary's weight while it was judged; undefined where the stage is no longer in the policy. */
  readonly weight: number | undefined;
  readonly verdict: string;
  /** Each metric's values; absent from judgments recorded without them. */
  readonly metrics?: Readonly<Record<string, MetricValues>> | undefined;
}

/**
 * Each metric, canary against baseline, over the judgments of a soak that
 * have values, in time order: what a scheduled run, which judges once,
 * draws from the manifest's history.
 */
export function seriesOfSoak(points: readonly SoakPoint[], unitFor: (metric: string) => Unit): MetricSeries[] {
  const looks = points.filter((p) => p.metrics !== undefined).sort((a, b) => a.at.localeCompare(b.at));
  const names = [...new Set(looks.flatMap((l) => Object.keys(l.metrics ?? {})))];
  return names.map((name) => {
    const at = looks.map((l) => l.metrics?.[name]);
    return {
      metric: name,
      unit: unitFor(name),
      measure: `${name}, mean per judgment`,
      labels: looks.map((l) => `${time(l.at)} ${l.weight === undefined ? '?' : `${l.weight}%`}`),
      canary: at.map((v) => v?.canary ?? null),
      baseline: at.map((v) => v?.baseline ?? null),
      failed: looks.flatMap((l, i) =>
        l.verdict === 'Fail' || at[i]?.classification === 'High' || at[i]?.classification === 'Low' ? [i] : [],
      ),
    };
  });
}
