import type { SearchHit } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';

/** F1, F2: the last search of this tab and what it found. */
export type SearchState = {
  search: {
    /** The query the results answer (or are on their way for). */
    query: string;
    status: 'idle' | 'loading' | 'done' | 'error';
    hits: readonly SearchHit[];
    /** F2: the cursor of the page after the last one shown (null: nothing older matches). */
    next: string | null;
    /** A further page is on its way. */
    loadingMore: boolean;
    /** The sentence shown when the search was refused or got no answer. */
    error: string | null;
  };
};

export type SearchSlice = SearchState & {
  searchStarted(query: string): void;
  /** Ignored when a newer search started meanwhile. */
  searchAnswered(query: string, hits: readonly SearchHit[], next: string | null): void;
  searchMoreStarted(query: string): void;
  /** A further page, appended; ignored when another search started meanwhile. */
  searchMoreAnswered(query: string, hits: readonly SearchHit[], next: string | null): void;
  searchFailed(query: string, error: string): void;
  /** A further page refused: the hits shown stay, with the reason. */
  searchMoreFailed(query: string, error: string): void;
  searchClosed(): void;
};

export const initialSearchState: SearchState = {
  search: { query: '', status: 'idle', hits: [], next: null, loadingMore: false, error: null },
};

export const createSearchSlice: AppSlice<SearchSlice> = (set) => ({
  ...initialSearchState,
  searchStarted: (query) =>
    set({ search: { query, status: 'loading', hits: [], next: null, loadingMore: false, error: null } }),
  searchAnswered: (query, hits, next) =>
    set((s) =>
      s.search.query === query
        ? { search: { query, status: 'done', hits, next, loadingMore: false, error: null } }
        : {},
    ),
  searchMoreStarted: (query) =>
    set((s) => (s.search.query === query ? { search: { ...s.search, loadingMore: true } } : {})),
  searchMoreAnswered: (query, hits, next) =>
    set((s) => {
      if (s.search.query !== query || s.search.status !== 'done') return {};
      // A message edited between two pages could come back: each hit once.
      const seen = new Set(s.search.hits.map((h) => h.messageId));
      const fresh = hits.filter((h) => !seen.has(h.messageId));
      return { search: { ...s.search, hits: [...s.search.hits, ...fresh], next, loadingMore: false, error: null } };
    }),
  searchFailed: (query, error) =>
    set((s) =>
      s.search.query === query
        ? { search: { query, status: 'error', hits: [], next: null, loadingMore: false, error } }
        : {},
    ),
  searchMoreFailed: (query, error) =>
    set((s) => (s.search.query === query ? { search: { ...s.search, loadingMore: false, error } } : {})),
  searchClosed: () => set(initialSearchState),
});
