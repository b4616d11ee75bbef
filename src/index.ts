/**
 * The bundle's single entry. Each action's stub and the CLI import from the
 * one bundle built from here, so dependencies ship once.
 */
import './runtime/quiet-warnings.js';

export { runAction } from './actions/main.js';
export { runCli } from './cli/program.js';
