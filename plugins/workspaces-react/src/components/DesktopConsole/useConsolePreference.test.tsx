import type { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { storageApiRef, type StorageApi } from '@backstage/core-plugin-api';
import {
  CONSOLE_PREFERENCES_BUCKET,
  type ConsolePreference,
  readConsolePreference,
  useConsolePreference,
} from './useConsolePreference';

const SIZE: ConsolePreference<'small' | 'large'> = {
  key: 'size',
  values: ['small', 'large'],
  fallback: 'small',
};

/**
 * A storage shaped like the user-settings one: it knows nothing at once
 * and answers through `observe$` when the test says so.
 */
function laterStorage() {
  const observers = new Set<(snapshot: any) => void>();
  const saved: unknown[] = [];
  const bucket = {
    snapshot: (key: string) => ({ key, presence: 'unknown' }),
    observe$: () => ({
      subscribe: ({ next }: { next(snapshot: any): void }) => {
        observers.add(next);
        return { unsubscribe: () => observers.delete(next) };
      },
    }),
    set: jest.fn(async (_key: string, value: unknown) => {
      saved.push(value);
    }),
  };
  const storage = { forBucket: () => bucket } as unknown as StorageApi;
  const answer = (value: unknown) =>
    act(() =>
      observers.forEach(next =>
        next({ key: 'size', presence: 'present', value }),
      ),
    );
  return { storage, answer, observers, saved };
}

function renderPreference(storage: StorageApi, timeoutMs?: number) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[storageApiRef, storage]]}>
      {children}
    </TestApiProvider>
  );
  return renderHook(() => useConsolePreference(SIZE, timeoutMs), { wrapper });
}

describe('useConsolePreference', () => {
  afterEach(() => jest.useRealTimers());

  it('starts on the stored value where the storage knows it at once', () => {
    const storage = mockApis.storage({
      data: { [CONSOLE_PREFERENCES_BUCKET]: { size: 'large' } },
    });
    const { result } = renderPreference(storage);
    expect(result.current[0]).toBe('large');
    expect(result.current[2]).toBe(true);
  });

  it('falls back to the default for nothing stored and for a value it does not allow', () => {
    expect(renderPreference(mockApis.storage()).result.current[0]).toBe(
      'small',
    );
    const tampered = mockApis.storage({
      data: { [CONSOLE_PREFERENCES_BUCKET]: { size: 'huge' } },
    });
    expect(renderPreference(tampered).result.current[0]).toBe('small');
  });

  it('saves a choice in the bucket, for the next console to start on', async () => {
    const storage = mockApis.storage();
    const first = renderPreference(storage);
    await act(async () => first.result.current[1]('large'));
    expect(first.result.current[0]).toBe('large');
    expect(
      storage.forBucket(CONSOLE_PREFERENCES_BUCKET).snapshot('size').value,
    ).toBe('large');
    first.unmount();
    expect(renderPreference(storage).result.current[0]).toBe('large');
  });

  it('takes the value a storage answers later, and says when it is known', () => {
    const { storage, answer } = laterStorage();
    const { result } = renderPreference(storage);
    expect(result.current[0]).toBe('small');
    expect(result.current[2]).toBe(false);
    answer('large');
    expect(result.current[0]).toBe('large');
    expect(result.current[2]).toBe(true);
    answer('bogus');
    expect(result.current[0]).toBe('small');
  });

  it('keeps the person’s choice over an answer that arrives while it is saved', async () => {
    const { storage, answer, saved } = laterStorage();
    const { result } = renderPreference(storage);
    act(() => result.current[1]('large'));
    answer('small');
    expect(result.current[0]).toBe('large');
    await act(async () => {});
    expect(saved).toEqual(['large']);
  });

  it('counts as known once a silent storage has had its time', () => {
    jest.useFakeTimers();
    const { storage, observers } = laterStorage();
    const { result, unmount } = renderPreference(storage, 500);
    act(() => {
      jest.advanceTimersByTime(499);
    });
    expect(result.current[2]).toBe(false);
    act(() => {
      jest.advanceTimersByTime(1);
    });
    expect(result.current).toEqual(['small', expect.any(Function), true]);
    unmount();
    expect(observers.size).toBe(0);
  });
});

describe('readConsolePreference', () => {
  afterEach(() => jest.useRealTimers());

  it('reads a storage that knows at once, checking the value', async () => {
    const storage = mockApis.storage({
      data: { [CONSOLE_PREFERENCES_BUCKET]: { size: 'large' } },
    });
    await expect(readConsolePreference(storage, SIZE)).resolves.toBe('large');
    await storage.forBucket(CONSOLE_PREFERENCES_BUCKET).set('size', 'x');
    await expect(readConsolePreference(storage, SIZE)).resolves.toBe('small');
  });

  it('waits for a storage that answers later, and stops listening', async () => {
    const { storage, answer, observers } = laterStorage();
    const read = readConsolePreference(storage, SIZE);
    expect(observers.size).toBe(1);
    answer('large');
    await expect(read).resolves.toBe('large');
    expect(observers.size).toBe(0);
  });

  it('gives the default when the storage stays silent', async () => {
    jest.useFakeTimers();
    const { storage, observers } = laterStorage();
    const read = readConsolePreference(storage, SIZE, 1000);
    jest.advanceTimersByTime(1000);
    await expect(read).resolves.toBe('small');
    expect(observers.size).toBe(0);
  });
});
