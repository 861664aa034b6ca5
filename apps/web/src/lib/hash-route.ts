/*
 * The open room lives in the URL hash (`#/room/<id>`) so links are real links, the back
 * button works and a reload reopens the same room — without a router dependency.
 */
const ROOM_PREFIX = '#/room/';

export function roomHref(roomId: string): string {
  return `${ROOM_PREFIX}${encodeURIComponent(roomId)}`;
}

export function parseRoomHash(hash: string): string | null {
  if (!hash.startsWith(ROOM_PREFIX)) return null;
  const id = decodeURIComponent(hash.slice(ROOM_PREFIX.length));
  return id || null;
}
