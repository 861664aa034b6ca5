import type { AppState } from './app.store.types';
import { typingNames, typingText } from './typing.logic';

/** The typing line for a room (a string, so no useShallow needed). */
export const selectTypingText =
  (roomId: string | null) =>
  (s: AppState): string =>
    roomId ? typingText(typingNames(s.typers, roomId)) : '';
