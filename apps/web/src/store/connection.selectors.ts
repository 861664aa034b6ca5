import type { AppState } from './app.store.types';

/** The banner's exact text, or null when connected (the banner is then not rendered). */
export function selectConnectionBanner(s: AppState): 'Connecting…' | 'Reconnecting…' | 'Offline' | null {
  if (s.connectionStatus === 'connected') return null;
  if (!s.networkOnline) return 'Offline';
  return s.everConnected ? 'Reconnecting…' : 'Connecting…';
}

export const selectIsConnected = (s: AppState): boolean => s.connectionStatus === 'connected';
