import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  budgetState,
  burnRate,
  countsFrom,
  errorBudget,
  evaluateAlert,
  maxBurnRate,
  scaledThreshold,
  type WindowMeasure,
} from '../../src/freeze/burn.js';
import { Rational } from '../../src/freeze/rational.js';
import type { BurnRateAlert } from '../../src/policy/schemas/freeze.js';

const H = 3_600_000;
const DAY = 24 * H;
const t999 = Rational.fromWritten(0.999);
const counts = (errors: number, events: number): WindowMeasure => ({
  ok: true,
  errors: Rational.fromDouble(errors),
  events: Rational.fromDouble(events),
});
const pageQuick: BurnRateAlert = { longWindow: H, shortWindow: 5 * 60_000, burnRate: 14.4, severity: 'page' };
const pageSlow: BurnRateAlert = { longWindow: 6 * H, shortWindow: 30 * 60_000, burnRate: 6, severity: 'page' };
const ticketQuick: BurnRateAlert = { longWindow: DAY, shortWindow: 2 * H, burnRate: 3, severity: 'ticket' };
const ticketSlow: BurnRateAlert = { longWindow: 3 * DAY, shortWindow: 6 * H, burnRate: 1, severity: 'ticket' };
const ctx30 = { target: t999, periodMs: 30 * DAY, minimumEvents: 10 };

describe('budget arithmetic', () => {
  it('has an exact budget of 1/1000 for 99.9%', () => {
    expect(errorBudget(t999).toString()).toBe('1/1000');
    expect(maxBurnRate(t999).toString()).toBe('1000');
    expect(maxBurnRate(Rational.fromWritten(0.9)).toString()).toBe('10');
  });

  it('computes a burn rate exactly where doubles drift off the threshold', () => {
    // In doubles, 720 errors in 100,000 events against 99.95% burn at
    // 14.400000000001585, which would fire; exactly, the rate is 14.4.
    expect(720 / 100000 / (1 - 0.9995)).toBeGreaterThan(14.4);
    const t9995 = Rational.fromWritten(0.9995);
    const rate = burnRate(countsFrom('bad', Rational.of(720), Rational.of(100000)), t9995);
    expect(rate?.toString()).toBe('72/5');
    const alert = evaluateAlert(pageQuick, counts(720, 100000), counts(720, 100000), { ...ctx30, target: t9995 });
    expect(alert.firing).toBe(false);
    // And below it: 1440 in 100,000 against 99.9% is 14.399999999999986 in doubles.
    expect(1440 / 100000 / (1 - 0.999)).toBeLessThan(14.4);
    expect(burnRate(countsFrom('bad', Rational.of(1440), Rational.of(100000)), t999)?.toString()).toBe('72/5');
  });

  it('has no burn rate without events', () => {
    expect(burnRate(countsFrom('bad', Rational.ZERO, Rational.ZERO), t999)).toBeUndefined();
  });

  it.each([
    // errors, events, consumed, remaining
    [0, 1000, '0', '1'],
    [1, 2000, '1/2', '1/2'],
    [1, 1000, '1', '0'],
    [3, 1000, '3', '-2'],
    [0, 0, '0', '1'],
  ])('a period with %d errors in %d events has consumed %s and %s remaining', (errors, events, consumed, remaining) => {
    const state = budgetState(countsFrom('bad', Rational.of(errors), Rational.of(events)), t999);
    expect(state.consumed.toString()).toBe(consumed);
    expect(state.remaining.toString()).toBe(remaining);
  });

  it('derives errors from a good query and keeps them within [0, events]', () => {
    expect(countsFrom('good', Rational.of(990), Rational.of(1000)).errors.toString()).toBe('10');
    expect(countsFrom('good', Rational.of(1001), Rational.of(1000)).errors.toString()).toBe('0');
    expect(countsFrom('bad', Rational.of(1001), Rational.of(1000)).errors.toString()).toBe('1000');
  });
});

describe('scaledThreshold (Sloth: factor × period / 30 days)', () => {
  it.each([
    [14.4, 30, '72/5'],
    [6, 30, '6'],
    [3, 30, '3'],
    [1, 30, '1'],
    [14.4, 28, '336/25'], // 13.44
    [6, 28, '28/5'], // 5.6
    [3, 28, '14/5'], // 2.8
    [1, 28, '14/15'],
    [14.4, 7, '84/25'], // 3.36
  ])('factor %d over %d days is %s', (factor, days, expected) => {
    expect(scaledThreshold(factor, days * DAY).toString()).toBe(expected);
  });
});

