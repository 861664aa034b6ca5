import type { AccountDelete, ApiError, AuthResponse, Credentials, PasswordChange, User } from '@parley/shared-types';
import { API_ROUTES, ERROR_MESSAGES, isErrorCode } from '@parley/shared-types';
import { errorText } from './errors';

/** What every REST helper resolves to: the user, or the sentence to show. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string };

async function readError(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Partial<ApiError>;
    if (isErrorCode(body.error)) return ERROR_MESSAGES[body.error];
    if (typeof body.message === 'string' && body.message) return body.message;
  } catch {
    // Not JSON (a proxy error page, say): fall through to the generic sentence.
  }
  return response.status === 429 ? ERROR_MESSAGES.rate_limited : errorText(undefined);
}

async function authRequest(path: string, credentials: Credentials): Promise<ApiResult<User>> {
  try {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (!response.ok) return { ok: false, status: response.status, message: await readError(response) };
    const body = (await response.json()) as AuthResponse;
    return { ok: true, data: body.user };
  } catch {
    return { ok: false, status: 0, message: errorText(undefined) };
  }
}

export function login(credentials: Credentials): Promise<ApiResult<User>> {
  return authRequest(API_ROUTES.login, credentials);
}

export function register(credentials: Credentials): Promise<ApiResult<User>> {
  return authRequest(API_ROUTES.register, credentials);
}

/**
 * Who the session cookie belongs to. `null` means signed out (401); a network failure
 * is reported separately so a flaky connection does not sign the person out.
 */
export async function fetchMe(): Promise<{ user: User | null } | { error: true }> {
  try {
    const response = await fetch(API_ROUTES.me, { credentials: 'same-origin' });
    if (response.status === 401) return { user: null };
    if (!response.ok) return { error: true };
    const body = (await response.json()) as AuthResponse;
    return { user: body.user };
  } catch {
    return { error: true };
  }
}

/** No body and no content-type: a JSON content-type with an empty body is a 400. */
export async function logout(): Promise<void> {
  try {
    await fetch(API_ROUTES.logout, { method: 'POST', credentials: 'same-origin' });
  } catch {
    // Signing out locally still happens; the server session expires on its own.
  }
}

/**
 * A write about my own account (A11–A13), answered 204 on success. Without a body no
 * content-type is sent (an empty JSON body is a 400).
 */
async function accountRequest(path: string, body?: PasswordChange | AccountDelete): Promise<ApiResult<null>> {
  try {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) return { ok: false, status: response.status, message: await readError(response) };
    return { ok: true, data: null };
  } catch {
    return { ok: false, status: 0, message: errorText(undefined) };
  }
}

export function changePassword(change: PasswordChange): Promise<ApiResult<null>> {
  return accountRequest(API_ROUTES.password, change);
}

export function logoutEverywhere(): Promise<ApiResult<null>> {
  return accountRequest(API_ROUTES.logoutEverywhere);
}

export function deleteAccount(request: AccountDelete): Promise<ApiResult<null>> {
  return accountRequest(API_ROUTES.deleteAccount, request);
}
