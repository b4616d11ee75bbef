/**
 * Every input an action declares is read by that action. A declared input
 * that nothing reads is a promise the action does not keep: the user sets it,
 * sees no error, and believes it took effect.
 *
 * The check is static, over the TypeScript source: an input counts as read
 * when the action's module (src/actions/<name>.ts) reads it from its parsed
 * `inputs`, or when the shared entrypoint (src/actions/main.ts) reads it for
 * every action (the token and the metrics file build the Deps; the policy and
 * the `notify-*` targets announce what the action returned). It proves
 * that each input reaches the action's code, not that its value changes the
 * outcome: that is left to each action's own tests. A behavioural check (run
 * each action twice, the input at its default and not, and compare) would
 * also catch a value read and then ignored, but every action needs its own
 * world of fakes (git, GitHub, metrics, policies, event payloads) for each
 * input to reach its code path, and a run that stops early says nothing of
 * the inputs it did not reach, so such a check fails for reasons other than
 * the one it stands for.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { actionSpecs } from '../../src/actions/specs.js';

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Names read from the identifier `inputs`: `inputs.x`, `inputs['x']` and `const { x } = inputs`. */
export function inputsRead(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  walk(source, (n) => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'inputs')
      names.add(n.name.text);
    if (
      ts.isElementAccessExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'inputs' &&
      ts.isStringLiteral(n.argumentExpression)
    )
      names.add(n.argumentExpression.text);
    if (
      ts.isVariableDeclaration(n) &&
      n.initializer &&
      ts.isIdentifier(n.initializer) &&
      n.initializer.text === 'inputs' &&
      ts.isObjectBindingPattern(n.name)
    ) {
      for (const el of n.name.elements) {
        const key = el.propertyName ?? el.name;
        if (ts.isIdentifier(key) || ts.isStringLiteral(key)) names.add(key.text);
      }
    }
  });
  return names;
}

/** Names the entrypoint reads for every action: `text('x')` calls. */
function entrypointReads(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  walk(source, (n) => {
    if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'text' &&
      n.arguments.length === 1
    ) {
      const [arg] = n.arguments;
      if (arg && ts.isStringLiteral(arg)) names.add(arg.text);
    }
  });
  return names;
}

const shared = entrypointReads(parse('src/actions/main.ts'));

describe('every declared action input is read', () => {
  it('the entrypoint reads the token, the metrics file, and the notification targets and policy for every action', () => {
    expect([...shared].sort()).toEqual([
      'metrics',
      'notify-slack-webhook',
      'notify-teams-webhook',
      'notify-webhook',
      'policy',
      'token',
    ]);
  });

  it.each(actionSpecs.map((s) => [s.name, s] as const))('%s', (name, spec) => {
    const read = inputsRead(parse(`src/actions/${name}.ts`));
    const unread = Object.keys(spec.inputs).filter((input) => !read.has(input) && !shared.has(input));
    expect(unread, `inputs of actions/${name} that nothing reads`).toEqual([]);
  });

  it('sees reads in every form the actions use, and misses none it should see', () => {
    const source = ts.createSourceFile(
      'x.ts',
      "const { a, 'b-c': d } = inputs; f(inputs.e, inputs['f-g']); other.h; inputs2.i;",
      ts.ScriptTarget.Latest,
      true,
    );
    expect([...inputsRead(source)].sort()).toEqual(['a', 'b-c', 'e', 'f-g']);
  });
});
