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
  if (outcome.ok) appStore.getState().searchAnswered(query, outcome.data.hits);
  else appStore.getState().searchFailed(query, 'noAnswer' in outcome ? NO_ANSWER_TEXT : errorText(outcome.error));
}

/** Opens the hit's room with the message in view (loading back to it), and closes the results. */
export function openSearchHit(roomId: string, messageId: string, seq: number): void {
  appStore.getState().searchClosed();
  openRoom(roomId);
  void jumpToMessage(roomId, messageId, seq);
}
