import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { asConfigError, configError } from './configError';

function readerError(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error('the config reader accepted the value');
}

describe('configError', () => {
  it('names the key and keeps the problem on one line', () => {
    const error = configError('a.b', 'first\n   second');
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe("Invalid config at 'a.b': first second");
  });
});

describe('asConfigError', () => {
  it('keeps the key of a type error and drops the file it came from', () => {
    const config = new ConfigReader({ a: { b: 12 } }, 'app-config.yaml');
    const error = asConfigError(
      readerError(() => config.getString('a.b')),
      'a',
    );
    expect(error.message).toBe(
      "Invalid config at 'a.b': expected string, got number",
    );
  });

  it('names a missing required value', () => {
    const config = new ConfigReader({ a: {} });
    const error = asConfigError(
      readerError(() => config.getString('a.name')),
      'a',
    );
    expect(error.message).toBe(
      "Invalid config at 'a.name': a value is required",
    );
  });

  it('names a value that cannot be converted', () => {
    const config = new ConfigReader({ a: { n: 'twelve' } }, 'app-config.yaml');
    const error = asConfigError(
      readerError(() => config.getOptionalNumber('a.n')),
      'a',
    );
    expect(error.message).toBe("Invalid config at 'a.n': expected a number");
  });

  it('reports anything else against the fallback key', () => {
    expect(asConfigError(new Error('odd'), 'top').message).toBe(
      "Invalid config at 'top': odd",
    );
    const own = configError('x', 'y');
    expect(asConfigError(own, 'top')).toBe(own);
  });
});
