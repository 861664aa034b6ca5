import { appStore } from '../store/app.store';
import { request } from './commands';
import { tabIsActive } from './notifications';

/*
 * U4: a message counts as read only once it was shown in a tab that is visible and
 * focused. The message log reports the newest seq it shows; this moves my marker there
 * (room:read) when the tab is active — right away after a short pause, and again when the
 * tab becomes active. The server tells every tab of mine the new state (U3).
 */

/** Coalesces a burst of scrolling or arriving messages into one room:read. */
const READ_DEBOUNCE_MS = 300;

/** Per room: the newest seq the log shows now. */
const shown = new Map<string, number>();
/** Per room: the seq of the room:read in flight or last sent. */
const sent = new Map<string, number>();
let timer: ReturnType<typeof setTimeout> | null = null;

/** The log of `roomId` shows everything up to `seq`. */
export function messagesShown(roomId: string, seq: number): void {
  shown.set(roomId, seq);
  schedule();
}

function schedule(): void {
  if (timer !== null) return;
  timer = setTimeout(() => {
    timer = null;
    void flush();
  }, READ_DEBOUNCE_MS);
}

async function flush(): Promise<void> {
  const state = appStore.getState();
  const roomId = state.activeRoomId;
  if (!roomId || !tabIsActive()) return;
  const seq = shown.get(roomId);
  const marker = state.reads[roomId]?.lastReadSeq ?? 0;
  if (seq === undefined || seq <= marker || seq <= (sent.get(roomId) ?? -1)) return;
  sent.set(roomId, seq);
  const outcome = await request('room:read', { roomId, seq });
  if (outcome.ok) appStore.getState().readStateReceived(outcome.data);
  // Not sent (offline, refused): try again next time the log or the tab moves.
  else sent.delete(roomId);
}

/** Becoming the visible, focused tab may make what is shown read. */
export function startReadTracker(): () => void {
  const onActive = () => schedule();
  window.addEventListener('focus', onActive);
  document.addEventListener('visibilitychange', onActive);
  return () => {
    window.removeEventListener('focus', onActive);
    document.removeEventListener('visibilitychange', onActive);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    shown.clear();
    sent.clear();
  };
}
