import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accessPath,
  ExpressionSyntaxError,
  MAX_EXPRESSION_DEPTH,
  parseExpression,
  type ExprNode,
} from '../../src/gates/workflows/expression.js';
import { findTemplates, flowingAccesses, isAttackerControlled } from '../../src/gates/workflows/templates.js';

/** A compact rendering of the tree, so that cases read like the expressions they parse. */
function show(n: ExprNode): string {
  switch (n.kind) {
    case 'literal':
      return typeof n.value === 'string' ? `'${n.value}'` : String(n.value);
    case 'context':
      return n.name;
    case 'property':
      return `${show(n.object)}.${n.name}`;
    case 'index':
      return `${show(n.object)}[${show(n.index)}]`;
    case 'star':
      return `${show(n.object)}.*`;
    case 'call':
      return `${n.name}(${n.args.map(show).join(', ')})`;
    case 'not':
      return `!(${show(n.operand)})`;
    case 'binary':
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
  }
}

describe('parseExpression', () => {
  it.each([
    ['github.event.issue.title', 'github.event.issue.title'],
    ["github['event'].issue", "github['event'].issue"],
    ['steps.my-step.outputs.value', 'steps.my-step.outputs.value'],
    ['github.event.commits.*.message', 'github.event.commits.*.message'],
    ['github.event.commits[*].message', 'github.event.commits.*.message'],
    ["a == 'x' && b != 1 || !c", "(((env == 'x') && (env != 1)) || !(env))"],
    [
      "contains(github.event.pull_request.labels.*.name, 'ok')",
      "contains(github.event.pull_request.labels.*.name, 'ok')",
    ],
    ["format('{0} {1}', github.ref, 'it''s')", "format('{0} {1}', github.ref, 'it's')"],
    ['toJSON(fromJSON(inputs.list)[0])', 'tojson(fromjson(inputs.list)[0])'],
    ['1 < 2 == true', '((1 < 2) == true)'],
    ['-1.5e3 >= 0x10', '(-1500 >= 16)'],
    ['NULL == null', '(null == null)'],
    ['success() && (failure() || always())', '(success() && (failure() || always()))'],
    ['GitHub.Actor', 'github.Actor'],
  ])('%s', (source, expected) => {
    const normalized = source.replace(/\ba\b|\bb\b|\bc\b/g, 'env');
    expect(show(parseExpression(normalized))).toBe(expected);
  });

  it.each([
    ['', 'empty expression', 0],
    ['github.', "expected a property name after '.' but found end of expression", 7],
    ["'unterminated", 'unterminated string literal', 0],
    ['foo.bar', "unknown context 'foo'", 0],
    ['nosuch(1)', "unknown function 'nosuch'", 0],
    ['contains(1)', "'contains' takes 2 arguments but was given 1", 0],
    ['success(1)', "'success' takes 0 arguments but was given 1", 0],
    ['(github.ref', "expected ')' but found end of expression", 11],
    ['github.ref ==', 'unexpected end of expression', 13],
    ['github.ref github.sha', "unexpected 'github' after the end of the expression", 11],
    ['github.ref = 1', 'unexpected character "="', 11],
  ])('rejects %j', (source, message, offset) => {
    let err: unknown;
    try {
      parseExpression(source);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpressionSyntaxError);
    expect((err as ExpressionSyntaxError).message).toBe(message);
    expect((err as ExpressionSyntaxError).offset).toBe(offset);
  });

  it('throws only ExpressionSyntaxError, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          parseExpression(s);
        } catch (e) {
          if (!(e instanceof ExpressionSyntaxError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseExpression on deep nesting', () => {
  const deepest = (n: ExprNode): number => {
    // Iterative, so that the check itself cannot overflow the stack on a bad tree.
    let max = 0;
    const stack: Array<[ExprNode, number]> = [[n, 1]];
    while (stack.length > 0) {
      const [node, d] = stack.pop() as [ExprNode, number];
      max = Math.max(max, d);
      const kids =
        node.kind === 'binary'
          ? [node.left, node.right]
          : node.kind === 'not'
            ? [node.operand]
            : node.kind === 'call'
              ? node.args
              : node.kind === 'index'
                ? [node.object, node.index]
                : node.kind === 'property' || node.kind === 'star'
                  ? [node.object]
                  : [];
      for (const k of kids) stack.push([k, d + 1]);
    }
    return max;
  };
  const rejects = (source: string): ExpressionSyntaxError => {
    try {
      parseExpression(source);
    } catch (e) {
      if (e instanceof ExpressionSyntaxError) return e;
      throw e;
    }
    throw new Error('parsed');
  };

  it('reads 10,000 nested parentheses, which GitHub counts as no depth at all', () => {
    const n = 10_000;
    expect(show(parseExpression(`${'('.repeat(n)}github.event.issue.title${')'.repeat(n)}`))).toBe(
      'github.event.issue.title',
    );
    expect(
      show(
        parseExpression(`format(${'('.repeat(n)}'{0}'${')'.repeat(n)}, (${'('.repeat(5)}github.ref${')'.repeat(5)}))`),
      ),
    ).toBe("format('{0}', github.ref)");
  });

  it.each([
    ['!', (n: number) => `${'!'.repeat(n)}github.ref`],
    ['format(', (n: number) => `${'format('.repeat(n)}github.ref${')'.repeat(n)}`],
    ['!(', (n: number) => `${'!('.repeat(n)}github.ref${')'.repeat(n)}`],
    ['== (', (n: number) => `${'github.ref == ('.repeat(n)}github.ref${')'.repeat(n)}`],
    ['[(', (n: number) => `${'github.event['.repeat(n)}'x'${']'.repeat(n)}`],
    ['==', (n: number) => Array.from({ length: n }, () => 'github.ref').join(' == ')],
    ['.a', (n: number) => `github${'.a'.repeat(n)}`],
  ])("refuses %s nested past GitHub's depth limit as a syntax error, at 10,000 levels too", (_, make) => {
    expect(() => parseExpression(make(MAX_EXPRESSION_DEPTH - 3))).not.toThrow();
    for (const n of [MAX_EXPRESSION_DEPTH + 1, 2000, 10_000]) {
      const source = make(n);
      if (source.length > 21_000) continue;
      expect(rejects(source).message).toBe(
        `the expression nests deeper than GitHub's limit of ${MAX_EXPRESSION_DEPTH} levels`,
      );
    }
  });

  it('keeps a long chain of one && or || shallow: GitHub flattens it into one node', () => {
    const ors = Array.from({ length: 4000 }, () => 'a')
      .join('||')
      .replace(/a/g, 'env');
    const tree = parseExpression(ors);
    expect(deepest(tree)).toBeLessThan(30);
    expect(show(parseExpression('github.ref || github.sha || github.actor'))).toBe(
      '((github.ref || github.sha) || github.actor)',
    );
  });

  it('refuses an expression longer than GitHub accepts', () => {
    const source = Array.from({ length: 4000 }, () => 'github.ref').join(' || ');
    expect(rejects(source).message).toBe(
      `the expression is ${source.length} characters long, more than GitHub's limit of 21000`,
    );
  });
});

describe('accessPath', () => {
  it.each([
    ["github['event']['issue'].title", 'github.event.issue.title'],
    ['github.event.commits[0].message', 'github.event.commits.*.message'],
    ['GITHUB.HEAD_REF', 'github.head_ref'],
    ['fromJSON(x)', undefined],
  ])('%s', (source, expected) => {
    const ast = parseExpression(source.replace('x', 'env.x'));
    expect(accessPath(ast)).toBe(expected);
  });
});

describe('findTemplates', () => {
  it('finds every template with offsets, skipping braces inside strings', () => {
    const value = "a ${{ github.ref }} b ${{ format('}}{0}', github.sha) }} c";
    const found = findTemplates(value).map((t) => [t.start, t.end, t.source.trim(), t.error?.message]);
    expect(found).toEqual([
      [2, 19, 'github.ref', undefined],
      [22, 56, "format('}}{0}', github.sha)", undefined],
    ]);
  });

  it('reports an unclosed template at its opening', () => {
    const [t] = findTemplates('echo ${{ github.ref }');
    expect(t?.error).toEqual({ message: "expression is not closed with '}}'", offset: 5 });
  });

  it('reports a syntax error at its offset in the value', () => {
    const [t] = findTemplates('x ${{ github. }}');
    expect(t?.error?.offset).toBe(14);
  });
});

describe('flowingAccesses', () => {
  it.each([
    ['github.event.issue.title', ['github.event.issue.title']],
    ["contains(github.event.issue.title, 'x')", []],
    ["github.event.issue.title == 'x'", []],
    ['!github.event.issue.title', []],
    ['github.event.issue.title || github.ref', ['github.event.issue.title', 'github.ref']],
    ["github.event.issue.title && 'yes'", []],
    ['inputs.flag && github.event.issue.body', ['github.event.issue.body']],
    ["format('{0}', github.head_ref)", ['github.head_ref']],
    ['join(github.event.commits.*.message)', ['github.event.commits.*.message']],
    ['toJSON(github.event)', ['github.event']],
    ['fromJSON(steps.a.outputs.json).name', ['steps.a.outputs.json']],
    ['hashFiles(github.event.issue.title)', []],
    ["case(github.ref == 'x', github.event.issue.title, github.sha)", ['github.event.issue.title', 'github.sha']],
  ])('%s', (source, expected) => {
    expect(flowingAccesses(parseExpression(source)).map((a) => a.path)).toEqual(expected);
  });
});

describe('isAttackerControlled', () => {
  it.each([
    ['github.event.issue.title', true],
    ['github.event.pull_request.head.ref', true],
    ['github.event.commits.*.message', true],
    ['github.event.head_commit.author.email', true],
    ['github.event.pages.*.page_name', true],
    ['github.head_ref', true],
    ['github.event', true],
    ['github.event.pull_request', true],
    ['github.event.workflow_run.head_branch', true],
    ['github.event.changes.title.from', true],
    ['github.event.check_suite.head_branch', true],
    ['github.event.pull_request.head.sha', false],
    ['github.event.pull_request.number', false],
    ['github.event.pull_request.base.sha', false],
    ['github.event.pull_request.head.repo.fork', false],
    ['github.event.workflow_run.pull_requests.*.base.repo.id', false],
    ['github.sha', false],
    ['github', false],
    ['github.actor', false],
  ])('%s → %s', (path, expected) => {
    expect(isAttackerControlled(path)).toBe(expected);
  });
});
