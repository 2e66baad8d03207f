import { useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';

export type Loaded<T> =
  | { state: 'loading'; value: T | null }
  | { state: 'ready'; value: T }
  | { state: 'failed'; value: T | null; error: string };

interface Answer<T> {
  key: string;
  value: T | null;
  error: string | null;
}

/**
 * Loads what a view shows from the API, again whenever one of `deps` changes (a filter, or a
 * store version bumped by a push); the last value stays on screen while the next one loads, and
 * an answer that arrives after a newer request started is dropped.
 */
export function useRequest<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const key = JSON.stringify(deps);
  const [answer, setAnswer] = useState<Answer<T> | null>(null);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (current) setAnswer({ key, value, error: null });
      },
      (error: unknown) => {
        if (current) {
          setAnswer((previous) => ({
            key,
            value: previous?.value ?? null,
            error: errorMessage(error),
          }));
        }
      },
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure each render; `deps` (as `key`) says when it means something new.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (answer === null) return { state: 'loading', value: null };
  if (answer.key !== key) return { state: 'loading', value: answer.value };
  if (answer.error !== null) return { state: 'failed', value: answer.value, error: answer.error };
  return { state: 'ready', value: answer.value as T };
}
