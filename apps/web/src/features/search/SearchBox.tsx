import type { SearchHit } from '@parley/shared-types';
import { useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { roomHref } from '../../lib/hash-route';
import { loadMoreResults, openSearchHit, runSearch } from '../../realtime/search.actions';
import { appStore } from '../../store/app.store';
import {
  selectSearchError,
  selectSearchHasMore,
  selectSearchHits,
  selectSearchLoadingMore,
  selectSearchOpen,
  selectSearchStatus,
} from '../../store/search.selectors';
import { useAppStore } from '../../store/use-app-store';

/** The snippet's text with its match ranges as <mark> (F2: ranges, never markup from the server). */
function Highlighted({ text, ranges }: SearchHit['snippet']): ReactNode {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end > text.length || end <= start) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/**
 * F1: `Search messages` over every room and DM of mine. Enter asks; the results are links
 * naming room, author and snippet; one opens its room at the message. Escape closes.
 */
export function SearchBox() {
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const open = useAppStore(selectSearchOpen);
  const status = useAppStore(selectSearchStatus);
  const hits = useAppStore(selectSearchHits);
  const error = useAppStore(selectSearchError);
  const hasMore = useAppStore(selectSearchHasMore);
  const loadingMore = useAppStore(selectSearchLoadingMore);
  const list = useRef<HTMLUListElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void runSearch(query);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return;
    event.preventDefault();
    appStore.getState().searchClosed();
    input.current?.focus();
  };
  // Focus goes to the first hit the page added, so a keyboard reads on from there
  // instead of staying on a button that moved below them.
  const more = async () => {
    const shown = hits.length;
    if (await loadMoreResults()) list.current?.querySelectorAll<HTMLAnchorElement>('a.search-hit')[shown]?.focus();
  };
  const activate = (event: MouseEvent<HTMLAnchorElement>, hit: SearchHit) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    openSearchHit(hit.roomId, hit.messageId, hit.seq);
  };

  return (
    <div className="search" onKeyDown={onKeyDown}>
      <form role="search" className="search-form" onSubmit={submit}>
        <input
          ref={input}
          type="search"
          className="search-input"
          aria-label="Search messages"
          placeholder="Search messages"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </form>
      {open && (
        <div className="search-results-panel">
          {status === 'loading' && <p role="status">Searching…</p>}
          {error !== null && <p role="alert">{error}</p>}
          {status === 'done' && hits.length === 0 && <p role="status">No messages found.</p>}
          {status === 'done' && hits.length > 0 && (
            <ul ref={list} className="search-results" aria-label="Search results">
              {hits.map((hit) => (
                <li key={hit.messageId}>
                  <a href={roomHref(hit.roomId)} className="search-hit" onClick={(event) => activate(event, hit)}>
                    <span className="search-hit-room">
                      {hit.roomKind === 'dm' || hit.roomKind === 'group' ? `@${hit.roomName}` : `#${hit.roomName}`}
                    </span>{' '}
                    <span className="search-hit-author">{hit.authorName}:</span>{' '}
                    <span className="search-hit-snippet">
                      <Highlighted {...hit.snippet} />
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          {status === 'done' && hasMore && (
            <button type="button" className="search-more" aria-disabled={loadingMore} onClick={() => void more()}>
              {loadingMore ? 'Loading more results…' : 'More results'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
