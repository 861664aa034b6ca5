import {
  DEFAULT_DM_NOTIFY,
  DEFAULT_ROOM_NOTIFY,
  type Message,
  type NotifyLevel,
  type RoomSummary,
} from '@parley/shared-types';
import { isPeopleConversation } from '../lib/room-kinds';
import { appStore } from '../store/app.store';
import { jumpToMessage } from './jump';
import { openRoom } from './navigation';

/*
 * Desktop notifications (SPEC N3). Every tab of mine gets every message, but one of them,
 * the leader, decides: the tabs agree on it through the Web Locks API (the lock is held
 * while the leader lives; another tab takes it over when it closes), and tell each other
 * over a BroadcastChannel whether they are visible and focused. The leader shows a
 * notification only when none is, tagged with the message id, so however many tabs are
 * open there is one per message. Clicking it focuses Parley and opens the message.
 */

/** A tab that has not said it is still active for this long is taken as inactive. */
const ACTIVE_STALE_MS = 5000;
/** How often a tab repeats whether it is active (so a closed tab's word goes stale). */
const HEARTBEAT_MS = 2000;
const BODY_MAX = 180;

type TabReport = { type: 'tab'; tabId: string; active: boolean; at: number };

type Running = {
  userId: string;
  tabId: string;
  leader: boolean;
  channel: BroadcastChannel | null;
  others: Map<string, { active: boolean; at: number }>;
  stop: () => void;
};

let running: Running | null = null;

/** This tab is shown and has the focus: what "read" and "no need to notify" mean (U4, N3). */
export function tabIsActive(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/** The browser's permission, or 'unsupported'. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return notificationsSupported() ? Notification.permission : 'unsupported';
}

/** The `Enable notifications` button: asks, on the user's gesture, never on load. */
export async function enableNotifications(): Promise<NotificationPermission | 'unsupported'> {
  if (!notificationsSupported()) return 'unsupported';
  return Notification.requestPermission();
}

export function startNotifications(userId: string): void {
  stopNotifications();
  const tabId = crypto.randomUUID();
  const controller = new AbortController();
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`parley-tabs-${userId}`);
  let releaseLock: (() => void) | null = null;
  const state: Running = { userId, tabId, leader: false, channel, others: new Map(), stop: () => {} };

  const report = () => {
    const message: TabReport = { type: 'tab', tabId, active: tabIsActive(), at: Date.now() };
    channel?.postMessage(message);
  };
  channel?.addEventListener('message', (event: MessageEvent<TabReport>) => {
    const data = event.data;
    if (data?.type === 'tab' && data.tabId !== tabId)
      state.others.set(data.tabId, { active: data.active, at: Date.now() });
  });
  const heartbeat = window.setInterval(report, HEARTBEAT_MS);
  const events = ['focus', 'blur', 'visibilitychange', 'pagehide'] as const;
  for (const name of events) window.addEventListener(name, report);
  document.addEventListener('visibilitychange', report);
  report();

  if ('locks' in navigator && navigator.locks) {
    navigator.locks
      .request(`parley-notifier-${userId}`, { signal: controller.signal }, () => {
        state.leader = true;
        return new Promise<void>((resolve) => {
          releaseLock = resolve;
        });
      })
      .catch(() => undefined); // aborted on sign-out
  } else {
    // Without locks every tab decides for itself; the shared tag still shows one notification.
    state.leader = true;
  }

  state.stop = () => {
    window.clearInterval(heartbeat);
    for (const name of events) window.removeEventListener(name, report);
    document.removeEventListener('visibilitychange', report);
    channel?.postMessage({ type: 'tab', tabId, active: false, at: Date.now() } satisfies TabReport);
    channel?.close();
    controller.abort();
    releaseLock?.();
    state.leader = false;
  };
  running = state;
}

export function stopNotifications(): void {
  running?.stop();
  running = null;
}

/** This tab currently speaks for every tab of mine. */
export function isNotificationLeader(): boolean {
  return running?.leader === true;
}

/** N2: my level for a room, or its kind's default. */
export function notifyLevelOf(room: Pick<RoomSummary, 'kind' | 'notify'>): NotifyLevel {
  // G6: a group notifies like a DM: few people, every message addressed to me.
  return room.notify ?? (isPeopleConversation(room.kind) ? DEFAULT_DM_NOTIFY : DEFAULT_ROOM_NOTIFY);
}

/** Whether `message` is one my level for its room asks to be told about. */
export function wantsNotification(message: Message, room: Pick<RoomSummary, 'kind' | 'notify'>, myId: string): boolean {
  if (message.authorId === myId || message.deletedAt !== undefined) return false;
  const level = notifyLevelOf(room);
  if (level === 'all') return true;
  return level === 'mentions' && (message.mentions?.includes(myId) ?? false);
}

function anyTabActive(state: Running): boolean {
  if (tabIsActive()) return true;
  const now = Date.now();
  for (const other of state.others.values()) if (other.active && now - other.at < ACTIVE_STALE_MS) return true;
  return false;
}

/** N3: a live message:created reached this tab. */
export function messageArrived(message: Message): void {
  const state = running;
  if (!state?.leader || notificationPermission() !== 'granted') return;
  const store = appStore.getState();
  const room = store.rooms[message.roomId];
  if (!room || !wantsNotification(message, room, state.userId) || anyTabActive(state)) return;
  const mentioned = message.mentions?.includes(state.userId) ?? false;
  const title =
    room.kind === 'dm'
      ? message.authorName
      : mentioned
        ? `${message.authorName} mentioned you in ${room.name}`
        : `${message.authorName} in ${room.name}`;
  const body = message.text.length > BODY_MAX ? `${message.text.slice(0, BODY_MAX - 1)}…` : message.text;
  const notification = new Notification(title, { body, tag: message.id });
  notification.onclick = () => {
    window.focus();
    openRoom(message.roomId);
    void jumpToMessage(message.roomId, message.id, message.seq);
    notification.close();
  };
}
