/**
 * The units a canary metric's values may be declared in (`unit:` in the
 * canary policy and the judge's own configuration): seconds, milliseconds,
 * bytes, `percent` (values already from 0 to 100), `ratio` (a fraction from 0
 * to 1, shown as a percentage), `per-second` (a rate) and `count` (a bare number).
 */
export const METRIC_UNITS = ['s', 'ms', 'bytes', 'percent', 'ratio', 'per-second', 'count'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];
