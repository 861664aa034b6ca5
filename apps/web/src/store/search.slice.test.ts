import type { SearchHit } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import {
  selectSearchError,
  selectSearchHasMore,
  selectSearchHits,
  selectSearchLoadingMore,
  selectSearchOpen,
  selectSearchStatus,
} from './search.selectors';

const hit = (messageId: string): SearchHit => ({
  messageId,
  roomId: 'r1',
  roomKind: 'public',
  roomName: 'Lobby',
  authorId: 'u1',
  authorName: 'alice',
  seq: 1,
  createdAt: 1,
  snippet: { text: 'hello', ranges: [[0, 5]] },
});

describe('search results (F1, F2)', () => {
  it('shows the answer to the newest search only; closing forgets it', () => {
    const store = createAppStore();
    expect(selectSearchOpen(store.getState())).toBe(false);
    store.getState().searchStarted('old');
    store.getState().searchStarted('new');
    expect(selectSearchStatus(store.getState())).toBe('loading');
    // The answer to a search typed over arrives late: ignored.
    store.getState().searchAnswered('old', [hit('m-old')], null);
    store.getState().searchFailed('old', 'too late');
    expect(selectSearchStatus(store.getState())).toBe('loading');
    store.getState().searchAnswered('new', [hit('m-new')], null);
    expect(selectSearchHits(store.getState()).map((h) => h.messageId)).toEqual(['m-new']);
    expect(selectSearchError(store.getState())).toBeNull();
    store.getState().searchClosed();
    expect(selectSearchOpen(store.getState())).toBe(false);
    expect(selectSearchHits(store.getState())).toEqual([]);
  });

  it('F2: more results append the next page once each, and stop when nothing older matches', () => {
    const store = createAppStore();
    store.getState().searchStarted('lunch');
    store.getState().searchAnswered('lunch', [hit('m3'), hit('m2')], 'cursor-1');
    expect(selectSearchHasMore(store.getState())).toBe(true);
    store.getState().searchMoreStarted('lunch');
    expect(selectSearchLoadingMore(store.getState())).toBe(true);
    // m2 again (edited between the pages): shown once.
    store.getState().searchMoreAnswered('lunch', [hit('m2'), hit('m1')], null);
    expect(selectSearchHits(store.getState()).map((h) => h.messageId)).toEqual(['m3', 'm2', 'm1']);
    expect(selectSearchHasMore(store.getState())).toBe(false);
    expect(selectSearchLoadingMore(store.getState())).toBe(false);
    // A page of a search typed over since is dropped.
    store.getState().searchStarted('tea');
    store.getState().searchMoreAnswered('lunch', [hit('m0')], null);
    expect(selectSearchHits(store.getState())).toEqual([]);
  });

  it('F2: a refused further page keeps the hits shown and says why', () => {
    const store = createAppStore();
    store.getState().searchStarted('lunch');
    store.getState().searchAnswered('lunch', [hit('m3')], 'cursor-1');
    store.getState().searchMoreStarted('lunch');
    store.getState().searchMoreFailed('lunch', 'Too many requests');
    expect(selectSearchHits(store.getState()).map((h) => h.messageId)).toEqual(['m3']);
    expect(selectSearchError(store.getState())).toBe('Too many requests');
    expect(selectSearchStatus(store.getState())).toBe('done');
  });
});
