import { SEARCH_QUERY_MAX, charCount, ERROR_MESSAGES } from '@parley/shared-types';
import { errorText, NO_ANSWER_TEXT } from '../lib/errors';
import { appStore } from '../store/app.store';
import { request } from './commands';
import { jumpToMessage } from './jump';
import { openRoom } from './navigation';

/** F1: asks the server; the results (or the refusal) land in the search slice. */
export async function runSearch(query: string): Promise<void> {
  const store = appStore.getState();
  store.searchStarted(query);
  if (query.trim() === '') {
    store.searchFailed(query, ERROR_MESSAGES.empty_query);
    return;
  }
  if (charCount(query) > SEARCH_QUERY_MAX) {
    store.searchFailed(query, ERROR_MESSAGES.too_long);
    return;
  }
  const outcome = await request('message:search', { query });
  if (outcome.ok) appStore.getState().searchAnswered(query, outcome.data.hits, outcome.data.next);
  else appStore.getState().searchFailed(query, 'noAnswer' in outcome ? NO_ANSWER_TEXT : errorText(outcome.error));
}

/**
 * F2: the next page of the search shown, older than its last hit. Resolves true when
 * hits were added. A refusal keeps the hits shown and says why.
 */
export async function loadMoreResults(): Promise<boolean> {
  const { search } = appStore.getState();
  if (search.status !== 'done' || search.next === null || search.loadingMore) return false;
  const { query, next } = search;
  appStore.getState().searchMoreStarted(query);
  const before = search.hits.length;
  const outcome = await request('message:search', { query, before: next });
  if (outcome.ok) {
    appStore.getState().searchMoreAnswered(query, outcome.data.hits, outcome.data.next);
    return appStore.getState().search.hits.length > before;
  }
  appStore.getState().searchMoreFailed(query, 'noAnswer' in outcome ? NO_ANSWER_TEXT : errorText(outcome.error));
  return false;
}

/** Opens the hit's room with the message in view (loading back to it), and closes the results. */
export function openSearchHit(roomId: string, messageId: string, seq: number): void {
  appStore.getState().searchClosed();
  openRoom(roomId);
  void jumpToMessage(roomId, messageId, seq);
}
