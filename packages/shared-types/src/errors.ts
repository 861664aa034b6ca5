/**
 * Every error code a command ack or a REST error body can carry, with the sentence the
 * web app shows for it. Unknown failures on the server map to `internal`: no stack
 * traces or driver messages ever go on the wire.
 */
export const ERROR_MESSAGES = {
  invalid_payload: 'The request is malformed.',
  unauthorized: 'You are not signed in.',
  forbidden: 'You are not allowed to do that.',
  already_member: 'That person is already a member.',
  not_found: 'That does not exist.',
  invalid_credentials: 'Wrong username or password.',
  wrong_password: 'That password is not right.',
  invalid_username: 'Usernames are 3–32 letters, digits, _ or -.',
  invalid_password: 'Passwords are 8 to 1024 characters.',
  username_taken: 'That username is taken.',
  invalid_room_name: 'Room names are 1–64 characters, without control or invisible formatting characters.',
  room_name_taken: 'A room with that name already exists.',
  /** G1: a group of fewer than GROUP_MIN_MEMBERS people, the creator included. */
  group_too_small: 'A group needs at least 3 people, you included.',
  /** G1, G3: more than GROUP_MAX_MEMBERS people. */
  group_full: 'A group holds at most 8 people.',
  empty_message: 'A message cannot be empty.',
  /** F1: nothing to search by (blank, or only punctuation). */
  empty_query: 'Type a word to search for.',
  too_long: 'That text is too long.',
  conflict: 'That conflicts with an earlier request.',
  message_deleted: 'That message was deleted.',
  invalid_reply: 'You can only reply to a message of the same conversation.',
  invalid_seq: 'That is past the newest message of the conversation.',
  /** B2: over the server's upload cap. */
  file_too_large: 'That file is too large to upload.',
  /** B3: a name or declared type the bytes contradict (a page named .png, a declared image that is not one). */
  file_type_mismatch: "That file's contents do not match its name or type.",
  /** B4: not a file of mine, pending, in this room. */
  invalid_attachment: 'That file cannot be attached (it was sent already, expired, or belongs elsewhere).',
  rate_limited: 'Too many requests; try again shortly.',
  unavailable: 'The server is restarting; try again in a moment.',
  /** S8: the server cannot write (its disk is full or its database damaged); reads still work. */
  storage_full: "Parley can't save messages right now; try again in a few minutes.",
  internal: 'Something went wrong on the server.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}
