import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  storageApiRef,
  useApi,
  type StorageApi,
} from '@backstage/frontend-plugin-api';

/**
 * The bucket every console preference lives in. The app's StorageApi is
 * the user-settings one: it keeps the bucket per signed-in person, on the
 * backend, so it follows them to any browser (signed out, or with the plain
 * WebStorage, it stays in this browser). The localStorage keys of earlier versions
 * (`desktopmania.console.*`, `desktop-mania.keyboardLayout`) are not read:
 * a person picks their view, quality and layout once more.
 */
export const CONSOLE_PREFERENCES_BUCKET = 'desktopmania.console';

/** One console preference: its key, the values it may take, and its default. */
export interface ConsolePreference<T extends string> {
  key: string;
  values: readonly T[];
  fallback: T;
}

/**
 * What a snapshot says, checked against the allowed values; undefined
 * while the storage does not know yet (the user-settings storage answers
 * only through `observe$`).
 */
function known<T extends string>(
  preference: ConsolePreference<T>,
  snapshot: { presence: string; value?: unknown },
): T | undefined {
  if (snapshot.presence === 'unknown') return undefined;
  const value = snapshot.value;
  return preference.values.find(v => v === value) ?? preference.fallback;
}

const bucketOf = (storage: StorageApi) =>
  storage.forBucket(CONSOLE_PREFERENCES_BUCKET);

/**
 * The stored value, once the storage knows it; the default if it does not
 * answer within `timeoutMs`, so a slow settings service never holds up a
 * console.
 */
export function readConsolePreference<T extends string>(
  storage: StorageApi,
  preference: ConsolePreference<T>,
  timeoutMs = 2000,
): Promise<T> {
  const bucket = bucketOf(storage);
  const now = known(preference, bucket.snapshot(preference.key));
  if (now !== undefined) return Promise.resolve(now);
  let stop = () => {};
  const answer = new Promise<T>(resolve => {
    const timer = setTimeout(() => resolve(preference.fallback), timeoutMs);
    const subscription = bucket.observe$(preference.key).subscribe({
      next: snapshot => {
        const value = known(preference, snapshot);
        if (value !== undefined) resolve(value);
      },
      error: () => resolve(preference.fallback),
    });
    stop = () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    };
  });
  return answer.finally(() => stop());
}

/**
 * A console preference as state: the default until the storage answers,
 * then the stored value, and the person's choice from then on, saved for
 * their next console. The third element says whether the storage has
 * answered (or the person chose, or it kept silent for `timeoutMs`), for
 * callers that act on the value rather than show it.
 */
export function useConsolePreference<T extends string>(
  preference: ConsolePreference<T>,
  timeoutMs = 2000,
): [T, (value: T) => void, boolean] {
  const storage = useApi(storageApiRef);
  const bucket = useMemo(() => bucketOf(storage), [storage]);
  const [first] = useState(() =>
    known(preference, bucket.snapshot(preference.key)),
  );
  const [value, setValue] = useState<T>(first ?? preference.fallback);
  const [settled, setSettled] = useState(first !== undefined);
  // Answers that arrive while a choice is being saved predate it.
  const saving = useRef(0);

  useEffect(() => {
    const timer = setTimeout(() => setSettled(true), timeoutMs);
    const subscription = bucket.observe$(preference.key).subscribe({
      next: snapshot => {
        const stored = known(preference, snapshot);
        if (stored === undefined) return;
        if (saving.current === 0) setValue(stored);
        setSettled(true);
      },
      error: () => setSettled(true),
    });
    return () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    };
  }, [bucket, preference, timeoutMs]);

  const choose = useCallback(
    (next: T) => {
      setValue(next);
      setSettled(true);
      saving.current += 1;
      Promise.resolve()
        .then(() => bucket.set(preference.key, next))
        .catch(() => {
          // Storage blocked or the settings service down: the choice holds
          // for this page, which is all the person can act on anyway.
        })
        .finally(() => {
          saving.current -= 1;
        });
    },
    [bucket, preference],
  );

  return [value, choose, settled];
}
