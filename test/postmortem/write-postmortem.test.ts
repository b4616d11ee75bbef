/**
 * A postmortem that cannot be written after a rollback or a halt is said,
 * with GitHub's reason, and handed back as an error for the run to fail on;
 * it is never thrown past the rollback it follows, which has happened.
 */
import { describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/flow/postmortem.js';
import type { Incident } from '../../src/postmortem/incident.js';
import { RULES } from './fixtures.js';

const incident: Incident = {
  key: 'rollback-checkout-1.43.0',
  title: 'checkout 1.43.0 rolled back',
  severity: 'sev2',
  trigger: 'rollback',
  startedAt: '2026-12-07T16:00:00Z',
  summary: 'The canary failed.',
  links: [],
  events: [],
};

describe('writePostmortem', () => {
  it('says what the sink wrote', async () => {
    const out = await writePostmortem(
      async () => ({
        note: 'postmortem issue #7 opened',
        issue: { number: 7, url: 'https://github.com/acme/shop/issues/7' },
      }),
      incident,
      { rules: RULES, labels: ['postmortem'] },
    );
    expect(out).toEqual({
      written: {
        note: 'postmortem issue #7 opened',
        issue: { number: 7, url: 'https://github.com/acme/shop/issues/7' },
      },
      note: 'postmortem issue #7 opened',
    });
  });

  it('turns a failure into an error to fail the run with, naming the cause', async () => {
    const out = await writePostmortem(
      async () => Promise.reject(new Error('Resource not accessible by integration (403)')),
      incident,
      { rules: RULES, labels: ['postmortem'] },
    );
    expect(out.written).toBeUndefined();
    expect(out.error).toBe('the postmortem issue could not be opened: Resource not accessible by integration (403)');
    expect(out.note).toBe(out.error);
  });
});
