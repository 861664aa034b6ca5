import type { SearchHit } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import { selectSearchError, selectSearchHits, selectSearchOpen, selectSearchStatus } from './search.selectors';

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
    store.getState().searchAnswered('old', [hit('m-old')]);
    store.getState().searchFailed('old', 'too late');
    expect(selectSearchStatus(store.getState())).toBe('loading');
    store.getState().searchAnswered('new', [hit('m-new')]);
    expect(selectSearchHits(store.getState()).map((h) => h.messageId)).toEqual(['m-new']);
    expect(selectSearchError(store.getState())).toBeNull();
    store.getState().searchClosed();
    expect(selectSearchOpen(store.getState())).toBe(false);
    expect(selectSearchHits(store.getState())).toEqual([]);
  });
});
