/**
 * Node prints an ExperimentalWarning the first time `path.matchesGlob` runs,
 * which Bellwether uses for the globs of policies and waivers. In a job log
 * or a terminal it reads like a fault of the user's setup, so this one
 * warning, and no other, is not printed. Imported first by the bundle's entry.
 */
const original = process.emitWarning.bind(process);

function isGlobNotice(warning: string | Error, rest: readonly unknown[]): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  const first = rest[0];
  const type =
    typeof first === 'string'
      ? first
      : typeof first === 'object' && first !== null
        ? (first as { type?: unknown }).type
        : typeof warning === 'string'
          ? undefined
          : warning.name;
  return type === 'ExperimentalWarning' && /^glob is an experimental feature/.test(message);
}

process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
  if (isGlobNotice(warning, rest)) return;
  (original as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
