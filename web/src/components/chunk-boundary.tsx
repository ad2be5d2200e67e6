// Catches a page whose code could not be loaded (each page is its own chunk, App.tsx): after a new version is
// deployed the old hashed chunks are gone, and a tab opened before then asks for them. Shows a sentence and a Reload
// button instead of a blank page; any other error is passed on unchanged.
import { Component, type ReactNode } from 'react';

/** True for the errors browsers and Vite give when a dynamic import's file cannot be fetched or run. */
export function isChunkLoadError(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  return /dynamically imported module|Importing a module script failed|error loading dynamically|ChunkLoadError|Failed to fetch/i.test(
    text,
  );
}

export class ChunkBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    // not a missing chunk: the next boundary up (or React) deals with it as before
    if (!isChunkLoadError(this.state.error)) throw this.state.error;
    return (
      <div className="error error-box" role="alert">
        <p className="error-sentence">
          This part of calbridge could not be loaded: the connection dropped, or calbridge was updated since this tab
          was opened. <span className="error-next">Reload the page to continue.</span>
        </p>
        <p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        </p>
      </div>
    );
  }
}
