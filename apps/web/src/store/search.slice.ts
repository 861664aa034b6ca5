import type { SearchHit } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';

/** F1, F2: the last search of this tab and what it found. */
export type SearchState = {
  search: {
    /** The query the results answer (or are on their way for). */
    query: string;
    status: 'idle' | 'loading' | 'done' | 'error';
    hits: readonly SearchHit[];
    /** The sentence shown when the search was refused or got no answer. */
    error: string | null;
  };
};

export type SearchSlice = SearchState & {
  searchStarted(query: string): void;
  /** Ignored when a newer search started meanwhile. */
  searchAnswered(query: string, hits: readonly SearchHit[]): void;
  searchFailed(query: string, error: string): void;
  searchClosed(): void;
};

export const initialSearchState: SearchState = { search: { query: '', status: 'idle', hits: [], error: null } };

export const createSearchSlice: AppSlice<SearchSlice> = (set) => ({
  ...initialSearchState,
  searchStarted: (query) => set({ search: { query, status: 'loading', hits: [], error: null } }),
  searchAnswered: (query, hits) =>
    set((s) => (s.search.query === query ? { search: { query, status: 'done', hits, error: null } } : {})),
  searchFailed: (query, error) =>
    set((s) => (s.search.query === query ? { search: { query, status: 'error', hits: [], error } } : {})),
  searchClosed: () => set(initialSearchState),
});
