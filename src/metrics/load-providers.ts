/**
 * Building the metrics providers an entrypoint was pointed at: a YAML file
 * with `providers:`. Secrets come from the environment variables it names.
 */
import { readFileSync } from 'node:fs';
import { readProvidersSection } from './config-file.js';
import type { MetricsProviders } from './provider.js';
import { createMetricsProviders } from './registry.js';
import type { Sleep } from '../runtime/clock.js';
import { realSleep } from '../runtime/clock.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';

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
