import { InputError } from '@backstage/errors';

/**
 * A config mistake, named by its key so the operator can find it, on one
 * line so that it reads whole in a log.
 *
 * @public
 */
export function configError(key: string, problem: string): InputError {
  return new InputError(
    `Invalid config at '${key}': ${problem.replace(/\s*\n\s*/g, ' ')}`,
  );
}

// The config reader's own messages name the key but also the file it came
// from, which tells an operator with several config files nothing new.
const READER_MESSAGES: Array<{
  pattern: RegExp;
  problem: (match: RegExpExecArray) => string;
}> = [
  {
    pattern:
      /^Invalid type in config for key '([^']+)' in '.*', got (\S+), wanted (\S+)$/,
    problem: m => `expected ${m[3]}, got ${m[2]}`,
  },
  {
    pattern: /^Missing required config value at '([^']+)'/,
    problem: () => 'a value is required',
  },
  {
    pattern:
      /^Unable to convert config value for key '([^']+)' in '.*' to an? (\S+)$/,
    problem: m => `expected a ${m[2]}`,
  },
];

/**
 * Any error met while reading config, in the form of {@link configError}.
 * The config reader's type errors keep the key they name; anything else is
 * reported against `fallbackKey`.
 *
 * @public
 */
export function asConfigError(error: unknown, fallbackKey: string): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  for (const { pattern, problem } of READER_MESSAGES) {
    const match = pattern.exec(message);
    if (match) return configError(match[1], problem(match));
  }
  return configError(fallbackKey, message);
}
