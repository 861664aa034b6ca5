import { parseRoomHash, roomHref } from '../lib/hash-route';
import { appStore } from '../store/app.store';
import { pickFallbackRoom } from '../store/rooms.selectors';
import { loadRoom } from './room.loader';
import { typingStop } from './typing.sender';

/*
 * The URL hash is the source of truth for which room is open; the store mirrors it.
 * Links change the hash (hashchange lands here); code calls openRoom, which does both.
 */

/** Makes `roomId` the open room: hash, store, typing, and a fresh newest page. */
export function openRoom(roomId: string, options: { replace?: boolean } = {}): void {
  const href = roomHref(roomId);
  if (window.location.hash !== href) {
    if (options.replace) window.history.replaceState(null, '', href);
    else window.history.pushState(null, '', href);
  }
  showRoom(roomId);
}

function showRoom(roomId: string): void {
  const store = appStore.getState();
  if (store.activeRoomId !== roomId) {
    typingStop();
    const room = store.rooms[roomId];
    if (room) store.roomOpenAnnounced(room.name, room.kind);
  }
  store.roomOpened(roomId);
  void loadRoom(roomId).then((stillMine) => {
    if (!stillMine) roomGone(roomId);
  });
}

/** Opens the default room (or the first, or none) instead of `excluding`. */
export function openFallbackRoom(excluding?: string): void {
  const fallback = pickFallbackRoom(appStore.getState().rooms, excluding);
  if (fallback) {
    openRoom(fallback, { replace: true });
    return;
  }
  typingStop();
  appStore.getState().roomOpened(null);
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** A room left my list (left here or in another tab, or refused): forget it and move on. */
export function roomGone(roomId: string): void {
  const store = appStore.getState();
  store.roomRemoved(roomId);
  if (store.activeRoomId === roomId) openFallbackRoom(roomId);
}

/**
 * Opens the room the URL names if it is one of mine, else the fallback. Runs after
 * room:list answers (`reload`: refetch the open room too) and on hashchange.
 */
export function applyRoute(options: { reload?: boolean } = {}): void {
  const store = appStore.getState();
  if (!store.roomsLoaded) return;
  const wanted = parseRoomHash(window.location.hash);
  if (wanted && Object.hasOwn(store.rooms, wanted)) {
    if (options.reload || wanted !== store.activeRoomId) showRoom(wanted);
    return;
  }
  openFallbackRoom();
}
