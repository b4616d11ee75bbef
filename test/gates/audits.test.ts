import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'gates');
const audit = (rel: string) => auditSource(`fixtures/${rel}`, readFileSync(join(dir, rel), 'utf8'));

type Row = [rule: string, line: number, column: number, severity: string];

/** Every finding of every vulnerable fixture, exactly: rule, line, column, severity. */
const cases: Array<[file: string, expected: Row[]]> = [
  [
    'vulnerable/injection.yml',
    [
      ['privileged-trigger', 4, 3, 'low'],
      ['template-injection', 16, 17, 'critical'],
      ['template-injection', 18, 76, 'critical'],
      ['template-injection', 22, 27, 'critical'],
      ['template-injection', 32, 19, 'critical'],
    ],
  ],
  [
    'vulnerable/derived.yml',
    [
      ['privileged-trigger', 4, 3, 'low'],
      ['github-env', 21, 14, 'medium'],
      ['template-injection', 21, 27, 'critical'],
      ['template-injection', 22, 19, 'critical'],
      ['template-injection', 23, 19, 'critical'],
      ['github-env', 24, 14, 'high'],
      ['template-injection', 25, 19, 'low'],
      ['template-injection', 30, 31, 'critical'],
    ],
  ],
  [
    'vulnerable/pwn-request.yml',
    [
      ['privileged-trigger', 3, 5, 'low'],
      ['permissions-broad-write', 6, 3, 'medium'],
      ['untrusted-checkout', 13, 16, 'high'],
      ['untrusted-checkout', 21, 16, 'medium'],
    ],
  ],
  [
    'vulnerable/workflow-run.yml',
    [
      ['privileged-trigger', 4, 3, 'low'],
      ['artifact-poisoning', 13, 15, 'high'],
      ['github-env', 19, 11, 'medium'],
    ],
  ],
  [
    'vulnerable/conditions.yml',
    [
      ['privileged-trigger', 3, 5, 'low'],
      ['spoofable-actor', 9, 9, 'high'],
      ['always-true-condition', 11, 13, 'high'],
      ['always-true-condition', 13, 13, 'high'],
      ['spoofable-actor', 16, 13, 'high'],
    ],
  ],
  [
    'vulnerable/permissions.yml',
    [
      ['permissions-undeclared', 3, 1, 'medium'],
      ['permissions-undeclared', 5, 3, 'medium'],
      ['permissions-write-all', 11, 18, 'high'],
    ],
  ],
  [
    'vulnerable/broad-write.yml',
    [
      ['permissions-broad-write', 4, 3, 'high'],
      ['permissions-broad-write', 5, 3, 'medium'],
    ],
  ],
  [
    'vulnerable/secrets.yml',
    [
      ['secrets-inherit', 8, 14, 'medium'],
      ['container-credentials', 15, 19, 'high'],
      ['secrets-tojson', 24, 16, 'medium'],
    ],
  ],
  [
    'vulnerable/artipacked.yml',
    [
      ['checkout-persist-credentials', 10, 15, 'high'],
      ['checkout-persist-credentials', 19, 15, 'low'],
    ],
  ],
  [
    'vulnerable/pinning.yml',
    [
      ['unpinned-image', 8, 16, 'medium'],
      ['unpinned-image', 11, 16, 'high'],
      ['checkout-persist-credentials', 13, 15, 'low'],
      ['version-comment-mismatch', 13, 15, 'low'],
      ['unpinned-uses', 14, 15, 'high'],
      ['unpinned-uses', 15, 15, 'high'],
      ['version-comment-mismatch', 16, 15, 'low'],
      ['unpinned-uses', 18, 15, 'high'],
      ['unpinned-image', 19, 15, 'medium'],
      ['self-repository', 20, 15, 'low'],
    ],
  ],
  [
    'vulnerable/scripts.yml',
    [
      ['deprecated-command', 6, 36, 'high'],
      ['curl-pipe-shell', 12, 11, 'medium'],
      ['curl-pipe-shell', 13, 11, 'medium'],
      ['curl-pipe-shell', 14, 11, 'medium'],
      ['unpinned-tool-install', 16, 11, 'low'],
      ['adhoc-packages', 17, 11, 'low'],
      ['unpinned-tool-install', 18, 11, 'low'],
      ['adhoc-packages', 19, 11, 'low'],
      ['unpinned-tool-install', 21, 11, 'low'],
      ['deprecated-command', 23, 11, 'low'],
      ['deprecated-command', 24, 11, 'high'],
    ],
  ],
  [
    'vulnerable/release-cache.yml',
    [
      ['cache-in-release', 15, 15, 'medium'],
      ['cache-in-release', 19, 15, 'medium'],
    ],
  ],
  [
    'vulnerable/self-hosted.yml',
    [
      ['self-hosted-fork', 6, 14, 'high'],
      ['self-hosted-fork', 11, 7, 'high'],
    ],
  ],
  [
    'vulnerable/invalid.yml',
    [
      ['invalid-workflow', 4, 3, 'high'],
      ['invalid-workflow', 6, 5, 'high'],
      ['invalid-workflow', 8, 1, 'high'],
      ['invalid-workflow', 12, 5, 'high'],
      ['malformed-expression', 14, 19, 'high'],
      ['malformed-expression', 15, 19, 'high'],
      ['malformed-expression', 16, 19, 'high'],
      ['invalid-workflow', 17, 9, 'high'],
      ['invalid-workflow', 20, 9, 'high'],
      ['malformed-expression', 21, 47, 'high'],
      ['invalid-workflow', 23, 3, 'high'],
      ['invalid-workflow', 27, 20, 'high'],
      ['invalid-workflow', 32, 13, 'high'],
      ['invalid-workflow', 34, 3, 'high'],
      ['self-repository', 35, 11, 'low'],
      ['invalid-workflow', 41, 7, 'high'],
      ['invalid-workflow', 42, 17, 'high'],
      ['invalid-workflow', 48, 7, 'high'],
      ['invalid-workflow', 51, 7, 'high'],
    ],
  ],
  [
    'vulnerable/.github/dependabot.yml',
    [
      ['dependabot-cooldown', 7, 5, 'medium'],
      ['dependabot-execution', 11, 39, 'high'],
      ['dependabot-cooldown', 12, 5, 'medium'],
    ],
  ],
  [
    'vulnerable/composite/action.yml',
    [
      ['template-injection', 9, 18, 'low'],
      ['template-injection', 11, 18, 'high'],
      ['unpinned-uses', 13, 13, 'high'],
      ['invalid-workflow', 14, 12, 'high'],
    ],
  ],
];

