/**
 * Power table of the canary judge on count and ratio metrics: how often each profile
 * catches a canary with one metric made 15%, 25% or 50% worse, and how often
 * it fails an unchanged (A/A) canary. Each canary has ten metrics of one
 * generator (so the bellwether profile splits its 1% budget ten ways); the
 * canary is caught when its verdict is not Pass. One look at the whole soak;
 * the last column judges the unchanged canaries again in six looks at the
 * growing soak (the bellwether profile told which look it is and spending its
 * budget across them, the kayenta profile judging each look afresh), failed
 * when any look does not pass.
 *
 * Generators: Poisson at 0.2 and 1.5 events per interval, negative binomial
 * (mean 1.5, size 0.5: bursty), lognormal latencies (continuous, for
 * comparison: `kind: count` does not apply to them), and two ratios, errors
 * over requests: each interval's requests are Poisson around 3,000 (or 300)
 * with daily seasonality (one point a minute, volume 0.5–1.5× the mean over a
 * day, each canary starting at a random time of day, canary and baseline
 * seeing the same hour), and its errors binomial over those requests at a
 * 0.2% error rate (times the effect on the canary).
 * Modes: kayenta (Mann-Whitney, as Kayenta; a ratio on its per-interval
 * ratios, as `kind: ratio` in the kayenta profile); bellwether with the
 * metrics left `continuous` (rank-sum; a ratio's per-interval ratios given as
 * plain values); bellwether with `kind: count` (rate-ratio test) or, for a
 * ratio, `kind: ratio` (the same test on errors over requests, added up).
 *
 * Run: npx tsx scripts/canary-count-power.ts [canaries per seed (50)] [seeds (2)] [generator filter]
 * (the filter keeps the generators whose name contains it, e.g. `ratio`).
 * Deterministic: seeds 1..N. Fetches nothing.
 */
import { defineMetric } from '../src/canary/judge/defaults.js';
import { judge } from '../src/canary/judge/judge.js';
import { logGamma } from '../src/canary/judge/count-test.js';
import { negativeBinomial, poisson, rng } from '../src/canary/judge/synthetic.js';
import type { JudgeConfig, JudgeInput, JudgeProfile, MetricKind, MetricSamples } from '../src/canary/judge/types.js';

type Draw = (factor: number, random: () => number) => number;
/** One metric's series: the values (a ratio's numerators) and, for a ratio, its denominators. */
interface Series {
  readonly values: number[];
  readonly denominators?: number[];
}
/** Both sides of one metric over `points` intervals, the canary's made `factor` times worse. */
type Pair = (points: number, factor: number, random: () => number) => { baseline: Series; canary: Series };
const normal = (random: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** A Poisson draw for large rates (Hörmann's PTRS transformed rejection; exact). */
function poissonLarge(lambda: number, random: () => number): number {
  if (lambda < 10) return poisson(lambda, random);
  const root = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - logGamma(k + 1))
      return k;
  }
}

/** A binomial draw with small `p` (exact: geometric gaps between successes). */
function binomial(n: number, p: number, random: () => number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  const logQ = Math.log(1 - p);
  let k = 0;
  let at = 0;
  for (;;) {
    at += Math.floor(Math.log(1 - random()) / logQ) + 1;
    if (at > n) return k;
    k++;
  }
}

/** Independent draws per point on each side. */
const independent =
  (draw: Draw): Pair =>
  (points, factor, random) => ({
    baseline: { values: Array.from({ length: points }, () => draw(1, random)) },
    canary: { values: Array.from({ length: points }, () => draw(factor, random)) },
  });

/**
 * Errors over requests, one point a minute: requests Poisson around `volume`
 * with daily seasonality (the canary starting at a random minute of the day,
 * both sides at the same minute), errors binomial at `rate` (× `factor` on the
 * canary).
 */
const errorRatio =
  (volume: number, rate: number): Pair =>
  (points, factor, random) => {
    const start = Math.floor(random() * 1440);
    const side = (p: number): Series => {
      const denominators: number[] = [];
      const values: number[] = [];
      for (let t = 0; t < points; t++) {
        const requests = poissonLarge(volume * (1 + 0.5 * Math.sin((2 * Math.PI * (start + t)) / 1440)), random);
        denominators.push(requests);
        values.push(binomial(requests, p, random));
      }
      return { values, denominators };
    };
    return { baseline: side(rate), canary: side(rate * factor) };
  };

const generators: { name: string; kind: MetricKind; pair: Pair }[] = [
  { name: 'Poisson 0.2/interval', kind: 'count', pair: independent((f, r) => poisson(0.2 * f, r)) },
  { name: 'Poisson 1.5/interval', kind: 'count', pair: independent((f, r) => poisson(1.5 * f, r)) },
  {
    name: 'neg. binomial 1.5, size 0.5',
    kind: 'count',
    pair: independent((f, r) => negativeBinomial(1.5 * f, 0.5, r)),
  },
  {
    name: 'lognormal latency',
    kind: 'continuous',
    pair: independent((f, r) => 120 * f * Math.exp(0.3 * normal(r))),
  },
  { name: 'ratio 0.2% of ~3,000 req/interval', kind: 'ratio', pair: errorRatio(3000, 0.002) },
  { name: 'ratio 0.2% of ~300 req/interval', kind: 'ratio', pair: errorRatio(300, 0.002) },
];
const sizes = [60, 300, 1000];
const effects = [1.15, 1.25, 1.5];
const perSeed = Number(process.argv[2] ?? 50);
const seeds = Number(process.argv[3] ?? 2);
const only = process.argv[4] ?? '';

