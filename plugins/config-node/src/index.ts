/**
 * One form for operator config mistakes in Desktop Mania's backend plugins:
 * `Invalid config at '<key>': <problem>`, as an `InputError`.
 *
 * @packageDocumentation
 */

export { configError, asConfigError } from './configError';
export { readDurationMs } from './readDurationMs';
