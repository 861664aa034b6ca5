import {
  SEARCH_PAGE_DEFAULT,
  SEARCH_QUERY_MAX,
  charCount,
  type MessageSearchPayload,
  type SearchResults,
} from '@parley/shared-types';
import { parseSearchQuery, type SearchCursor } from '../storage/search.query.js';
import type { Storage } from '../storage/storage.js';
import { DomainError } from './domain-error.js';

/** F2: a page's `next`, as the client hands it back: `<createdAt>.<seq>.<roomId>`. */
const CURSOR = /^(\d{1,16})\.(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/;

export const encodeSearchCursor = (cursor: SearchCursor): string =>
  `${cursor.createdAt}.${cursor.seq}.${cursor.roomId}`;

export function decodeSearchCursor(text: string): SearchCursor | null {
  const m = CURSOR.exec(text);
  return m ? { createdAt: Number(m[1]), seq: Number(m[2]), roomId: m[3]! } : null;
}

/** F1–F3: searching the messages of my rooms and DMs. */
export class SearchService {
  constructor(private readonly deps: { storage: Storage }) {}

  async search(userId: string, payload: MessageSearchPayload): Promise<SearchResults> {
    if (charCount(payload.query) > SEARCH_QUERY_MAX) {
      throw new DomainError('too_long', { path: '/query', message: `at most ${SEARCH_QUERY_MAX} characters` });
    }
    const query = parseSearchQuery(payload.query);
    if (!query) throw new DomainError('empty_query');
    let before: SearchCursor | undefined;
    if (payload.before !== undefined) {
      const decoded = decodeSearchCursor(payload.before);
      if (!decoded) throw new DomainError('invalid_payload', { path: '/before', message: 'not a search cursor' });
      before = decoded;
    }
    const page = await this.deps.storage.messages.search(userId, query, {
      limit: payload.limit ?? SEARCH_PAGE_DEFAULT,
      ...(before ? { before } : {}),
    });
    return { hits: page.hits, next: page.next ? encodeSearchCursor(page.next) : null };
  }
}
