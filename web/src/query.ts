// Data fetching with TanStack Query (ADR 0020): one QueryClient for the app, a typed hook over the api client and the
// invalidation helpers that keep lists fresh after actions elsewhere in the app (chat, scheduler, approvals).
import { QueryClient, useQuery, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query';
import { api, ApiError, type PathsWith, type RequestOf, type ResponseOf } from './api/client';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Calendar data changes at the provider, not only here: refetch when the tab regains focus, but do not refetch
      // a list that was read a few seconds ago on every mount (navigation back and forth).
      staleTime: 10_000,
      // An API answer with a stable 4xx code will not change on retry; a network error or a 5xx gets one more try.
      retry: (count, error) => count < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

/**
 * Query keys start with the API path, so that invalidating a path refreshes every query of it (any query/params):
 * `['/api/approvals/pending', { query }]`.
 */
export type ApiQueryKey<P extends string> = readonly [P, ...unknown[]];

/**
 * A typed GET through the api client, cached and shared by key (path + request).
 * @example const pending = useApiQuery('/api/approvals/pending', {}); pending.data?.items
 */
export function useApiQuery<P extends PathsWith<'get'>>(
  path: P,
  req: RequestOf<P, 'get'>,
  options: Omit<UseQueryOptions<ResponseOf<P, 'get'>, unknown>, 'queryKey' | 'queryFn'> = {},
): UseQueryResult<ResponseOf<P, 'get'>, unknown> {
  return useQuery({
    queryKey: [path, req] as const,
    queryFn: ({ signal }) => api.get(path, { ...(req as object), signal } as Parameters<typeof api.get<P>>[1]),
    ...options,
  });
}

/** Marks every cached query of these API paths (by prefix: '/api/approvals' covers '/api/approvals/pending') stale. */
export function invalidateApi(...prefixes: string[]): Promise<void> {
  return queryClient.invalidateQueries({
    predicate: (q) => {
      const head = q.queryKey[0];
      return typeof head === 'string' && prefixes.some((p) => head === p || head.startsWith(`${p}/`));
    },
  });
}

/**
 * After anything that creates, approves, rejects or changes a proposal (chat, scheduler, approvals): the approvals
 * list, the pending badge and the meetings are re-read. Also fires the older window event
 * 'calbridge:approvals-changed' for code that still listens to it.
 */
export function approvalsChanged(): void {
  void invalidateApi('/api/approvals', '/api/proposals', '/api/meetings');
  window.dispatchEvent(new Event('calbridge:approvals-changed'));
}