describe('audits of the vulnerable corpus', () => {
  it.each(cases)('%s', (file, expected) => {
    const got = audit(file).findings.map((f): Row => [f.ruleId, f.line, f.column, f.severity]);
    expect(got).toEqual(expected);
  });
});

describe('exact spans', () => {
  it('covers the whole template inside a block scalar', () => {
    const f = audit('vulnerable/injection.yml').findings.find((x) => x.ruleId === 'template-injection');
    expect(f).toMatchObject({
      line: 16,
      column: 17,
      endLine: 16,
      endColumn: 49,
      snippet: 'greet run: script ${{ github.event.comment.body }}',
    });
  });

  it('spans a template that continues over several lines', () => {
    const text = [
      'on: issues',
      'permissions: {}',
      'jobs:',
      '  j:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: |',
      '          echo ${{',
      '            github.event.issue.title',
      '          }}',
      '',
    ].join('\n');
    const [f] = auditSource('w.yml', text, { kind: 'workflow' }).findings.filter(
      (x) => x.ruleId === 'template-injection',
    );
    expect(f).toMatchObject({ line: 8, column: 16, endLine: 10, endColumn: 13 });
  });

  it('finds the template in a folded scalar and a double-quoted one', () => {
    const text = [
      'on: issue_comment',
      'permissions: {}',
      'jobs:',
      '  j:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: >',
      '          echo one',
      '          ${{ github.event.comment.body }}',
      '      - run: "echo \\"${{ github.event.issue.title }}\\""',
      '',
    ].join('\n');
    const got = auditSource('w.yml', text, { kind: 'workflow' })
      .findings.filter((x) => x.ruleId === 'template-injection')
      .map((f) => [f.line, f.column, f.endColumn]);
    expect(got).toEqual([
      [9, 11, 43],
      [10, 22, 53],
    ]);
  });
});

describe('messages name what flows and where', () => {
  it('names the origin of a derived value', () => {
    const f = audit('vulnerable/derived.yml').findings.find((x) => x.line === 30);
    expect(f?.message).toContain('needs.extract.outputs.branch (it carries github.event.pull_request.head.ref)');
    expect(f?.confidence).toBe('medium');
  });

  it('maps each finding to the equivalent zizmor audit and actionlint check', () => {
    const f = audit('vulnerable/injection.yml').findings.find((x) => x.ruleId === 'template-injection');
    expect(f?.equivalents).toEqual({ zizmor: 'template-injection', actionlint: 'expression' });
    expect(f?.fix).toMatch(/environment variable/);
  });
});

describe('line endings and flow style', () => {
  const lf = [
    'on: issues',
    'permissions: {}',
    'jobs:',
    '  j:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: |',
    '          echo "${{ github.event.issue.title }}"',
    '      - {run: "echo ${{ github.event.issue.body }}", if: "${{ true }} x"}',
    '',
  ].join('\n');
  const spans = (text: string) =>
    auditSource('.github/workflows/w.yml', text).findings.map((f) => [
      f.ruleId,
      f.line,
      f.column,
      f.endLine,
      f.endColumn,
      f.fingerprint,
    ]);

  it('finds the same spans in flow mappings', () => {
    expect(spans(lf).map((s) => s.slice(0, 5))).toEqual([
      ['template-injection', 8, 17, 8, 48],
      ['template-injection', 9, 21, 9, 51],
      ['always-true-condition', 9, 58, 9, 73],
    ]);
  });

  it('gives CRLF files the same positions and fingerprints as LF ones', () => {
    expect(spans(lf.replace(/\n/g, '\r\n'))).toEqual(spans(lf));
  });
});
