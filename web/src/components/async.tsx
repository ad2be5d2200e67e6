// Loading and error states: useApi() runs a request and re-runs it on reload(); <Async> renders its three states.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';

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

/** A human message for an error, with the request id when the server gave one. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.notAvailable) return 'This feature is not available on this server yet.';
    return `${e.message}${e.requestId ? ` (code ${e.code}, request ${e.requestId})` : ` (${e.code})`}`;
  }
  return e instanceof Error ? e.message : String(e);
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const na = error instanceof ApiError && error.notAvailable;
  return (
    <div className={na ? 'notice' : 'error'} role={na ? 'status' : 'alert'}>
      <span>{na ? 'Not available: ' : 'Error: '}</span>
      {errorText(error)}
      {retry && !na && (
        <button type="button" className="link" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

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
