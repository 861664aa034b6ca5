import type { Credentials } from '@parley/shared-types';
import {
  changePassword as requestPasswordChange,
  deleteAccount as requestAccountDeletion,
  fetchMe,
  login,
  logout,
  logoutEverywhere,
  register,
} from '../../lib/api';
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

/** A11: resolves to the error sentence, if any; this tab stays signed in. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<string | null> {
  const result = await requestPasswordChange({ currentPassword, newPassword });
  return result.ok ? null : result.message;
}

/** A12: every session ends, this one too (the others hear session:ended from the server). */
export async function signOutEverywhere(): Promise<string | null> {
  const result = await logoutEverywhere();
  if (!result.ok && result.status !== 401) return result.message;
  sessionLost();
  return null;
}

/** A13: on success the account is gone and this tab goes to the sign-in screen. */
export async function deleteAccount(password: string): Promise<string | null> {
  const result = await requestAccountDeletion({ password });
  if (!result.ok) return result.message;
  sessionLost();
  return null;
}
