/**
 * Names of Socket.IO rooms. A person is always addressed through `user:<id>` (every tab,
 * every device), never a socket id, which changes on every reconnect.
 */
export const roomChannel = (roomId: string) => `room:${roomId}`;
export const userChannel = (userId: string) => `user:${userId}`;
/** Every socket of one sign-in, to disconnect them on sign-out. */
export const SESSION_CHANNEL_PREFIX = 'session:';
export const sessionChannel = (sessionKey: string) => `${SESSION_CHANNEL_PREFIX}${sessionKey}`;
