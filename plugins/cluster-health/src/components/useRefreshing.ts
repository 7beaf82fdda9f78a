import { DependencyList, useEffect, useState } from 'react';

export interface Refreshing<T> {
  value?: T;
  error?: Error;
  loading: boolean;
}

/**
 * Loads `load()` whenever `subject` changes and again whenever `refreshKey`
 * changes. A refresh keeps the value it has while it loads, and keeps it when
 * it fails too (with the error beside it); a new subject starts from nothing.
 */
export function useRefreshing<T>(
  load: () => Promise<T>,
  subject: DependencyList,
  refreshKey: number,
): Refreshing<T> {
  const [state, setState] = useState<Refreshing<T>>({ loading: true });

  useEffect(() => {
    setState({ loading: true });
  }, subject); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    let current = true;
    setState(s => ({ ...s, loading: true }));
    load().then(
      value => current && setState({ value, loading: false }),
      error =>
        current && setState(s => ({ value: s.value, error, loading: false })),
    );
    return () => {
      current = false;
    };
  }, [...subject, refreshKey]); // eslint-disable-line react-hooks/exhaustive-deps

  return state;
}
