import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { checkPolicyText, parseAnyPolicy, policyKinds } from '../../src/policy/kinds.js';
import { ConfigurationError } from '../../src/runtime/errors.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

function problems(yaml: string, file = 'p.yml'): string[] {
  return checkPolicyText(yaml, file).problems.map((p) => p.message);
}

describe('parseAnyPolicy', () => {
  it('dispatches on kind', () => {
    for (const kind of Object.keys(policyKinds)) {
      const extra = kind === 'waves' ? '\nwaves:\n  - {name: all, regions: [eu-west-1]}' : '';
      expect(parseAnyPolicy(`kind: ${kind}${extra}`, 'p.yml').kind).toBe(kind);
    }
  });

  it.each([
    ['kind: canari', 'p.yml:1: kind: unknown kind "canari"; did you mean "canary"?'],
    ['kind: gate', 'p.yml:1: kind: unknown kind "gate"; did you mean "gates"?'],
    [
      'kind: deploy',
      'p.yml:1: kind: unknown kind "deploy"; expected one of "canary", "waves", "freeze", "rollback", "postmortem", "notify" or "gates"',
    ],
    [
      'kind: 3',
      'p.yml:1: kind: unknown kind 3; expected one of "canary", "waves", "freeze", "rollback", "postmortem", "notify" or "gates"',
    ],
    [
      'version: 1\nservices: [a]',
      'p.yml:1: kind: missing required field; expected one of "canary", "waves", "freeze", "rollback", "postmortem", "notify" or "gates"',
    ],
    ['[kind, canary]', 'p.yml:1: expected a mapping with a "kind" field at the top level, got a list'],
    ['just text', 'p.yml:1: expected a mapping with a "kind" field at the top level, got "just text"'],
    [
      'kind:',
      'p.yml:1: kind: missing required field; expected one of "canary", "waves", "freeze", "rollback", "postmortem", "notify" or "gates"',
    ],
    [
      'kind: toString',
      'p.yml:1: kind: unknown kind "toString"; expected one of "canary", "waves", "freeze", "rollback", "postmortem", "notify" or "gates"',
    ],
  ])('%j', (yaml, message) => {
    expect(() => parseAnyPolicy(yaml, 'p.yml')).toThrow(new ConfigurationError(message).message);
    expect(problems(yaml)).toEqual([message]);
  });

  it('accepts extra kinds from the caller', () => {
    const kinds = {
      ...policyKinds,
      custom: z.strictObject({ kind: z.literal('custom'), strict: z.boolean().default(true) }),
    };
    expect(checkPolicyText('kind: custom', 'g.yml', kinds)).toEqual({
      kind: 'custom',
      problems: [],
      policy: { kind: 'custom', strict: true },
    });
    expect(checkPolicyText('kind: custom\nstrickt: false', 'g.yml', kinds).problems.map((p) => p.message)).toEqual([
      'g.yml:2: strickt: unknown key "strickt"; did you mean "strict"?',
    ]);
  });

  it("validates gates policies with the security gates' own schema", () => {
    const check = checkPolicyText('kind: gates\nfailOn: hihg\n', 'gates.yml');
    expect(check.kind).toBe('gates');
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]?.location).toMatchObject({ file: 'gates.yml', line: 2, field: 'failOn' });
    expect(parseAnyPolicy('kind: gates', 'gates.yml').kind).toBe('gates');
  });

  it('reports the kind even when the policy is invalid', () => {
    const check = checkPolicyText('kind: freeze\nslos: 3', 'f.yml');
    expect(check.kind).toBe('freeze');
    expect(check.problems.map((p) => p.message)).toEqual(['f.yml:2: slos: expected a list, got 3']);
  });
});

