import type { User } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';

/** `checking` until GET /api/auth/me answers on load. */
export type SessionStatus = 'checking' | 'signedOut' | 'signedIn';

export type SessionState = { sessionStatus: SessionStatus; user: User | null };

export type SessionSlice = SessionState & {
  sessionChecked(user: User | null): void;
  signedIn(user: User): void;
  /** Drops every piece of chat state so the next account starts clean. */
  signedOut(): void;
};

export const initialSessionState: SessionState = { sessionStatus: 'checking', user: null };

export const createSessionSlice: AppSlice<SessionSlice> = (set, get, api) => ({
  ...initialSessionState,
  sessionChecked: (user) =>
    set(user ? { sessionStatus: 'signedIn', user } : { sessionStatus: 'signedOut', user: null }),
  signedIn: (user) => set({ sessionStatus: 'signedIn', user }),
  signedOut: () => {
    // Everything but the actions goes back to its initial value, then the session flips.
    const initial = api.getInitialState();
    const data = Object.fromEntries(Object.entries(initial).filter(([, value]) => typeof value !== 'function'));
    // The network flag describes the machine, not the account: keep it.
    set({ ...data, networkOnline: get().networkOnline, sessionStatus: 'signedOut', user: null });
  },
});
