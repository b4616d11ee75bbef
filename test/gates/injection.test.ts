import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';

/** Findings of one job's steps under a trigger, as `rule/severity/confidence`. */
function audit(on: string, steps: string, extra = ''): string[] {
  const text = `on: ${on}\npermissions: {}\n${extra}jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
  return auditSource('.github/workflows/w.yml', text)
    .findings.filter((f) => f.ruleId !== 'privileged-trigger')
    .map((f) => `${f.ruleId}/${f.severity}/${f.confidence}`);
}

describe('template injection: severity by trigger', () => {
  const step = '      - run: echo "${{ github.event.pull_request.title }}"\n';
  it.each([
    ['pull_request_target', ['template-injection/critical/high']],
    ['workflow_run', ['template-injection/critical/high']],
    ['[pull_request, issue_comment]', ['template-injection/critical/high']],
    ['push', ['template-injection/high/high']],
    ['pull_request', ['template-injection/medium/high']],
    ['[pull_request, pull_request_review]', ['template-injection/medium/high']],
  ])('%s', (on, expected) => {
    expect(audit(on, step)).toEqual(expected);
  });
});

describe('template injection: sinks and sources', () => {
  it.each([
    ['github.head_ref in run', '      - run: git checkout ${{ github.head_ref }}\n', ['template-injection/high/high']],
    [
      'commit messages via star',
      '      - run: echo "${{ join(github.event.commits.*.message) }}"\n',
      ['template-injection/high/high'],
    ],
    ['toJSON of the event', "      - run: echo '${{ toJSON(github.event) }}'\n", ['template-injection/high/high']],
    ['a safe SHA', '      - run: git checkout ${{ github.event.pull_request.head.sha }}\n', []],
    ['a boolean of attacker data', "      - run: echo ${{ startsWith(github.head_ref, 'release/') }}\n", []],
    [
      'the safe pattern through env',
      '      - env:\n          REF: ${{ github.head_ref }}\n        run: git checkout "$REF"\n',
      [],
    ],
    [
      'env expanded as an expression',
      '      - env:\n          REF: ${{ github.head_ref }}\n        run: git checkout ${{ env.REF }}\n',
      ['template-injection/high/medium'],
    ],
    [
      'yq cmd input',
      '      - uses: mikefarah/yq@v4\n        with:\n          cmd: ${{ github.head_ref }}\n',
      ['unpinned-uses/high/high', 'template-injection/high/high'],
    ],
    [
      'a non-code input',
      '      - uses: actions/labeler@v5\n        with:\n          configuration-path: ${{ github.head_ref }}\n',
      [],
    ],
    [
      'github-script with an interpolated body',
      '      - uses: actions/github-script@v7\n        with:\n          script: console.log(`${{ github.event.issue.body }}`)\n',
      ['template-injection/high/high'],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(audit('push', steps)).toEqual(expected);
  });

  it("treats outputs listing changed files as the change author's text", () => {
    const steps = [
      '      - id: changed',
      `        uses: tj-actions/changed-files@${'a'.repeat(40)} # v46.0.5`,
      '      - run: |',
      '          for f in ${{ steps.changed.outputs.all_changed_files }}; do lint "$f"; done',
      '',
    ].join('\n');
    expect(audit('pull_request_target', steps)).toEqual(['template-injection/critical/medium']);
    expect(audit('push', steps)).toEqual(['template-injection/high/medium']);
  });

  it('types workflow_dispatch inputs: only string inputs carry free text', () => {
    const on =
      'workflow_dispatch:\n  inputs:\n    name: {}\n    env: { type: choice, options: [a, b] }\n    n: { type: number }\n';
    const steps =
      '      - run: echo ${{ inputs.name }} ${{ inputs.env }} ${{ inputs.n }} ${{ github.event.inputs.name }}\n';
    expect(audit(`\n  ${on.replace(/\n/g, '\n  ')}`, steps)).toEqual([
      'template-injection/low/medium',
      'template-injection/low/medium',
    ]);
  });

  it.each([
    [
      'a dimension',
      '      matrix:\n        title: ["${{ github.event.issue.title }}"]\n',
      ['template-injection/critical/medium'],
    ],
    [
      'the whole matrix',
      '      matrix: ${{ fromJSON(github.event.issue.body) }}\n',
      ['template-injection/critical/medium'],
    ],
    [
      'an include entry',
      '      matrix:\n        include:\n          - title: ${{ github.event.issue.title }}\n',
      ['template-injection/critical/medium'],
    ],
    ['constants', '      matrix:\n        title: [a, b]\n', []],
  ])('follows matrix values built from attacker data: %s', (_name, matrix, expected) => {
    const text = `on: issues\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    strategy:\n${matrix}    steps:\n      - run: echo "\${{ matrix.title }}"\n`;
    expect(
      auditSource('.github/workflows/w.yml', text)
        .findings.filter((f) => f.ruleId === 'template-injection')
        .map((f) => `${f.ruleId}/${f.severity}/${f.confidence}`),
    ).toEqual(expected);
  });

  it('lets a step override a tainted workflow variable', () => {
    const tainted = 'env:\n  HEAD: ${{ github.head_ref }}\n';
    expect(audit('push', '      - run: git checkout ${{ env.HEAD }}\n', tainted)).toEqual([
      'template-injection/high/medium',
    ]);
    expect(
      audit('push', '      - env:\n          HEAD: main\n        run: git checkout ${{ env.HEAD }}\n', tainted),
    ).toEqual([]);
  });

  it('rates a template by the most dangerous value it expands', () => {
    const on = '\n  issues:\n  workflow_dispatch:\n    inputs:\n      note: {}\n';
    expect(audit(on, '      - run: echo ${{ inputs.note || github.event.issue.title }}\n')).toEqual([
      'template-injection/critical/high',
    ]);
  });

  it('rates workflow_call string inputs medium with low confidence', () => {
    const on = '\n  workflow_call:\n    inputs:\n      ref: { type: string }\n';
    expect(audit(on, '      - run: git checkout ${{ inputs.ref }}\n')).toEqual(['template-injection/medium/low']);
  });
});

