/**
 * Power table of the canary judge on count metrics: how often each profile
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
 * (mean 1.5, size 0.5: bursty), and lognormal latencies (continuous, for
 * comparison: `kind: count` does not apply to them).
 * Columns: kayenta (Mann-Whitney, as Kayenta); bellwether with the metrics
 * left `continuous` (rank-sum); bellwether with `kind: count` (rate-ratio test).
 *
 * Run: npx tsx scripts/canary-count-power.ts [canaries per seed (50)] [seeds (2)]
 * Deterministic: seeds 1..N. Fetches nothing.
 */
import { defineMetric } from '../src/canary/judge/defaults.js';
import { judge } from '../src/canary/judge/judge.js';
import { negativeBinomial, poisson, rng } from '../src/canary/judge/synthetic.js';
import type { JudgeConfig, JudgeProfile, MetricKind } from '../src/canary/judge/types.js';

type Draw = (factor: number, random: () => number) => number;
const normal = (random: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const generators: { name: string; count: boolean; draw: Draw }[] = [
  { name: 'Poisson 0.2/interval', count: true, draw: (f, r) => poisson(0.2 * f, r) },
  { name: 'Poisson 1.5/interval', count: true, draw: (f, r) => poisson(1.5 * f, r) },
  { name: 'neg. binomial 1.5, size 0.5', count: true, draw: (f, r) => negativeBinomial(1.5 * f, 0.5, r) },
  { name: 'lognormal latency', count: false, draw: (f, r) => 120 * f * Math.exp(0.3 * normal(r)) },
];
const sizes = [60, 300, 1000];
const effects = [1.15, 1.25, 1.5];
const perSeed = Number(process.argv[2] ?? 50);
const seeds = Number(process.argv[3] ?? 2);

interface Mode {
  readonly label: string;
  readonly profile: JudgeProfile;
  readonly kind: MetricKind;
}
const modes: Mode[] = [
  { label: 'kayenta', profile: 'kayenta', kind: 'continuous' },
  { label: 'bellwether rank-sum', profile: 'bellwether', kind: 'continuous' },
  { label: 'bellwether kind: count', profile: 'bellwether', kind: 'count' },
];

function configOf(kind: MetricKind): JudgeConfig {
  const metrics = Array.from({ length: 10 }, (_, i) =>
    defineMetric({ name: `m${i}`, groups: ['g'], direction: 'increase', kind }),
  );
  return { metrics, groupWeights: {} };
}

function failsALook(
  config: JudgeConfig,
  input: Record<string, { canary: number[]; baseline: number[] }>,
  profile: JudgeProfile,
  points: number,
): boolean {
  for (let look = 1; look <= 6; look++) {
    const upTo = Math.round((points * look) / 6);
    const part = Object.fromEntries(
      Object.entries(input).map(([k, s]) => [
        k,
        { canary: s.canary.slice(0, upTo), baseline: s.baseline.slice(0, upTo) },
      ]),
    );
    const options = profile === 'bellwether' ? { profile, sequential: { look, looks: 6 } } : { profile };
    if (judge(config, part, options).verdict !== 'Pass') return true;
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
for (const gen of generators) {
  for (const points of sizes) {
    for (const mode of modes) {
      if (!gen.count && mode.kind === 'count') continue;
      const config = configOf(mode.kind);
      const cells: string[] = [];
      let looksFailed = 0;
      for (const effect of [...effects, 1]) {
        let failed = 0;
        for (let seed = 1; seed <= seeds; seed++) {
          // the same data for every mode: the seed depends on the cell only
          const random = rng(seed * 1_000_003 + points * 7 + Math.round(effect * 100));
          for (let c = 0; c < perSeed; c++) {
            const input: Record<string, { canary: number[]; baseline: number[] }> = {};
            for (let i = 0; i < 10; i++) {
              const f = i === 0 ? effect : 1;
              input[`m${i}`] = {
                baseline: Array.from({ length: points }, () => gen.draw(1, random)),
                canary: Array.from({ length: points }, () => gen.draw(f, random)),
              };
            }
            if (judge(config, input, { profile: mode.profile }).verdict !== 'Pass') failed++;
            if (effect === 1 && failsALook(config, input, mode.profile, points)) looksFailed++;
          }
        }
        cells.push(pct(failed, perSeed * seeds));
      }
      cells.push(pct(looksFailed, perSeed * seeds));
      console.log([gen.name, String(points), mode.label, ...cells].join(' | '));
    }
  }
}
