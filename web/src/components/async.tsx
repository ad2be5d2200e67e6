// Loading and error states: useApi() runs a request and re-runs it on reload(); <Async> renders its three states.
// Errors are shown in plain words (components/error-box.tsx, web/src/errors.ts).
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorSentence } from '../errors';
import { ErrorBox } from './error-box';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; aborts stale requests. */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, loading: false }),
      (error: unknown) => !ctl.signal.aborted && setState({ error, loading: false }),
    );
    return () => ctl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** An error in plain words with its next step (web/src/errors.ts); never the code or the request id. */
export function errorText(e: unknown): string {
  return errorSentence(e);
}

export { ErrorBox };

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

/** Renders loading, error (with retry) or the data. */
export function Async<T>({
  state,
  children,
  label,
}: {
  state: AsyncState<T>;
  children: (data: T) => ReactNode;
  label?: string;
}) {
  if (state.error !== undefined && state.data === undefined)
    return <ErrorBox error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading label={label} />;
  return <>{children(state.data)}</>;
}
