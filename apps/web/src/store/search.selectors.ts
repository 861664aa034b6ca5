import type { AppState } from './app.store.types';

export const selectSearchStatus = (s: AppState) => s.search.status;
export const selectSearchHits = (s: AppState) => s.search.hits;
export const selectSearchError = (s: AppState) => s.search.error;
export const selectSearchOpen = (s: AppState) => s.search.status !== 'idle';
export const selectSearchHasMore = (s: AppState) => s.search.next !== null;
export const selectSearchLoadingMore = (s: AppState) => s.search.loadingMore;