describe('waves policy', () => {
  const minimal = 'kind: waves\nwaves:\n  - name: pilot\n    regions: [eu-west-1]\n';

  it('has documented defaults', () => {
    const policy = parseAnyPolicy(minimal, 'w.yml');
    expect(policy).toEqual({
      kind: 'waves',
      version: 1,
      waves: [{ name: 'pilot', regions: ['eu-west-1'], bakeTime: HOUR }],
      canary: 'first-wave-only',
      timeZone: 'UTC',
      regionTimeZones: {},
      windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: { start: 9 * 60, end: 17 * 60 } }],
      blockedDates: [],
      calendars: [],
      earliestStart: {},
      onLaterWaveFailure: 'hold',
      environment: 'production/{region}',
    });
  });

  it('reads windows, blocked dates and earliest starts', () => {
    const yaml = `${minimal}timeZone: Europe/Paris
windows:
  - days: [sat]
blockedDates:
  - { from: 2026-12-24, to: 2027-01-02, reason: year-end }
  - { from: 2026-11-26 }
earliestStart:
  eu-west-1: { time: "08:30", timeZone: Europe/Dublin }
`;
    const policy = parseAnyPolicy(yaml, 'w.yml');
    if (policy.kind !== 'waves') throw new Error('expected a waves policy');
    expect(policy.windows).toEqual([{ days: ['sat'], hours: { start: 0, end: 24 * 60 } }]);
    expect(policy.blockedDates).toEqual([
      { from: '2026-12-24', to: '2027-01-02', reason: 'year-end' },
      { from: '2026-11-26', to: '2026-11-26' },
    ]);
    expect(policy.earliestStart).toEqual({ 'eu-west-1': { time: '08:30', timeZone: 'Europe/Dublin' } });
  });

  it.each([
    ['the list of waves is required', 'kind: waves', ['w.yml:1: waves: missing required field']],
    [
      'a region belongs to one wave, names are unique',
      'kind: waves\nwaves:\n  - {name: a, regions: [r1, r2]}\n  - {name: a, regions: [r2]}',
      [
        'w.yml:4: waves[1].name: duplicate wave name "a"',
        'w.yml:4: waves[1].regions[0]: region "r2" is already in wave "a"; a region belongs to one wave',
      ],
    ],
    [
      'time zones are IANA names, with did-you-mean',
      `${minimal}timeZone: Europe/Pariss`,
      [
        'w.yml:5: timeZone: expected an IANA time zone such as "Europe/Paris" or "UTC", got "Europe/Pariss"; did you mean "Europe/Paris"?',
      ],
    ],
    [
      'days and hours',
      `${minimal}windows:\n  - days: [monday]\n    hours: "9:00-17:00"`,
      [
        'w.yml:6: windows[0].days[0]: expected one of "mon", "tue", "wed", "thu", "fri", "sat" or "sun", got "monday"',
        'w.yml:7: windows[0].hours: expected hours "HH:MM-HH:MM" with the start before the end, such as "09:00-17:00", got "9:00-17:00"',
      ],
    ],
    [
      'blocked dates are real dates in order',
      `${minimal}blockedDates:\n  - {from: 2026-02-30}\n  - {from: 2026-12-24, to: 2026-12-20}`,
      [
        'w.yml:6: blockedDates[0].from: expected a date "YYYY-MM-DD" such as "2026-12-24", got "2026-02-30"',
        'w.yml:7: blockedDates[1].to: expected a date on or after from (2026-12-24), got "2026-12-20"',
      ],
    ],
    [
      'earliest starts name regions of a wave',
      `${minimal}earliestStart:\n  eu-west-2: {time: "09:00"}\n  eu-west-1: {time: "9am"}`,
      [
        'w.yml:6: earliestStart.eu-west-2: unknown region "eu-west-2": it is in no wave; did you mean "eu-west-1"?',
        'w.yml:7: earliestStart.eu-west-1.time: expected a time of day "HH:MM" such as "09:00", got "9am"',
      ],
    ],
    [
      'wave fields',
      'kind: waves\nwaves:\n  - name: a\n    regions: []\n    maxParallel: 0\n    bake: 1h',
      [
        'w.yml:4: waves[0].regions: expected at least 1 item, got 0',
        'w.yml:5: waves[0].maxParallel: expected a whole number of at least 1, got 0',
        'w.yml:6: waves[0].bake: unknown key "bake"; did you mean "bakeTime"?',
      ],
    ],
    [
      'the environment pattern names the region',
      `${minimal}environment: production`,
      [
        'w.yml:5: environment: expected a pattern containing "{region}", such as "production/{region}", got "production"',
      ],
    ],
  ])('%s', (_name, yaml, expected) => {
    expect(problems(yaml, 'w.yml')).toEqual(expected);
  });

  it('finds duplicate regions beside other problems of the same waves', () => {
    const yaml = 'kind: waves\nwaves:\n  - {name: a, regions: [r1], bakeTime: soon}\n  - {name: b, regions: [r1]}';
    expect(problems(yaml, 'w.yml')).toEqual([
      'w.yml:3: waves[0].bakeTime: expected a duration such as "15m", "1h30m", "90s" or "2d", got "soon"',
      'w.yml:4: waves[1].regions[0]: region "r1" is already in wave "a"; a region belongs to one wave',
    ]);
  });

  it('says nothing of unknown earliest-start regions while some wave regions are unreadable', () => {
    const yaml = 'kind: waves\nwaves:\n  - {name: a, regions: r1}\nearliestStart:\n  r1: {time: "09:00"}';
    expect(problems(yaml, 'w.yml')).toEqual(['w.yml:3: waves[0].regions: expected a list, got "r1"']);
  });

  it('checks earliest-start regions once the times are valid', () => {
    expect(problems(`${minimal}earliestStart:\n  eu-west-2: {time: "09:00"}`, 'w.yml')).toEqual([
      'w.yml:6: earliestStart.eu-west-2: unknown region "eu-west-2": it is in no wave; did you mean "eu-west-1"?',
    ]);
  });
});

