import type { AppSlice } from './app.store.types';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export type ConnectionState = {
  connectionStatus: ConnectionStatus;
  /** Tells "Connecting…" (never connected yet) from "Reconnecting…" (dropped). */
  everConnected: boolean;
  /** navigator.onLine, kept live by the realtime layer. */
  networkOnline: boolean;
};

export type ConnectionSlice = ConnectionState & {
  socketConnected(): void;
  socketDisconnected(): void;
  /** server:shutdown: the connection is about to drop; show it as reconnecting now. */
  serverStopping(): void;
  networkChanged(online: boolean): void;
};

export const initialConnectionState: ConnectionState = {
  connectionStatus: 'connecting',
  everConnected: false,
  networkOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
};

export const createConnectionSlice: AppSlice<ConnectionSlice> = (set) => ({
  ...initialConnectionState,
  socketConnected: () => set({ connectionStatus: 'connected', everConnected: true }),
  socketDisconnected: () => set((s) => ({ connectionStatus: s.everConnected ? 'disconnected' : 'connecting' })),
  serverStopping: () => set((s) => (s.connectionStatus === 'connected' ? { connectionStatus: 'disconnected' } : {})),
  networkChanged: (online) => set({ networkOnline: online }),
});
