/**
 * Bellwether's version, read from package.json when the bundle is built: the
 * CLI's `--version`, SARIF's `tool.driver.version` and every other place that
 * names the version say this one.
 */
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
