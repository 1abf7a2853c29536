// Small data-loading hooks.
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError, type Page } from './api.ts';

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'Error', err instanceof Error ? err.message : String(err));
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
  setData(value: T): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const stableLoad = useCallback(load, deps);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    stableLoad().then(
      (value) => {
        if (!live) return;
        setData(value);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(asApiError(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [stableLoad, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
  error: ApiError | null;
  loading: boolean;
  loadMore(): void;
  reload(): void;
  replace(item: T, same: (a: T, b: T) => boolean): void;
}

/** A cursor-paged list: first page on mount / deps change, then "Load more". */
export function usePaged<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, deps: DependencyList): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const fetcher = useCallback(fetchPage, deps);

  const load = useCallback(
    (cursor: string | null) => {
      const gen = cursor === null ? ++generation.current : generation.current;
      setLoading(true);
      setError(null);
      fetcher(cursor).then(
        (page) => {
          if (gen !== generation.current) return;
          setItems((prev) => (cursor === null ? page.items : [...prev, ...page.items]));
          setNextCursor(page.nextCursor);
          setLoading(false);
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          setError(asApiError(err));
          setLoading(false);
        },
      );
    },
    [fetcher],
  );

  useEffect(() => {
    load(null);
  }, [load]);

  const loadMore = useCallback(() => {
    if (nextCursor) load(nextCursor);
  }, [load, nextCursor]);
  const reload = useCallback(() => load(null), [load]);
  const replace = useCallback((item: T, same: (a: T, b: T) => boolean) => {
    setItems((prev) => prev.map((x) => (same(x, item) ? item : x)));
  }, []);
  return { items, nextCursor, error, loading, loadMore, reload, replace };
}
