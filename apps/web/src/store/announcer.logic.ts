import type { RoomKind } from '@parley/shared-types';
/*
 * What the screen reader hears, apart from the message log (which is not live, so that
 * history loaded by scrolling is never read as news). One polite live region is fed only
 * by these announcements: each new message from someone else in the open room, once,
 * and the room just opened. A burst (a resume after a network cut, a busy room) is said
 * as one sentence instead of a queue of messages nobody can follow.
 */

/** One sentence for the live region; `id` keys it so each is added (and read) once. */
export type Announcement = { id: number; text: string };

/** Arrivals closer together than this count as one burst. */
export const BURST_WINDOW_MS = 1500;
/** More arrivals than this in one burst are summed up instead of read one by one. */
export const BURST_MAX = 3;
/** Spoken text of one message is cut here: the log has the rest. */
export const SPOKEN_TEXT_MAX = 200;
/** Announcements kept in the region; older ones leave it (removals are not read). */
export const KEPT_MAX = 5;

export type Burst = { startedAt: number; count: number; summarized: boolean };

export type AnnouncerState = {
  announcements: readonly Announcement[];
  nextId: number;
  burst: Burst | null;
};

export const initialAnnouncerState: AnnouncerState = { announcements: [], nextId: 1, burst: null };

function withAnnouncement(state: AnnouncerState, text: string): AnnouncerState {
  const announcement = { id: state.nextId, text };
  return {
    ...state,
    announcements: [...state.announcements, announcement].slice(-KEPT_MAX),
    nextId: state.nextId + 1,
  };
}

/** The words for one message: `alice: hello`, cut to a readable length. */
export function spokenMessage(authorName: string, text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > SPOKEN_TEXT_MAX ? `${flat.slice(0, SPOKEN_TEXT_MAX - 1)}…` : flat;
  return `${authorName}: ${cut}`;
}

/**
 * A message by someone else arrived in the open room. Read out one by one while they
 * come at a human pace; past BURST_MAX within BURST_WINDOW_MS, one summary is said for
 * the burst and the rest stays silent until the burst ends.
 */
export function withArrival(state: AnnouncerState, authorName: string, text: string, now: number): AnnouncerState {
  const ongoing = state.burst && now - state.burst.startedAt < BURST_WINDOW_MS ? state.burst : null;
  const burst: Burst = ongoing
    ? { ...ongoing, count: ongoing.count + 1 }
    : { startedAt: now, count: 1, summarized: false };
  if (burst.count <= BURST_MAX) return withAnnouncement({ ...state, burst }, spokenMessage(authorName, text));
  if (burst.summarized) return { ...state, burst };
  return withAnnouncement({ ...state, burst: { ...burst, summarized: true } }, 'More new messages in this room');
}

const KIND_SPOKEN: Record<RoomKind, string> = {
  public: 'room',
  private: 'private room',
  dm: 'direct message',
  group: 'group conversation',
};

/** The room just opened, said once: `general, room` / `bob, direct message`. */
export function withRoomOpened(state: AnnouncerState, roomName: string, kind: RoomKind): AnnouncerState {
  const what = KIND_SPOKEN[kind];
  return withAnnouncement({ ...state, burst: null }, `${roomName}, ${what}`);
}
