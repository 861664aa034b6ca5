/**
 * Limits shared by the server (enforcement) and the web app (early feedback).
 * Lengths are counted in Unicode code points (what a person calls characters), not
 * UTF-16 units, so an emoji counts once. Use {@link charCount} to measure.
 */
export const MESSAGE_TEXT_MAX = 4000;
export const HISTORY_PAGE_MAX = 100;
export const HISTORY_PAGE_DEFAULT = 50;
/** F1: a search query's length (code points), and how many results one page holds (F2). */
export const SEARCH_QUERY_MAX = 256;
export const SEARCH_PAGE_MAX = 50;
export const SEARCH_PAGE_DEFAULT = 20;

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
/** Letters, digits, `_` and `-`; uniqueness ignores case. */
export const USERNAME_PATTERN = '^[A-Za-z0-9_-]{3,32}$';

export const PASSWORD_MIN = 8;
/** Far above the 128 the product promises; bounds the work argon2 does per attempt. */
export const PASSWORD_MAX = 1024;

export const ROOM_NAME_MIN = 1;
export const ROOM_NAME_MAX = 64;
/** The room every account joins on creation, so a new user has somewhere to talk. */
export const DEFAULT_ROOM_NAME = 'general';

export const NOTICE_TEXT_MAX = 500;

/**
 * G1, G3: a group conversation holds 3 to 8 people, its creator included. Fewer is a DM
 * (or nobody to talk to); more is what rooms are for.
 */
export const GROUP_MIN_MEMBERS = 3;
export const GROUP_MAX_MEMBERS = 8;
/** G7: people offered by `people:list` (those I share a conversation with), at most. */
export const PEOPLE_LIST_MAX = 500;

/**
 * The reactions anyone can add (E3), defined once for both sides. Each is one emoji; the
 * server refuses anything else (`invalid_payload`).
 */
export const REACTION_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJI)[number];

/** A reply quotes at most this many characters of its original (E4). */
export const REPLY_EXCERPT_MAX = 140;
/** At most this many distinct people are mentioned (and counted) per message (E6). */
export const MENTIONS_MAX = 50;

/** How much a room notifies me (N2): every message, mentions of me only, or nothing. */
export const NOTIFY_LEVELS = ['all', 'mentions', 'none'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];
/** N2: rooms notify for mentions unless set otherwise; DMs and groups (G6) for every message. */
export const DEFAULT_ROOM_NOTIFY: NotifyLevel = 'mentions';
export const DEFAULT_DM_NOTIFY: NotifyLevel = 'all';

/**
 * A reconnecting client that missed more than this many changes in a room gets a reset
 * for it (and reloads the newest page) instead of the changes: past a screenful or ten,
 * replaying costs more than it shows, and one bound keeps every resume small.
 */
export const RESUME_MAX_CHANGES = 1000;
/** Cursors a client may send in one handshake (one per room or DM it follows). */
export const RESUME_MAX_ROOMS = 2000;

/** The composer sends `typing:start` at most this often while the person keeps typing. */
export const TYPING_THROTTLE_MS = 3000;
/** A receiver forgets a typer it has heard nothing about for this long. */
export const TYPING_TTL_MS = 6000;
/** A user goes offline this long after their last connection closes (reloads don't flicker). */
export const PRESENCE_GRACE_MS = 5000;
/** P4: what others see of a person: at a tab, connected but not at any, or gone. */
export const PRESENCE_STATES = ['active', 'away', 'offline'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];
/** P4: a client says `away` after this long without input in any of its tabs. */
export const PRESENCE_IDLE_MS = 5 * 60_000;

/** B1: the default cap on one uploaded file, in bytes (the server's MAX_UPLOAD_BYTES overrides it). */
export const UPLOAD_MAX_BYTES_DEFAULT = 25 * 1024 * 1024;
/** B4: files one message carries. */
export const ATTACHMENTS_MAX = 10;
/** B1: a file's name is kept to this many code points (the rest is cut). */
export const FILE_NAME_MAX = 200;
/**
 * B6: the image types shown inline (and previewed in the log); anything else, SVG included
 * (it can carry script), is only ever downloaded as an attachment.
 */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** Counts code points, the unit every text limit above uses. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
