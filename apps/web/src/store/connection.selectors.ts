import type { AppState } from './app.store.types';

/**
 * The banner's exact text, or null when connected (the banner is then not rendered).
 * After a drop it always says "Reconnecting…", network or not: the app is trying again
 * and will resume by itself. "Offline" is for a page that never got connected while the
 * browser reports no network.
 */
export function selectConnectionBanner(s: AppState): 'Connecting…' | 'Reconnecting…' | 'Offline' | null {
  if (s.connectionStatus === 'connected') return null;
  if (s.everConnected) return 'Reconnecting…';
  return s.networkOnline ? 'Connecting…' : 'Offline';
}

export const selectIsConnected = (s: AppState): boolean => s.connectionStatus === 'connected';
