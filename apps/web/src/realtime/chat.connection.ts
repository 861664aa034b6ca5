import { TYPING_TTL_MS } from '@parley/shared-types';
import { fetchMe } from '../lib/api';
import { createChatSocket, type ChatSocket } from '../lib/socket';
import { appStore } from '../store/app.store';
import { bindServerEvents } from './chat.bindings';
import { currentSocket, setCurrentSocket } from './chat.client';
import { applyRoute } from './navigation';
import { flushOutbox } from './outbox.sender';
import { resync } from './resync';
import { typingReset, typingStop } from './typing.sender';

/** Often enough that an expired typer disappears within a second of its TTL. */
const TYPING_TICK_MS = 1000;
/** Pause before reconnecting by hand after the server refused or dropped us. */
const MANUAL_RECONNECT_MS = 2000;

let teardown: (() => void) | null = null;

/**
 * Starts the chat connection for the signed-in user: a fresh socket (nothing carried
 * over from a previous account), every handler bound before connecting, plus the
 * window listeners and the typing expiry tick that only matter while signed in.
 */
export function startChat(): void {
  if (currentSocket()) return;
  const socket = createChatSocket();
  setCurrentSocket(socket);
  bindServerEvents(socket, sessionLost);
  bindLifecycle(socket);

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
  const tick = window.setInterval(
    () => appStore.getState().typingExpired(Date.now(), TYPING_TTL_MS),
    TYPING_TICK_MS,
  );
  window.addEventListener('online', onNetwork);
  window.addEventListener('offline', onNetwork);
  window.addEventListener('hashchange', onRoute);
  window.addEventListener('popstate', onRoute);
  window.addEventListener('pagehide', onLeave);
  window.addEventListener('beforeunload', onLeave);
  appStore.getState().networkChanged(navigator.onLine);

  teardown = () => {
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
  const recheck = () => {
    window.clearTimeout(retryTimer);
    void fetchMe().then((result) => {
      if (!isCurrent()) return;
      if ('user' in result && result.user === null) {
        sessionLost();
        return;
      }
      retryTimer = window.setTimeout(() => {
        if (isCurrent() && !socket.connected && !socket.active) socket.connect();
      }, MANUAL_RECONNECT_MS);
    });
  };

  socket.on('connect', () => {
    appStore.getState().socketConnected();
    void resync();
    flushOutbox();
  });
  socket.on('disconnect', (reason) => {
    const store = appStore.getState();
    store.socketDisconnected();
    store.timelinesStale();
    // No typing:stopped can reach us now, and the server has already stopped mine (T2).
    store.typingCleared();
    typingReset();
    if (reason === 'io server disconnect') recheck();
  });
  socket.on('connect_error', () => {
    // `active` false: refused by the server's middleware (e.g. `unauthorized`, A6).
    // Otherwise it is a network error and socket.io keeps retrying on its own.
    if (!socket.active) recheck();
  });
}
