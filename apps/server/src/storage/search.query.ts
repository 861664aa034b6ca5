import { DELETED_USER_NAME, EMPTY_GROUP_NAME, type RoomKind } from '@parley/shared-types';
import { SEARCH_LIMIT_MAX, type SearchPage } from './storage.js';

/*
 * F1–F3: what a search asks, parsed once and handed to every backend, so SQLite FTS5 and
 * PostgreSQL full-text search see the same terms. Words are cut to runs of letters and
 * digits here: the backends receive nothing that their query languages could read as an
 * operator, and they split text the same way (FTS5 unicode61, PostgreSQL 'simple').
 */

export type SearchQuery = {
  /** Every word must match; lower case, letters and digits only. */
  words: string[];
  /** The last free word also matches as a prefix (typing "meet" finds "meeting"). */
  prefixLast: boolean;
  /** Each phrase's words must match in this order, next to each other. */
  phrases: string[][];
  /** `from:<username>`: only messages by this user (case-insensitive). */
  from: string | null;
  /** `in:<room name>`: only this room, or the DM with this person and the groups holding them (G5). */
  in: string | null;
};

/**
 * A position in the order of results, the last hit of the page before. Newest first:
 * by time, then (the same millisecond) by room and, within a room, by seq, so a room's
 * messages keep their order even when sent within one millisecond.
 */
export type SearchCursor = { createdAt: number; roomId: string; seq: number };

const TOKEN = /[\p{L}\p{N}]+/gu;

export function tokensOf(text: string): string[] {
  return [...text.toLowerCase().matchAll(TOKEN)].map((m) => m[0]);
}

/**
 * Parses `free words "a phrase" from:bob in:general` (an operator's value may be quoted:
 * `in:"team room"`). Null when nothing is left to search by.
 */
export function parseSearchQuery(input: string): SearchQuery | null {
  const query: SearchQuery = { words: [], prefixLast: false, phrases: [], from: null, in: null };
  const parts = /(from|in):(?:"([^"]*)"?|(\S*))|"([^"]*)"?|(\S+)/giu;
  let lastWasWord = false;
  for (const m of input.matchAll(parts)) {
    const [, operator, quotedValue, bareValue, phrase, free] = m;
    lastWasWord = false;
    if (operator !== undefined) {
      const value = (quotedValue ?? bareValue ?? '').trim();
      if (value === '') continue;
      if (operator.toLowerCase() === 'from') query.from = value.replace(/^@/, '');
      else query.in = value.replace(/^#/, '');
    } else if (phrase !== undefined) {
      const tokens = tokensOf(phrase);
      if (tokens.length === 1) query.words.push(tokens[0]!);
      else if (tokens.length > 1) query.phrases.push(tokens);
    } else if (free !== undefined) {
      const tokens = tokensOf(free);
      query.words.push(...tokens);
      // Prefix only when the input ends in this word: the person may still be typing it.
      lastWasWord = tokens.length > 0 && /[\p{L}\p{N}]$/u.test(free);
    }
  }
  query.prefixLast = lastWasWord && !/\s$/u.test(input);
  if (query.words.length === 0 && query.phrases.length === 0 && query.from === null && query.in === null) return null;
  return query;
}

export const hasTextTerms = (q: SearchQuery): boolean => q.words.length > 0 || q.phrases.length > 0;

/** The FTS5 MATCH expression: every term ANDed; each term quoted (tokens hold no quote). */
export function fts5Match(q: SearchQuery): string {
  const terms = q.words.map((w, i) => (q.prefixLast && i === q.words.length - 1 ? `"${w}"*` : `"${w}"`));
  for (const phrase of q.phrases) terms.push(`"${phrase.join(' ')}"`);
  return terms.join(' AND ');
}

/** The PostgreSQL tsquery text for to_tsquery('simple', …): `&` between terms, `<->` inside phrases. */
export function tsQueryText(q: SearchQuery): string {
  const terms = q.words.map((w, i) => (q.prefixLast && i === q.words.length - 1 ? `${w}:*` : w));
  for (const phrase of q.phrases) terms.push(`(${phrase.join(' <-> ')})`);
  return terms.join(' & ');
}

/** A snippet of a hit: plain text and the [start, end) ranges of the matches in it (never markup). */
export type Snippet = { text: string; ranges: Array<[number, number]> };

const SNIPPET_CHARS = 160;

/**
 * The part of `text` around its first match, with every match marked by a range. Done
 * here rather than by each backend so both answer alike.
 */
export function snippetOf(text: string, q: SearchQuery): Snippet {
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    word: m[0].toLowerCase(),
  }));
  const marked = new Set<number>();
  tokens.forEach((t, i) => {
    q.words.forEach((w, wi) => {
      const prefix = q.prefixLast && wi === q.words.length - 1;
      if (prefix ? t.word.startsWith(w) : t.word === w) marked.add(i);
    });
    for (const phrase of q.phrases) {
      if (phrase.every((p, k) => tokens[i + k]?.word === p)) phrase.forEach((_, k) => marked.add(i + k));
    }
  });
  const all = [...marked].sort((a, b) => a - b).map((i): [number, number] => [tokens[i]!.start, tokens[i]!.end]);
  if (text.length <= SNIPPET_CHARS) return { text, ranges: all };
  const first = all[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(SNIPPET_CHARS / 3));
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  start = Math.max(0, end - SNIPPET_CHARS);
  // Never cut a surrogate pair in two.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start]!)) start -= 1;
  if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end += 1;
  const lead = start > 0 ? '…' : '';
  const tail = end < text.length ? '…' : '';
  const shift = lead.length - start;
  const ranges = all
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): [number, number] => [s + shift, e + shift]);
  return { text: lead + text.slice(start, end) + tail, ranges };
}

/** A hit as both backends read it, in result order (PostgreSQL's bytea text decoded first). */
export type SearchHitRow = {
  id: string;
  room_id: string;
  seq: number;
  text: string;
  created_at: number;
  author_id: string;
  author_name: string;
  kind: RoomKind;
  name: string | null;
  peer_name: string | null;
  member_names: string | null;
};

/** F2: the page size asked for, within 1…SEARCH_LIMIT_MAX. */
export const searchLimit = (limit: number): number => Math.max(1, Math.min(SEARCH_LIMIT_MAX, Math.floor(limit)));

/** F2: the hits of a page and, when it is full, the cursor of the next one (its last hit). */
export function searchPage(rows: readonly SearchHitRow[], query: SearchQuery, limit: number): SearchPage {
  const hits = rows.map((r) => ({
    messageId: r.id,
    roomId: r.room_id,
    roomKind: r.kind,
    roomName: hitRoomName(r),
    authorId: r.author_id,
    authorName: r.author_name,
    seq: r.seq,
    createdAt: r.created_at,
    snippet: snippetOf(r.text, query),
  }));
  const last = hits.at(-1);
  return {
    hits,
    next: last && hits.length === limit ? { createdAt: last.createdAt, roomId: last.roomId, seq: last.seq } : null,
  };
}

/** F2, G2: the name a hit's room has for the searcher: its own, a DM's peer's, a group's other members'. */
function hitRoomName(row: Pick<SearchHitRow, 'kind' | 'name' | 'peer_name' | 'member_names'>): string {
  if (row.kind === 'group') return row.member_names ?? EMPTY_GROUP_NAME;
  // A DM whose other person deleted their account has no other member left.
  return row.name ?? row.peer_name ?? DELETED_USER_NAME;
}