describe('untrusted data to GITHUB_ENV and GITHUB_PATH', () => {
  it.each([
    [
      'pull_request_target',
      '      - run: echo "REF=${{ github.head_ref }}" >> $GITHUB_ENV\n',
      ['github-env/high/high', 'template-injection/critical/high'],
    ],
    [
      'pull_request_target',
      '      - env:\n          T: ${{ github.event.pull_request.title }}\n        run: echo "T=$T" >> "$GITHUB_ENV"\n',
      ['github-env/high/high'],
    ],
    ['workflow_run', '      - run: echo "$(cat out/path.txt)" >> $GITHUB_PATH\n', ['github-env/medium/low']],
    ['workflow_run', '      - run: jq -r .env artifact/meta.json >> "$GITHUB_ENV"\n', ['github-env/medium/low']],
    [
      'workflow_run',
      '      - run: while read -r l; do echo "$l" >> $GITHUB_ENV; done < pr/env.txt\n',
      ['github-env/medium/low'],
    ],
    ['workflow_run', '      - run: echo "STAMP=$(date +%s)" >> $GITHUB_ENV\n', []],
    ['pull_request_target', '      - run: echo "CI=true" >> $GITHUB_ENV\n', []],
    ['push', '      - run: echo "REF=${{ github.head_ref }}" >> $GITHUB_ENV\n', ['template-injection/high/high']],
  ])('%s: %j', (on, steps, expected) => {
    expect(audit(on, steps)).toEqual(expected);
  });
});

describe('conditions', () => {
  it.each([
    ["${{ github.ref == 'refs/heads/main' }}", []],
    ["github.ref == 'refs/heads/main'", []],
    // YAML drops trailing spaces of a plain scalar, so this one is sound.
    ["${{ github.ref == 'refs/heads/main' }} ", []],
    ['"${{ false }} "', ['always-true-condition/high/high']],
    ["' ${{ false }}'", ['always-true-condition/high/high']],
    ['|-\n          ${{ false }}', []],
    ['>\n          ${{ false }}', ['always-true-condition/high/high']],
    ["github.ACTOR == 'dependabot[bot]'", ['spoofable-actor/medium/high']],
    ["github['actor'] == 'mystery[bot]'", ['spoofable-actor/medium/high']],
    ["github.actor == 'octocat'", []],
    ["contains(github.actor, '[bot]')", ['spoofable-actor/medium/high']],
    ["github.event.pull_request.user.login == 'dependabot[bot]'", []],
    ["github.ref == 'refs/heads/main' &&", ['malformed-expression/high/high']],
    ["contains('refs/heads/main refs/heads/dev', github.ref)", ['unsound-contains/medium/high']],
    ["${{ !contains('release staging', github.head_ref) }}", ['unsound-contains/high/high']],
    ['contains(fromJSON(\'["refs/heads/main"]\'), github.ref)', []],
    ["contains(github.event.pull_request.labels.*.name, 'ok')", []],
    ["|\n          github.ref ==\n            'x' &&", ['malformed-expression/high/high']],
  ])('if: %s', (cond, expected) => {
    expect(audit('push', `      - if: ${cond}\n        run: echo hi\n`)).toEqual(expected);
  });
});

describe('shell variables assigned from attacker data', () => {
  it('follows an assignment from a tainted variable to a GITHUB_PATH write', () => {
    const steps = [
      '      - env:',
      '          TITLE: ${{ github.event.pull_request.title }}',
      '        run: |',
      '          message=$(echo "$TITLE" | grep -oP \'[{][^}]+[}]\')',
      '          echo "$message" >> $GITHUB_PATH',
      '          message=fixed',
      '          echo "$message" >> $GITHUB_PATH',
      '',
    ].join('\n');
    expect(audit('pull_request_target', steps)).toEqual(['github-env/high/high']);
  });
});

