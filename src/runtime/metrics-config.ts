/**
 * Building the metrics providers an entrypoint was pointed at: a YAML file
 * with `providers:`. Secrets come from the environment variables it names.
 */
import { readFileSync } from 'node:fs';
import { readProvidersSection } from '../metrics/config-file.js';
import type { MetricsProviders } from '../metrics/provider.js';
import { createMetricsProviders } from '../metrics/registry.js';
import type { Sleep } from './clock.js';
import { realSleep } from './clock.js';
import { ConfigurationError } from './errors.js';
import type { Logger } from './logger.js';

export function loadMetricsProviders(
  file: string,
  logger: Logger,
  options: { env?: Readonly<Record<string, string | undefined>>; sleep?: Sleep; fetch?: typeof fetch } = {},
): MetricsProviders {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigurationError(
      `cannot read the metrics configuration: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      { file },
    );
  }
  const section = readProvidersSection(text, file);
  return createMetricsProviders(
    section.configs,
    {
      fetch: options.fetch ?? globalThis.fetch,
      sleep: options.sleep ?? realSleep,
      logger,
      env: options.env ?? process.env,
      readFile: (f) => readFileSync(f, 'utf8'),
    },
    section.context,
  );
}