describe('evaluateAlert', () => {
  it.each([
    // name, alert, long (errors, events), short, state
    ['exactly at 14.4 over both windows does not fire', pageQuick, [144, 10000], [144, 10000], 'ok'],
    ['one error above 14.4 over both fires', pageQuick, [145, 10000], [145, 10000], 'firing'],
    ['above over 1h but at 14.4 over 5m does not fire', pageQuick, [200, 10000], [144, 10000], 'ok'],
    ['above over 5m only does not fire', pageQuick, [144, 10000], [500, 10000], 'ok'],
    ['6× exactly does not fire', pageSlow, [60, 10000], [60, 10000], 'ok'],
    ['just above 6× fires', pageSlow, [61, 10000], [61, 10000], 'firing'],
    ['3× exactly does not fire', ticketQuick, [30, 10000], [30, 10000], 'ok'],
    ['1× exactly does not fire', ticketSlow, [10, 10000], [10, 10000], 'ok'],
    ['just above 1× fires', ticketSlow, [11, 10000], [11, 10000], 'firing'],
    ['one failed request of three at night is not judged', pageQuick, [1, 3], [1, 1], 'low-traffic'],
    ['a window without events is low traffic', pageQuick, [0, 0], [0, 0], 'low-traffic'],
  ] as const)('%s', (_name, alert, long, short, state) => {
    const result = evaluateAlert(alert, counts(long[0], long[1]), counts(short[0], short[1]), ctx30);
    expect(result.state).toBe(state);
    expect(result.firing).toBe(state === 'firing');
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it('names the alert and reports both burn rates and the threshold', () => {
    const r = evaluateAlert(pageQuick, counts(145, 10000), counts(150, 10000), ctx30);
    expect(r.name).toBe('page-1h-5m');
    expect([r.longWindow, r.shortWindow, r.factor]).toEqual(['1h', '5m', 14.4]);
    expect(r.threshold.toNumber()).toBe(14.4);
    expect(r.burnRates.long?.toNumber()).toBe(14.5);
    expect(r.burnRates.short?.toNumber()).toBe(15);
    expect(r.reason).toBe('burn rate 14.5 over 1h and 15 over 5m, threshold 14.4: both strictly above');
  });

  it('scales to a 28-day period: 13.44 exactly does not fire, just above does', () => {
    const ctx28 = { ...ctx30, periodMs: 28 * DAY };
    expect(evaluateAlert(pageQuick, counts(1344, 100000), counts(1344, 100000), ctx28).state).toBe('ok');
    expect(evaluateAlert(pageQuick, counts(1345, 100000), counts(1345, 100000), ctx28).state).toBe('firing');
    // 14.4 fires at 28 days though it would not at 30.
    expect(evaluateAlert(pageQuick, counts(1440, 100000), counts(1440, 100000), ctx28).state).toBe('firing');
    expect(evaluateAlert(pageQuick, counts(1440, 100000), counts(1440, 100000), ctx30).state).toBe('ok');
  });

  it('says a 90% SLO can never fire the 14.4× alert but can fire the 6× one', () => {
    const ctx90 = { ...ctx30, target: Rational.fromWritten(0.9) };
    const all = counts(1000, 1000);
    const quick = evaluateAlert(pageQuick, all, all, ctx90);
    expect(quick.state).toBe('never-fires');
    expect(quick.firing).toBe(false);
    expect(quick.reason).toBe(
      'can never fire: the highest burn rate of a 90% objective is 10, not above the threshold 14.4',
    );
    expect(evaluateAlert(pageSlow, all, all, ctx90).state).toBe('firing');
  });

  it('says an objective whose highest burn rate equals the threshold can never fire', () => {
    // 1 − 1/6 = 5/6: every request failing burns at exactly 6.
    const ctx = { ...ctx30, target: Rational.of(5, 6) };
    expect(evaluateAlert(pageSlow, counts(10, 10), counts(10, 10), ctx).state).toBe('never-fires');
  });

  it('reports missing data for a window as no-data, not as quiet', () => {
    const r = evaluateAlert(pageQuick, counts(500, 1000), { ok: false, reason: 'timeout' }, ctx30);
    expect(r.state).toBe('no-data');
    expect(r.reason).toBe('no data over 5m: timeout');
  });

  it('judges every window when the minimum is zero', () => {
    const r = evaluateAlert(pageQuick, counts(1, 1), counts(1, 1), { ...ctx30, minimumEvents: 0 });
    expect(r.state).toBe('firing');
  });
});

describe('monotonicity', () => {
  const events = fc.integer({ min: 1, max: 10_000_000 });
  it('more bad events never lower the burn rate or the budget consumed', () => {
    fc.assert(
      fc.property(
        events,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 99999 }),
        (n, a, b, t) => {
          const target = Rational.of(t, 100000);
          const total = Rational.of(n);
          const fewer = Rational.fromDouble(Math.min(a, b) * n);
          const more = Rational.fromDouble(Math.max(a, b) * n);
          const low = countsFrom('bad', fewer, total);
          const high = countsFrom('bad', more, total);
          expect(burnRate(high, target)!.gte(burnRate(low, target)!)).toBe(true);
          expect(budgetState(high, target).consumed.gte(budgetState(low, target).consumed)).toBe(true);
          expect(budgetState(high, target).remaining.lte(budgetState(low, target).remaining)).toBe(true);
          // Fewer good events are more bad ones.
          const goodLow = countsFrom('good', total.sub(more), total);
          expect(burnRate(goodLow, target)!.eq(burnRate(high, target)!)).toBe(true);
        },
      ),
    );
  });

  it('an alert that fires keeps firing with more bad events', () => {
    fc.assert(
      fc.property(
        events,
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (n, e1, e2, extra) => {
          const before = evaluateAlert(pageQuick, counts(Math.min(e1, n), n), counts(Math.min(e2, n), n), ctx30);
          const after = evaluateAlert(
            pageQuick,
            counts(Math.min(e1 + extra, n), n),
            counts(Math.min(e2 + extra, n), n),
            ctx30,
          );
          if (before.firing) expect(after.firing).toBe(true);
        },
      ),
    );
  });
});