describe('caches in release workflows', () => {
  it.each([
    ['      - uses: Swatinem/rust-cache@v2\n', ['cache-in-release/medium/medium', 'unpinned-uses/high/high']],
    ['      - uses: actions/setup-go@v5\n', ['cache-in-release/medium/medium']],
    ['      - uses: actions/setup-go@v5\n        with:\n          cache: false\n', []],
    ['      - uses: actions/setup-go@v3\n', []],
    [
      '      - uses: actions/setup-python@v5\n        with:\n          cache: pip\n',
      ['cache-in-release/medium/medium'],
    ],
    ['      - uses: actions/cache/save@v4\n        with:\n          path: x\n          key: k\n', []],
  ])('%j', (steps, expected) => {
    expect(audit('release', steps)).toEqual(expected);
    expect(audit('pull_request', steps).filter((f) => f.startsWith('cache-in-release'))).toEqual([]);
  });
});

describe('env files in composite actions', () => {
  function action(steps: string): string[] {
    const text = `name: a\ndescription: d\ninputs:\n  x:\n    description: x\nruns:\n  using: composite\n  steps:\n${steps}`;
    return auditSource('action.yml', text).findings.map((f) => `${f.ruleId}/${f.severity}/${f.confidence}`);
  }
  it.each([
    // The action may run under a privileged caller; a computed value there is possibly an outsider's.
    ['    - run: echo "foo=$(bar)" >> $GITHUB_ENV\n      shell: bash\n', ['github-env/low/low']],
    ['    - run: echo foo=bar >> $GITHUB_ENV\n      shell: bash\n', []],
    [
      '    - env:\n        T: ${{ github.event.pull_request.title }}\n      run: echo "T=$T" >> $env:GITHUB_ENV\n      shell: pwsh\n',
      ['github-env/medium/medium'],
    ],
    [
      '    - env:\n        T: ${{ github.head_ref }}\n      run: echo T=%T% >> %GITHUB_PATH%\n      shell: cmd\n',
      ['github-env/medium/medium', 'misfeature/low/high'],
    ],
  ])('%j', (steps, expected) => {
    expect(action(steps)).toEqual(expected);
  });
});

describe('checking out the pull request in a script', () => {
  it.each([
    [
      '      - run: |\n          git fetch origin pull/${{ github.event.pull_request.number }}/head\n          git checkout FETCH_HEAD\n      - run: make\n',
      ['untrusted-checkout/high/high'],
    ],
    [
      '      - run: git checkout ${{ github.event.pull_request.head.sha }}\n      - run: make\n',
      ['untrusted-checkout/high/high'],
    ],
    ['      - run: gh pr checkout ${{ github.event.pull_request.number }}\n', ['untrusted-checkout/medium/medium']],
    ['      - run: git log ${{ github.event.pull_request.head.sha }}\n      - run: make\n', []],
    ['      - run: git checkout ${{ github.event.pull_request.base.sha }}\n      - run: make\n', []],
    [
      '      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n          persist-credentials: false\n      - uses: docker/build-push-action@' +
        'b'.repeat(40) +
        '\n',
      ['untrusted-checkout/high/high'],
    ],
    [
      '      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n          persist-credentials: false\n      - uses: actions/labeler@v5\n',
      ['untrusted-checkout/medium/medium'],
    ],
  ])('%j', (steps, expected) => {
    expect(audit('pull_request_target', steps).filter((f) => !f.startsWith('template-injection'))).toEqual(expected);
  });
});

describe('JavaScript actions', () => {
  it.each([
    [
      'runs:\n  using: node24\n  main: index.js\n  post: cleanup.js\n  post-if: ${{ always() }} && true\n',
      ['always-true-condition/high/high'],
    ],
    ["runs:\n  using: node24\n  main: index.js\n  pre: setup.js\n  pre-if: runner.os == 'Linux'\n", []],
    ['runs:\n  using: node24\n  main: index.js\n  pre-if: runner.os ==\n', ['malformed-expression/high/high']],
    ['runs:\n  using: node9\n  main: index.js\n', ['invalid-workflow/high/high']],
  ])('%j', (runs, expected) => {
    const findings = auditSource('action.yml', `name: a\ndescription: d\n${runs}`).findings;
    expect(findings.map((f) => `${f.ruleId}/${f.severity}/${f.confidence}`)).toEqual(expected);
  });
});

describe('secrets in expressions', () => {
  it.each([
    [
      '      - run: ./deploy.sh\n        env:\n          USER: ${{ fromJSON(secrets.CREDS).user }}\n',
      ['unredacted-secrets/medium/high'],
    ],
    [
      "      - run: ./deploy.sh\n        env:\n          USER: ${{ fromJSON(secrets.CREDS)['user'] }}\n",
      ['unredacted-secrets/medium/high'],
    ],
    ['      - run: ./deploy.sh\n        env:\n          CREDS: ${{ secrets.CREDS }}\n', []],
    ['      - run: ./deploy.sh\n        env:\n          ALL: ${{ toJSON(secrets) }}\n', ['secrets-tojson/medium/high']],
    ['      - run: ./deploy.sh\n        env:\n          CFG: ${{ fromJSON(vars.CONFIG).region }}\n', []],
  ])('%j', (steps, expected) => {
    expect(audit('push', steps)).toEqual(expected);
  });
});
