// ChunkBoundary: a page whose chunk cannot be fetched (a deploy removed it) shows a sentence and Reload; a page that
// loads is shown; any other error is not swallowed.
import { render, screen } from '@testing-library/react';
import { lazy, Suspense } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChunkBoundary, isChunkLoadError } from './chunk-boundary';

const missing = () =>
  Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/calendar-Old12345.js'));

describe('ChunkBoundary', () => {
  afterEach(() => vi.restoreAllMocks());

  it('recognises the errors browsers give for a chunk that cannot be loaded', () => {
    expect(isChunkLoadError(new TypeError('Failed to fetch dynamically imported module: /assets/x.js'))).toBe(true);
    expect(isChunkLoadError(new TypeError('Importing a module script failed.'))).toBe(true);
    expect(isChunkLoadError(new Error('error loading dynamically imported module'))).toBe(true);
    expect(isChunkLoadError(new Error('Cannot read properties of undefined'))).toBe(false);
  });

  it('shows a plain sentence and a Reload button when the page chunk is gone', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const Page = lazy(missing);
    render(
      <ChunkBoundary>
        <Suspense fallback={<p role="status">Loading the page…</p>}>
          <Page />
        </Suspense>
      </ChunkBoundary>,
    );
    expect(screen.getByRole('status').textContent).toBe('Loading the page…');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/could not be loaded/);
    expect(alert.textContent).not.toMatch(/dynamically imported|assets\//);
    expect(screen.getByRole('button', { name: 'Reload the page' })).toBeTruthy();
  });

  it('shows the page once its chunk has loaded', async () => {
    const Page = lazy(async () => ({ default: () => <h1>Calendar</h1> }));
    render(
      <ChunkBoundary>
        <Suspense fallback={<p role="status">Loading the page…</p>}>
          <Page />
        </Suspense>
      </ChunkBoundary>,
    );
    expect(await screen.findByRole('heading', { name: 'Calendar' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('passes any other error on to the boundary above it', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const Broken = () => {
      throw new Error('a bug in the page');
    };
    expect(() =>
      render(
        <ChunkBoundary>
          <Broken />
        </ChunkBoundary>,
      ),
    ).toThrow('a bug in the page');
  });
});