describe('freeze policy', () => {
  it('has the error budget tiers and Google burn-rate windows by default', () => {
    const policy = parseAnyPolicy('kind: freeze', 'f.yml');
    if (policy.kind !== 'freeze') throw new Error('expected a freeze policy');
    expect(policy.budgetPolicy).toEqual([
      { threshold: 25, action: 'notify' },
      { threshold: 50, action: 'consider-freeze' },
      { threshold: 75, action: 'all-hands' },
      { threshold: 100, action: 'freeze' },
    ]);
    expect(policy.burnRateAlerts).toEqual([
      { longWindow: HOUR, shortWindow: 5 * MIN, burnRate: 14.4, severity: 'page' },
      { longWindow: 6 * HOUR, shortWindow: 30 * MIN, burnRate: 6, severity: 'page' },
      { longWindow: 24 * HOUR, shortWindow: 2 * HOUR, burnRate: 3, severity: 'ticket' },
      { longWindow: 72 * HOUR, shortWindow: 6 * HOUR, burnRate: 1, severity: 'ticket' },
    ]);
    expect(policy.exemptions).toEqual({ labels: ['security-fix', 'p0-fix'] });
    expect(policy.breakGlass).toEqual({
      users: [],
      teams: [],
      requireReason: true,
      audit: { label: 'bellwether:break-glass', issue: true },
    });
    expect(policy.slos).toEqual([]);
  });

  it.each([
    [
      'thresholds rise and actions are known',
      'budgetPolicy:\n  - {threshold: 50, action: notify}\n  - {threshold: 50, action: freze}',
      [
        "f.yml:4: budgetPolicy[1].threshold: expected a threshold greater than the previous tier's 50, got 50",
        'f.yml:4: budgetPolicy[1].action: expected one of "notify", "consider-freeze", "all-hands" or "freeze", got "freze"; did you mean "freeze"?',
      ],
    ],
    [
      'thresholds rise',
      'budgetPolicy:\n  - {threshold: 50, action: notify}\n  - {threshold: 40, action: freeze}',
      ["f.yml:4: budgetPolicy[1].threshold: expected a threshold greater than the previous tier's 50, got 40"],
    ],
    [
      'the short window is shorter',
      'burnRateAlerts:\n  - {longWindow: 1h, shortWindow: 2h, burnRate: 14.4}\n  - {longWindow: 1h, shortWindow: 5m, burnRate: 0}',
      [
        'f.yml:3: burnRateAlerts[0].shortWindow: expected a short window shorter than the long window',
        'f.yml:4: burnRateAlerts[1].burnRate: expected a number greater than 0, got 0',
      ],
    ],
    [
      'break-glass settings',
      'breakGlass:\n  requireReason: "no"\n  audit: {labels: x}',
      [
        'f.yml:3: breakGlass.requireReason: a break-glass always needs a reason, which its audit records: remove requireReason or set it to true',
        'f.yml:4: breakGlass.audit.labels: unknown key "labels"; did you mean "label"?',
      ],
    ],
  ])('%s', (_name, body, expected) => {
    expect(problems(`kind: freeze\n${body}`, 'f.yml')).toEqual(expected);
  });
});

describe('rollback policy', () => {
  it('has documented defaults', () => {
    expect(parseAnyPolicy('kind: rollback', 'r.yml')).toEqual({
      kind: 'rollback',
      version: 1,
      emergencyDirectCommit: false,
      reviewers: { users: [], teams: [] },
      labels: ['bellwether:rollback'],
      autoMerge: false,
      quarantine: { enabled: true, label: 'bellwether:quarantined' },
      deployBranch: 'main',
      irreversible: 'roll-forward',
    });
  });

  it('names wrong fields', () => {
    expect(problems('kind: rollback\nautomerge: true\nlabels: [""]\nreviewers: {teams: [acme]}', 'r.yml')).toEqual([
      'r.yml:2: automerge: unknown key "automerge"; did you mean "autoMerge"?',
      'r.yml:3: labels[0]: expected a label name of 1 to 50 characters, got ""',
      'r.yml:4: reviewers.teams[0]: expected a GitHub team "org/team-slug" such as "acme/sre", got "acme"',
    ]);
  });
});

describe('postmortem policy', () => {
  it('has documented defaults', () => {
    expect(parseAnyPolicy('kind: postmortem', 'pm.yml')).toEqual({
      kind: 'postmortem',
      version: 1,
      severities: ['sev1', 'sev2'],
      timeZone: 'UTC',
      labels: ['postmortem'],
      due: { draftDays: 2, finalDays: 7 },
      budgetPercentNeedingP0: 20,
      recurringSev3: 3,
      allowCloseWithOpenP0: false,
    });
  });

  it('names wrong fields', () => {
    expect(problems('kind: postmortem\ntimeZone: CEST\nlabel: [x]', 'pm.yml')).toEqual([
      'pm.yml:2: timeZone: expected an IANA time zone such as "Europe/Paris" or "UTC", got "CEST"',
      'pm.yml:3: label: unknown key "label"; did you mean "labels"?',
    ]);
    expect(problems('kind: postmortem\ndue:\n  draftDays: 5\n  finalDays: 2', 'pm.yml')).toEqual([
      'pm.yml:4: due.finalDays: expected at least draftDays (5), got 2',
    ]);
  });
});
