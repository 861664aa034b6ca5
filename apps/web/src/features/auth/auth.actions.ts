import type { Credentials } from '@parley/shared-types';
import { fetchMe, login, logout, register } from '../../lib/api';
import { sessionLost } from '../../realtime/chat.connection';
import { appStore } from '../../store/app.store';

/** On load: the session cookie (if any) decides which screen shows. */
export async function checkSession(): Promise<void> {
  const result = await fetchMe();
  // An unreachable server reads as signed out: the sign-in form then reports the error.
  appStore.getState().sessionChecked('user' in result ? result.user : null);
}

/** Signs in (or registers, which also signs in). Resolves to the error sentence, if any. */
export async function authenticate(mode: 'login' | 'register', credentials: Credentials): Promise<string | null> {
  const result = await (mode === 'login' ? login(credentials) : register(credentials));
  if (!result.ok) return result.message;
  appStore.getState().signedIn(result.data);
  return null;
}

/**
 * Ends the session on the server first (every socket of it gets session:ended), then
 * here: socket closed, store reset, sign-in screen.
 */
export async function signOut(): Promise<void> {
  await logout();
  sessionLost();
}