interface Mode {
  readonly label: string;
  readonly profile: JudgeProfile;
  /** The kind the metrics are given: `continuous`, or the generator's own (`count`, `ratio`). */
  readonly kind: 'continuous' | 'own';
}
const modes: Mode[] = [
  { label: 'kayenta', profile: 'kayenta', kind: 'continuous' },
  { label: 'bellwether rank-sum', profile: 'bellwether', kind: 'continuous' },
  { label: 'bellwether kind: count', profile: 'bellwether', kind: 'own' },
];
/** The kind each mode judges a generator's metrics as, and the mode's label for it. */
function kindOf(mode: Mode, generator: MetricKind): MetricKind {
  // a ratio needs its denominators in the kayenta profile too, which judges its per-interval ratios
  if (generator === 'ratio' && mode.profile === 'kayenta') return 'ratio';
  return mode.kind === 'own' ? generator : 'continuous';
}
const labelOf = (mode: Mode, generator: MetricKind): string =>
  mode.kind === 'own' ? `bellwether kind: ${generator}` : mode.label;

function configOf(kind: MetricKind): JudgeConfig {
  const metrics = Array.from({ length: 10 }, (_, i) =>
    defineMetric({ name: `m${i}`, groups: ['g'], direction: 'increase', kind }),
  );
  return { metrics, groupWeights: {} };
}

/** The judge's samples of one metric: a ratio's numerators and denominators, or its per-interval ratios as plain values. */
function samplesOf(pair: { baseline: Series; canary: Series }, kind: MetricKind, upTo: number): MetricSamples {
  const cut = (xs: number[]): number[] => xs.slice(0, upTo);
  const { baseline, canary } = pair;
  if (baseline.denominators === undefined || canary.denominators === undefined)
    return { baseline: cut(baseline.values), canary: cut(canary.values) };
  if (kind === 'ratio')
    return {
      baseline: cut(baseline.values),
      canary: cut(canary.values),
      baselineDenominator: cut(baseline.denominators),
      canaryDenominator: cut(canary.denominators),
    };
  const ratios = (s: Series): number[] => cut(s.values).map((v, i) => v / s.denominators![i]!);
  return { baseline: ratios(baseline), canary: ratios(canary) };
}

type Pairs = Record<string, { baseline: Series; canary: Series }>;
const inputOf = (pairs: Pairs, kind: MetricKind, upTo: number): JudgeInput =>
  Object.fromEntries(Object.entries(pairs).map(([k, pair]) => [k, samplesOf(pair, kind, upTo)]));

function failsALook(
  config: JudgeConfig,
  pairs: Pairs,
  kind: MetricKind,
  profile: JudgeProfile,
  points: number,
): boolean {
  for (let look = 1; look <= 6; look++) {
    const upTo = Math.round((points * look) / 6);
    const options = profile === 'bellwether' ? { profile, sequential: { look, looks: 6 } } : { profile };
    if (judge(config, inputOf(pairs, kind, upTo), options).verdict !== 'Pass') return true;
  }
  return false;
}

const pct = (k: number, n: number): string => `${((100 * k) / n).toFixed(1)}%`;
console.log(
  `canaries per cell: ${perSeed * seeds} (${seeds} seeds × ${perSeed}); ten metrics per canary, one made worse; one look\n`,
);
console.log(
  [
    'generator',
    'points',
    'mode',
    ...effects.map((e) => `+${Math.round((e - 1) * 100)}% caught`),
    'A/A failed',
    'A/A failed, 6 looks',
  ].join(' | '),
);
for (const gen of generators.filter((g) => g.name.includes(only))) {
  for (const points of sizes) {
    for (const mode of modes) {
      if (gen.kind === 'continuous' && mode.kind === 'own') continue;
      const kind = kindOf(mode, gen.kind);
      const config = configOf(kind);
      const cells: string[] = [];
      let looksFailed = 0;
      for (const effect of [...effects, 1]) {
        let failed = 0;
        for (let seed = 1; seed <= seeds; seed++) {
          // the same data for every mode: the seed depends on the cell only
          const random = rng(seed * 1_000_003 + points * 7 + Math.round(effect * 100));
          for (let c = 0; c < perSeed; c++) {
            const pairs: Pairs = {};
            for (let i = 0; i < 10; i++) pairs[`m${i}`] = gen.pair(points, i === 0 ? effect : 1, random);
            if (judge(config, inputOf(pairs, kind, points), { profile: mode.profile }).verdict !== 'Pass') failed++;
            if (effect === 1 && failsALook(config, pairs, kind, mode.profile, points)) looksFailed++;
          }
        }
        cells.push(pct(failed, perSeed * seeds));
      }
      cells.push(pct(looksFailed, perSeed * seeds));
      console.log([gen.name, String(points), labelOf(mode, gen.kind), ...cells].join(' | '));
    }
  }
}
