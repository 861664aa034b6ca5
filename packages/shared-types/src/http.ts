/** REST endpoints (JSON bodies; errors are `ApiError`). */
export const API_ROUTES = {
  register: '/api/auth/register',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
  /** A11: `{ currentPassword, newPassword }`. */
  password: '/api/auth/password',
  /** A12: no body. */
  logoutEverywhere: '/api/auth/logout-everywhere',
  /** A13: `{ password }`. */
  deleteAccount: '/api/auth/delete-account',
  /** B1: multipart, one file (field `file`); answers `FileUploaded`. */
  roomFiles: '/api/rooms/:roomId/files',
  /** B5, B6: a file's bytes, for members of its room; the name is there for the browser. */
  file: '/api/files/:fileId/:name',
  /** Liveness: the process answers. */
  health: '/healthz',
  /** S8 readiness: 200 while the server can store writes, 503 (`storage_full`) while it cannot. */
  ready: '/readyz',
} as const;

/**
 * Session cookie names. Over HTTPS the `__Host-` prefix binds the cookie to the exact
 * origin (Secure, Path=/, no Domain); browsers refuse that prefix over plain HTTP.
 */
export const SESSION_COOKIE = { secure: '__Host-parley_sid', plain: 'parley_sid' } as const;

/** B1: where a file for this room is uploaded. */
export const roomFilesPath = (roomId: string): string => `/api/rooms/${encodeURIComponent(roomId)}/files`;

/** B5: where a file is downloaded from; the last segment names the saved file. */
export const filePath = (fileId: string, name: string): string =>
  `/api/files/${encodeURIComponent(fileId)}/${encodeURIComponent(name)}`;
