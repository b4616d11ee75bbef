/**
 * The bundle's entry. Each action's stub and the CLI call it; what they run
 * is imported only when it is called, so an action loads its own code and
 * the CLI its chosen verb's, never the whole bundle.
 */
import './runtime/quiet-warnings.js';

/** Runs the named action (a folder under actions/) as the Actions runner would. */
export async function runAction(name: string): Promise<void> {
  const { runAction: run } = await import('./actions/main.js');
  return run(name);
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const { runCli: run } = await import('./cli/program.js');
  return run(argv);
}
