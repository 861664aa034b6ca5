import { TYPING_TTL_MS } from '@parley/shared-types';
import { fetchMe } from '../lib/api';
import { createChatSocket, type ChatSocket } from '../lib/socket';
import { appStore } from '../store/app.store';
import { selectResumeCursors } from '../store/messages.selectors';
import { bindServerEvents } from './chat.bindings';
import { currentSocket, setCurrentSocket } from './chat.client';
import { resumeStarted } from './gap.filler';
import { applyRoute } from './navigation';
import { startNotifications, stopNotifications } from './notifications';
import { outboxConnected, startOutbox, stopOutbox } from './outbox.sender';
import { startPresenceReporter } from './presence.reporter';
import { startReadTracker } from './read.tracker';
import { MANUAL_RECONNECT_MS, reconnectDelayMs } from './reconnect.delay';
import { resync } from './resync';
import { bindSyncEvents } from './sync.bindings';
import { typingReset, typingStop } from './typing.sender';

/** Often enough that an expired typer disappears within a second of its TTL. */
const TYPING_TICK_MS = 1000;
/** After server:shutdown the server closes the connection at once; if not, we do. */
const SHUTDOWN_CLOSE_GRACE_MS = 3000;

let teardown: (() => void) | null = null;

/**
 * Starts the chat connection for the signed-in user: a fresh socket (nothing carried
 * over from a previous account), every handler bound before connecting, the user's own
 * outbox, plus the window listeners and the typing expiry tick that only matter while
 * signed in.
 */
export function startChat(): void {
  const user = appStore.getState().user;
  if (currentSocket() || !user) return;
  // Cursors are read from the store at each handshake, so every reconnect resumes from
  // what is held at that moment.
  const socket = createChatSocket(() => selectResumeCursors(appStore.getState()));
  setCurrentSocket(socket);
  bindServerEvents(socket, sessionLost);
  bindSyncEvents(socket);
  bindLifecycle(socket);
  startOutbox(user.id);
  startNotifications(user.id);
  const stopReadTracker = startReadTracker();
  const stopPresenceReporter = startPresenceReporter(socket);

  let pausedOffline = false;
  const onNetwork = () => {
    const online = navigator.onLine;
    appStore.getState().networkChanged(online);
    // The browser knows the network is gone long before a ping times out: drop the
    // socket now (the banner says Offline at once) and reconnect when it is back.
    if (!online && (socket.connected || socket.active)) {
      pausedOffline = true;
      socket.disconnect();
    } else if (online && pausedOffline) {
      pausedOffline = false;
      socket.connect();
    }
  };
  const onRoute = () => applyRoute();
  const onLeave = () => typingStop();
  const tick = window.setInterval(() => appStore.getState().typingExpired(Date.now(), TYPING_TTL_MS), TYPING_TICK_MS);
  window.addEventListener('online', onNetwork);
  window.addEventListener('offline', onNetwork);
  window.addEventListener('hashchange', onRoute);
  window.addEventListener('popstate', onRoute);
  window.addEventListener('pagehide', onLeave);
  window.addEventListener('beforeunload', onLeave);
  appStore.getState().networkChanged(navigator.onLine);

  teardown = () => {
    stopReadTracker();
    stopPresenceReporter();
    stopNotifications();
    window.clearInterval(tick);
    window.removeEventListener('online', onNetwork);
    window.removeEventListener('offline', onNetwork);
    window.removeEventListener('hashchange', onRoute);
    window.removeEventListener('popstate', onRoute);
    window.removeEventListener('pagehide', onLeave);
    window.removeEventListener('beforeunload', onLeave);
  };
  // Connect even if navigator.onLine says false: it can be wrong (a machine with only a
  // loopback network), and a failed attempt costs nothing.
  socket.connect();
}

/** Closes the connection and unbinds everything; safe to call twice. */
export function stopChat(): void {
  const socket = currentSocket();
  teardown?.();
  teardown = null;
  typingReset();
  stopOutbox();
  resumeStarted(); // cancels any pending gap fill
  setCurrentSocket(null);
  if (socket) {
    // Our listeners go first so the local 'disconnect' does not touch the next state.
    socket.off();
    socket.disconnect();
  }
}

/** The session is over (signed out elsewhere, expired, refused): back to sign-in. */
export function sessionLost(): void {
  stopChat();
  appStore.getState().signedOut();
}

function bindLifecycle(socket: ChatSocket): void {
  let retryTimer: number | undefined;
  const isCurrent = () => currentSocket() === socket;

  // The server refused or dropped us, so socket.io will not retry by itself: ask the
  // REST side whether the session still exists before deciding.
  const recheck = (delayMs = MANUAL_RECONNECT_MS) => {
    window.clearTimeout(retryTimer);
    void fetchMe().then((result) => {
      if (!isCurrent()) return;
      if ('user' in result && result.user === null) {
        sessionLost();
        return;
      }
      retryTimer = window.setTimeout(() => {
        if (isCurrent() && !socket.connected && !socket.active) socket.connect();
      }, delayMs);
    });
  };

  // S6: the server is stopping and closes the transport next; socket.io reconnects by
  // itself ('transport close'), so this is no sign-out. Show it as reconnecting now
  // rather than after the drop, and hold the outbox (sends would only be refused).
  socket.on('server:shutdown', () => {
    appStore.getState().serverStopping();
    const stopping = socket.id;
    window.setTimeout(() => {
      // Never left half-connected: closing the transport makes socket.io reconnect. A
      // new connection (a new id) since then is healthy and left alone.
      if (isCurrent() && socket.connected && socket.id === stopping) socket.io.engine.close();
    }, SHUTDOWN_CLOSE_GRACE_MS);
  });
  socket.on('connect', () => {
    resumeStarted();
    appStore.getState().socketConnected();
    void resync();
    outboxConnected();
  });
  socket.on('disconnect', (reason) => {
    const store = appStore.getState();
    store.socketDisconnected();
    // Held timelines stay: the next handshake's cursors bring exactly what is missed.
    // No typing:stopped or presence:changed can reach us now (and the server has already
    // stopped my typing, T2); after a crash none of it holds. Member lists are fetched
    // again on reconnect.
    store.typingCleared();
    store.presenceCleared();
    typingReset();
    // 'io server disconnect' is a sign-out elsewhere (A7) or an expired session. A server
    // restart closes the transport instead ('transport close'), which socket.io retries
    // by itself.
    if (reason === 'io server disconnect') recheck();
  });
  socket.on('connect_error', (error) => {
    // `active` false: refused by the server's middleware (e.g. `unauthorized`, A6).
    // Otherwise it is a network error and socket.io keeps retrying on its own.
    if (socket.active) return;
    // S4: the server refused our cursors. Start over without any, rather than be refused
    // again on every attempt; the open room loads its newest page on connect.
    if (error.message === 'invalid_payload') appStore.getState().timelinesDropped();
    // A `rate_limited` refusal says when to come back; asking sooner is refused again.
    recheck(reconnectDelayMs(error));
  });
}
