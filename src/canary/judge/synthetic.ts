/**
 * Labelled synthetic canaries, generated deterministically from a seed, to
 * measure how well a profile decides: ten metrics of five kinds each, and in
 * half of the canaries one metric made 20% worse.
 *
 * Kinds: latency (lognormal), heavy tail (lognormal body with a Pareto tail),
 * count (Poisson, around 3 per interval), rate (errors out of 500 requests,
 * around 2%), gauge (normal around 500).
 */

import { seededRandom } from '../../runtime/random.js';
import { defineMetric } from './defaults.js';
import type { JudgeConfig, JudgeInput, MetricSamples } from './types.js';

/** The kinds of metric in a synthetic canary. */
export const METRIC_KINDS = ['latency', 'heavyTail', 'count', 'rate', 'gauge'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** One synthetic canary with the truth about it. */
export interface LabelledCanary {
  readonly input: JudgeInput;
  /** Name of the metric made worse, or null for an unchanged canary. */
  readonly regressed: string | null;
  readonly kind: MetricKind | null;
}

/** Options of the generator. */
export interface SyntheticOptions {
  readonly seed: number;
  /** Number of canaries; every second one has a regression. */
  readonly canaries: number;
  /** Points per side per metric. */
  readonly points: number;
  /** Factor applied to the regressed metric's parameter (1.2: 20% worse). */
  readonly worse?: number;
}

/** The configuration shared by all synthetic canaries: two metrics of each kind. */
export function syntheticConfig(): JudgeConfig {
  const metrics = METRIC_KINDS.flatMap((kind) =>
    ['a', 'b'].map((suffix) =>
      defineMetric({
        name: `${kind}-${suffix}`,
        groups: [kind],
        direction: kind === 'gauge' ? 'either' : 'increase',
        nanStrategy: kind === 'count' ? 'replace' : 'remove',
      }),
    ),
  );
  return { metrics, groupWeights: {} };
}

/** Generates labelled canaries. Same options, same canaries. */
export function syntheticCanaries(options: SyntheticOptions): LabelledCanary[] {
  const random = rng(options.seed);
  const worse = options.worse ?? 1.2;
  const names = syntheticConfig().metrics.map((m) => m.name);
  const out: LabelledCanary[] = [];
  for (let c = 0; c < options.canaries; c++) {
    const regressed = c % 2 === 1 ? (names[Math.floor(c / 2) % names.length] as string) : null;
    const input: Record<string, MetricSamples> = {};
    for (const name of names) {
      const kind = kindOf(name);
      const factor = name === regressed ? worse : 1;
      input[name] = {
        baseline: sample(kind, options.points, 1, random),
        canary: sample(kind, options.points, factor, random),
      };
    }
    out.push({ input, regressed, kind: regressed ? kindOf(regressed) : null });
  }
  return out;
}

/** The kind of a synthetic metric from its name. */
export function kindOf(name: string): MetricKind {
  return name.slice(0, name.lastIndexOf('-')) as MetricKind;
}

function sample(kind: MetricKind, n: number, factor: number, random: () => number): number[] {
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'latency':
        out.push(120 * factor * Math.exp(0.3 * normal()));
        break;
      case 'heavyTail': {
        const body = 200 * Math.exp(0.35 * normal());
        const tail = random() < 0.05 ? Math.pow(1 - random(), -1 / 1.5) : 1;
        out.push(factor * body * tail);
        break;
      }
      case 'count':
        out.push(poisson(3 * factor, random));
        break;
      case 'rate':
        out.push(binomial(500, 0.02 * factor, random) / 500);
        break;
      case 'gauge':
        out.push(500 * factor + 50 * normal());
        break;
    }
  }
  return out;
}

/** A Poisson draw (Knuth's product method; fine for the small rates of the benchmarks). */
export function poisson(lambda: number, random: () => number): number {
  if (lambda > 30) {
    // split a large rate: a sum of Poisson draws is Poisson
    let k = 0;
    let rest = lambda;
    while (rest > 0) {
      k += poisson(Math.min(30, rest), random);
      rest -= 30;
    }
    return k;
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/**
 * A negative binomial draw with mean `mean` and size `size` (variance
 * mean + mean²/size): a Poisson whose rate is Gamma-distributed, which is how
 * bursty error counts look.
 */
export function negativeBinomial(mean: number, size: number, random: () => number): number {
  return poisson(gamma(size, random) * (mean / size), random);
}

/** Gamma(shape, 1) (Marsaglia and Tsang; shape < 1 by the boost U^(1/shape)). */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const v = Math.pow(1 + c * z, 3);
    if (v <= 0) continue;
    if (Math.log(1 - random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

function binomial(trials: number, p: number, random: () => number): number {
  let k = 0;
  for (let i = 0; i < trials; i++) if (random() < p) k++;
  return k;
}

/** The project's seeded generator, under the name the bench and tests use. */
export const rng = seededRandom;
