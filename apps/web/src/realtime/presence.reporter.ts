import type { ChatSocket } from '../lib/socket';
import { appStore } from '../store/app.store';
import { ActivityMonitor } from './activity.monitor';
import { request } from './commands';

/**
 * How long this tab waits before telling the server it is away. A reload or a closing tab
 * hides the page just before its connection goes: without the wait, others would see the
 * person away for the moment between the old connection and the new one (P2 says a reload
 * changes nothing). A quick look at another tab costs nothing either.
 */
const AWAY_REPORT_DELAY_MS = 2000;

/** Input that shows someone is at this tab (P4). Passive: it never delays the page. */
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'touchstart', 'wheel'] as const;

/**
 * P4: tells the server whether someone is at this tab, on every connect (a new connection
 * counts as active until told otherwise) and on each change; the answer says whether I
 * appear offline (P6), which the Account dialog shows.
 */
export function startPresenceReporter(socket: ChatSocket): () => void {
  let awayTimer: number | undefined;
  const report = async () => {
    window.clearTimeout(awayTimer);
    const outcome = await request('presence:set', { state: monitor.current() });
    if (outcome.ok) appStore.getState().appearOfflineChanged(outcome.data.appearOffline);
    // Not sent (disconnected, refused): the next connect reports the state again.
  };
  const monitor = new ActivityMonitor({
    now: () => Date.now(),
    setTimeout: (run, ms) => window.setTimeout(run, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    isVisible: () => document.visibilityState === 'visible',
    changed: (activity) => {
      window.clearTimeout(awayTimer);
      if (activity === 'active') void report();
      else awayTimer = window.setTimeout(() => void report(), AWAY_REPORT_DELAY_MS);
    },
  });
  const onInput = () => monitor.input();
  const onVisibility = () => monitor.visibilityChanged();
  const onConnect = () => void report();
  for (const name of INPUT_EVENTS) window.addEventListener(name, onInput, { capture: true, passive: true });
  document.addEventListener('visibilitychange', onVisibility);
  socket.on('connect', onConnect);
  return () => {
    monitor.stop();
    window.clearTimeout(awayTimer);
    for (const name of INPUT_EVENTS) window.removeEventListener(name, onInput, { capture: true });
    document.removeEventListener('visibilitychange', onVisibility);
    socket.off('connect', onConnect);
  };
}

/** P6: others see me offline (or as I am again); every tab of mine hears it (presence:self). */
export async function setAppearOffline(appearOffline: boolean): Promise<{ ok: boolean }> {
  const outcome = await request('presence:set', { appearOffline });
  if (outcome.ok) appStore.getState().appearOfflineChanged(outcome.data.appearOffline);
  return { ok: outcome.ok };
}
