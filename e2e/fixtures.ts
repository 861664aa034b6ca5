import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test as base, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

/*
 * Helpers that drive Parley the way a person does: only through the accessible names of
 * the UI contract (e2e/README.md). Each user is one browser context (its own cookie jar,
 * so its own session); a user's extra tabs are extra pages of that context.
 */

export { expect };

// ---------------------------------------------------------------------------------------
// Names

/** Escapes `text` for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An accessible name matched whole, case-insensitively. */
export function exactName(text: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`, 'i');
}

/** An accessible name that begins with `text` (rooms and DMs in the Rooms nav). */
export function nameBeginningWith(text: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(text)}`, 'i');
}

let serial = 0;

/**
 * A username or room name no other test of this run (or of an earlier run against the
 * same database) uses: `<prefix>_<6 random base36><3-digit serial>`. Every name has the
 * same length for a given prefix, so no name is a prefix of another — which the
 * "begins with" matching of the Rooms nav relies on. Usernames allow [A-Za-z0-9_-]{3,32}.
 */
export function uniqueName(prefix: string): string {
  serial += 1;
  const random = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  const name = `${prefix}_${random}${serial.toString(36).padStart(3, '0')}`;
  if (name.length > 32) throw new Error(`uniqueName: "${name}" is longer than 32 characters`);
  return name;
}

/** A password every test account uses (A3: 8+ characters). */
export const PASSWORD = 'correct horse battery staple';

// ---------------------------------------------------------------------------------------
// Locators of the UI contract

export const ui = {
  usernameBox: (page: Page) => page.getByRole('textbox', { name: exactName('Username') }),
  passwordBox: (page: Page) => page.getByLabel(exactName('Password')),
  signInButton: (page: Page) => page.getByRole('button', { name: exactName('Sign in') }),
  createAccountButton: (page: Page) => page.getByRole('button', { name: exactName('Create account') }),
  signOutButton: (page: Page) => page.getByRole('button', { name: exactName('Sign out') }),
  alert: (page: Page) => page.getByRole('alert'),

  roomsNav: (page: Page) => page.getByRole('navigation', { name: exactName('Rooms') }),
  /** A room or DM link in the Rooms nav; its name begins with the room name (DM: the other person). */
  roomLink: (page: Page, name: string) => ui.roomsNav(page).getByRole('link', { name: nameBeginningWith(name) }),
  newRoomButton: (page: Page) => page.getByRole('button', { name: exactName('New room') }),
  browseRoomsButton: (page: Page) => page.getByRole('button', { name: exactName('Browse rooms') }),
  dialog: (page: Page) => page.getByRole('dialog'),
  /** A dialog by its name, e.g. the confirmation `Leave room` or `Remove <user>`. */
  namedDialog: (page: Page, name: string) => page.getByRole('dialog', { name: exactName(name) }),
  roomHeading: (page: Page, name: string) => page.getByRole('heading', { level: 2, name: exactName(name) }),
  leaveRoomButton: (page: Page) => page.getByRole('button', { name: exactName('Leave room') }),

  messageLog: (page: Page) => page.getByRole('log', { name: exactName('Messages') }),
  messages: (page: Page) => ui.messageLog(page).getByRole('article'),
  /** The message article(s) whose text contains `text`. */
  message: (page: Page, text: string) => ui.messages(page).filter({ hasText: text }),
  composer: (page: Page) => page.getByRole('textbox', { name: exactName('Message') }),
  sendButton: (page: Page) => page.getByRole('button', { name: exactName('Send') }),
  /** B1: opens the file chooser. */
  attachButton: (page: Page) => page.getByRole('button', { name: exactName('Attach file') }),
  /** B1: a file going up, before it is sent. */
  uploadProgress: (page: Page) => page.getByRole('progressbar'),

  /** The typing line (a role=status element that mentions typing). */
  typingStatus: (page: Page) => page.getByRole('status').filter({ hasText: /typing/i }),
  /** The connection banner: a role=status saying Connecting…, Reconnecting… or Offline. */
  connectionBanner: (page: Page) => page.getByRole('status').filter({ hasText: /connecting…|\boffline\b/i }),

  members: (page: Page) => page.getByRole('region', { name: exactName('Members') }),
  member: (page: Page, username: string) => ui.members(page).getByRole('listitem').filter({ hasText: username }),
  messageUserButton: (page: Page, username: string) =>
    ui.members(page).getByRole('button', { name: exactName(`Message ${username}`) }),
  /** I3: shown to the room's owner on every other member's entry. */
  removeMemberButton: (page: Page, username: string) =>
    ui.members(page).getByRole('button', { name: exactName(`Remove ${username}`) }),

  /** I1: in the open room's header (not for DMs). */
  inviteButton: (page: Page) => page.getByRole('button', { name: exactName('Invite') }),
  /** Server notices and the app's own (an invitation, a removal): the region "Notices". */
  notices: (page: Page) => page.getByRole('region', { name: exactName('Notices') }),
  /** The `Join <room>` button of an invitation notice. */
  invitationJoinButton: (page: Page, room: string) =>
    ui.notices(page).getByRole('button', { name: exactName(`Join ${room}`) }),
};

/** A file for the browser's file chooser. */
export type FileToAttach = { name: string; mimeType: string; buffer: Buffer };

/** B1: Attach file → the browser's file chooser → these files. */
export async function attachFiles(page: Page, files: FileToAttach[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await ui.attachButton(page).click();
  await (await chooser).setFiles(files);
}

/** A real PNG, the same the server's tests use. */
export { pngBytes } from '../apps/server/test/files.fixtures';

/** The typing line's expected text, matched whole (U+2026 ellipsis). */
export function typingText(names: string[]): RegExp {
  if (names.length === 1) return exactName(`${names[0]} is typing…`);
  if (names.length === 2) return exactName(`${names[0]} and ${names[1]} are typing…`);
  return exactName('Several people are typing…');
}

// ---------------------------------------------------------------------------------------
// Users

export type User = {
  /** The username (unique in the run). */
  name: string;
  password: string;
  context: BrowserContext;
  /** The user's first tab. */
  page: Page;
};

function baseURL(): string {
  const url = base.info().project.use.baseURL;
  if (!url) throw new Error('playwright.config.ts sets no baseURL');
  return url;
}

/** Opens a new tab of `context` on the app. */
export async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/');
  return page;
}

/**
 * Fills the sign-in form and presses `Create account` or `Sign in`. Does not wait for
 * the outcome: callers expect either the signed-in app or an alert.
 */
export async function submitCredentials(
  page: Page,
  username: string,
  password: string,
  action: 'Create account' | 'Sign in',
): Promise<void> {
  await ui.usernameBox(page).fill(username);
  await ui.passwordBox(page).fill(password);
  const button = action === 'Sign in' ? ui.signInButton(page) : ui.createAccountButton(page);
  await button.click();
}

/**
 * Signed in, connected and with the room list loaded: the Sign out button shows and the
 * Rooms nav lists `general`, which every new account is a member of (R7).
 */
export async function expectSignedIn(page: Page): Promise<void> {
  await expect(ui.signOutButton(page)).toBeVisible();
  await expect(ui.roomLink(page, 'general')).toBeVisible();
  await expect(ui.usernameBox(page)).toHaveCount(0);
}

/** The sign-in screen, and nothing of the signed-in app. */
export async function expectSignedOut(page: Page): Promise<void> {
  await expect(ui.usernameBox(page)).toBeVisible();
  await expect(ui.passwordBox(page)).toBeVisible();
  await expect(ui.signOutButton(page)).toHaveCount(0);
  await expect(ui.roomsNav(page)).toHaveCount(0);
}

/**
 * Creates an account through the UI in a new browser context and returns the signed-in
 * user. `prefix` becomes the start of a unique username (`alice` → `alice_k3j9x2001`).
 * The caller closes the context (the `users` fixture below does it for you).
 * `options.baseURL` points the user at another server than the suite's (a test that
 * starts and stops its own).
 */
export async function signUp(browser: Browser, prefix: string, options: { baseURL?: string } = {}): Promise<User> {
  const name = uniqueName(prefix);
  const context = await browser.newContext({ baseURL: options.baseURL ?? baseURL() });
  const page = await openTab(context);
  await submitCredentials(page, name, PASSWORD, 'Create account');
  await expectSignedIn(page);
  return { name, password: PASSWORD, context, page };
}

/**
 * The same person on another device: a new browser context (its own cookies, no
 * BroadcastChannel shared with the user's tabs) signed in as `user`. The caller closes it.
 */
export async function signInElsewhere(browser: Browser, user: User): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseURL() });
  const page = await openTab(context);
  await signIn(page, user.name, user.password);
  return { context, page };
}

/** Signs in on the sign-in screen shown by `page` and waits for the app. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await submitCredentials(page, username, password, 'Sign in');
  await expectSignedIn(page);
}

// ---------------------------------------------------------------------------------------
// Rooms and messages

/** New room → Room name (→ Private) → Create; the new room opens. */
export async function createRoom(page: Page, name: string, options: { isPrivate?: boolean } = {}): Promise<void> {
  await ui.newRoomButton(page).click();
  const dialog = ui.dialog(page);
  await expect(dialog).toBeVisible();
  await dialog.getByRole('textbox', { name: exactName('Room name') }).fill(name);
  const isPrivate = dialog.getByRole('checkbox', { name: exactName('Private') });
  if (options.isPrivate) await isPrivate.check();
  else await expect(isPrivate).not.toBeChecked();
  await dialog.getByRole('button', { name: exactName('Create') }).click();
  await expect(ui.roomHeading(page, name)).toBeVisible();
  await expect(ui.roomLink(page, name)).toBeVisible();
}

/** Browse rooms → Join <name>; the room opens. */
export async function joinRoom(page: Page, name: string): Promise<void> {
  await ui.browseRoomsButton(page).click();
  const dialog = ui.dialog(page);
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: exactName(`Join ${name}`) }).click();
  await expect(ui.roomHeading(page, name)).toBeVisible();
  await expect(ui.roomLink(page, name)).toBeVisible();
}

/** Opens a room or DM from the Rooms nav (a DM by the other person's username). */
export async function openRoom(page: Page, name: string): Promise<void> {
  await ui.roomLink(page, name).click();
  await expect(ui.roomHeading(page, name)).toBeVisible();
  await expect(ui.messageLog(page)).toBeVisible();
}

/**
 * Types `text` into the composer and presses Enter, then waits until the sender's own
 * Messages log shows it. Multi-line text is typed with Shift+Enter between lines.
 */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const composer = ui.composer(page);
  const lines = text.split('\n');
  await composer.fill(lines[0] ?? '');
  for (const line of lines.slice(1)) {
    await composer.press('Shift+Enter');
    await composer.pressSequentially(line);
  }
  // A text ending in a mention leaves the suggestions open, where Enter would pick one.
  const suggestions = page.getByRole('listbox', { name: exactName('Mention suggestions') });
  if (await suggestions.isVisible()) await composer.press('Escape');
  await composer.press('Enter');
  await expect(ui.message(page, lines.at(-1) ?? text).first()).toBeVisible();
}

/**
 * One of a message's actions (Reply, React, Edit, Delete), as a person reaches it: the
 * actions show when the pointer is over the message.
 */
export async function messageAction(
  page: Page,
  message: string | Locator,
  action: 'Reply' | 'React' | 'Edit' | 'Delete',
): Promise<void> {
  const article = typeof message === 'string' ? ui.message(page, message).last() : message;
  await article.hover();
  await article.getByRole('button', { name: exactName(action) }).click();
}

/** React → the emoji in the menu. */
export async function react(page: Page, text: string, emoji: string): Promise<void> {
  await messageAction(page, text, 'React');
  await page
    .getByRole('menu')
    .getByRole('menuitem', { name: nameBeginningWith(emoji) })
    .click();
  await expect(page.getByRole('menu')).toHaveCount(0);
}

/** The reaction button under a message: its name begins with the emoji and its count ("👍 2"). */
export function reactionButton(page: Page, text: string, emoji: string, count: number): Locator {
  return ui
    .message(page, text)
    .last()
    .getByRole('button', { name: nameBeginningWith(`${emoji} ${count}`) });
}

/** The texts of the articles in the page's Messages log, in order (innerText, trimmed). */
export async function messagesIn(page: Page): Promise<string[]> {
  const texts = await ui.messages(page).allInnerTexts();
  return texts.map((t) => t.trim());
}

/**
 * The open room's messages reduced to the ones this test sent: for each article, in
 * order, `author: text` for the first of `sent` whose text the article contains, or
 * `?: text` when the article lacks the expected author's name. Articles that hold none
 * of the texts (other tests' messages, notices) are skipped. Message texts must not
 * contain one another.
 */
export async function sentMessagesIn(
  page: Page,
  sent: ReadonlyArray<{ author: string; text: string }>,
): Promise<string[]> {
  const out: string[] = [];
  for (const article of await messagesIn(page)) {
    const hit = sent.find((m) => article.includes(m.text));
    if (hit) out.push(`${article.includes(hit.author) ? hit.author : '?'}: ${hit.text}`);
  }
  return out;
}

/**
 * I1: Invite → Username → Send invitation. Waits for the dialog to close (success) unless
 * `expectError`, in which case it returns the dialog, still open, for the caller to read
 * its alert.
 */
export async function inviteUser(
  page: Page,
  username: string,
  options: { expectError?: boolean } = {},
): Promise<Locator> {
  await ui.inviteButton(page).click();
  const dialog = ui.dialog(page);
  await expect(dialog).toBeVisible();
  await dialog.getByRole('textbox', { name: exactName('Username') }).fill(username);
  await dialog.getByRole('button', { name: exactName('Send invitation') }).click();
  if (options.expectError) await expect(dialog.getByRole('alert')).toBeVisible();
  else await expect(dialog).toHaveCount(0);
  return dialog;
}

/**
 * Leave room → the confirmation dialog `Leave room` → its `Leave room` button; waits for
 * the dialog to close. The caller checks what leaving did.
 */
export async function leaveRoom(page: Page): Promise<void> {
  await ui.leaveRoomButton(page).click();
  const dialog = ui.namedDialog(page, 'Leave room');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: exactName('Leave room') }).click();
  await expect(dialog).toHaveCount(0);
}

/** I3: the owner's Remove <user> → the confirmation dialog `Remove <user>` → its `Remove <user>` button. */
export async function removeMember(page: Page, username: string): Promise<void> {
  await ui.removeMemberButton(page, username).click();
  const dialog = ui.namedDialog(page, `Remove ${username}`);
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: exactName(`Remove ${username}`) }).click();
  await expect(dialog).toHaveCount(0);
}

/**
 * Browse rooms, then reads what it offers once the list has loaded: `waitFor` is a
 * room the list must show (so its absence of others means something). Returns the
 * dialog, open.
 */
export async function openBrowseRooms(page: Page, waitFor: string): Promise<Locator> {
  await ui.browseRoomsButton(page).click();
  const dialog = ui.dialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: exactName(`Join ${waitFor}`) })).toBeVisible();
  return dialog;
}

// ---------------------------------------------------------------------------------------
// Seeding (long histories)

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export type SeededRoom = { roomId: string; roomName: string; messages: number; lastSeq: number };

/**
 * Writes a room with `count` messages straight into the e2e server's database, through
 * the server's storage layer (apps/server/bench/seed-room.bench.ts), while the server
 * runs. The users must exist; the first owns the room, all are members and authors.
 * Their open pages learn of the room only on their next connect: reload them.
 */
export async function seedRoom(options: {
  room: string;
  users: readonly string[];
  count: number;
  isPrivate?: boolean;
  /** E4: the last message answers the first. */
  replyFirst?: boolean;
  /** U4: for these users everything seeded is unread (the others have read it). */
  unreadFor?: readonly string[];
  dataDir?: string;
}): Promise<SeededRoom> {
  // Through nginx, the nodes share PostgreSQL (playwright.cluster.config.ts); alone, SQLite.
  const databaseUrl = process.env.E2E_DATABASE_URL;
  const dataDir = options.dataDir ?? process.env.E2E_DATA_DIR;
  if (!databaseUrl && !dataDir) throw new Error('seedRoom: E2E_DATA_DIR is not set (playwright.config.ts sets it)');
  const args = [
    'apps/server/bench/run.mjs',
    'seed-room',
    ...(databaseUrl ? ['--database-url', databaseUrl] : ['--data-dir', dataDir!]),
    '--room',
    options.room,
    '--users',
    options.users.join(','),
    '--count',
    String(options.count),
    ...(options.isPrivate ? ['--private'] : []),
    ...(options.replyFirst ? ['--reply-first'] : []),
    ...(options.unreadFor?.length ? ['--unread-for', options.unreadFor.join(',')] : []),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT, timeout: 120_000 });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as SeededRoom;
}

/** "Sending…": a message of mine the server has not confirmed yet (the outbox, S5). */
export const SENDING = 'Sending…';

/** Asserts the member `username` is shown `online`, `away` or `offline` in the Members region. */
export async function expectPresence(
  page: Page,
  username: string,
  state: 'online' | 'away' | 'offline',
): Promise<void> {
  const item = ui.member(page, username);
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(new RegExp(`\\b${state}\\b`, 'i'));
}

// ---------------------------------------------------------------------------------------
// The `users` fixture: sign up users in separate contexts, close them after the test, and
// keep evidence: a screenshot of every open tab, named after its user, when the test
// fails, and the pages' uncaught errors (page-errors.txt) whenever there were any.

export type Users = {
  /** Signs up a new user (a new browser context) whose name begins with `prefix`. */
  signUp(prefix: string): Promise<User>;
  /** Several, one after the other, in the given order; a tuple of the same length. */
  signUpAll<const P extends readonly string[]>(...prefixes: P): Promise<{ [K in keyof P]: User }>;
};

export const test = base.extend<{ users: Users }>({
  users: async ({ browser }, use, testInfo) => {
    const created: User[] = [];
    const pageErrors: string[] = [];
    const watch = (user: User) => {
      const onPage = (page: Page) =>
        page.on('pageerror', (error) => pageErrors.push(`[${user.name}] ${error.stack ?? error.message}`));
      user.context.pages().forEach(onPage);
      user.context.on('page', onPage);
    };
    const signUpOne = async (prefix: string) => {
      const user = await signUp(browser, prefix);
      created.push(user);
      watch(user);
      return user;
    };
    await use({
      signUp: signUpOne,
      async signUpAll<const P extends readonly string[]>(...prefixes: P) {
        const users: User[] = [];
        for (const prefix of prefixes) users.push(await signUpOne(prefix));
        return users as { [K in keyof P]: User };
      },
    });

    if (testInfo.status !== testInfo.expectedStatus) {
      for (const user of created) {
        const pages = user.context.pages();
        for (const [i, page] of pages.entries()) {
          if (page.isClosed()) continue;
          // Named after the user (Playwright's own test-failed-N.png do not say whose tab).
          const path = testInfo.outputPath(`${user.name}-tab${i + 1}.png`);
          const taken = await page.screenshot({ path, fullPage: true }).then(
            () => true,
            () => false,
          );
          if (taken) await testInfo.attach(`${user.name}-tab${i + 1}.png`, { path, contentType: 'image/png' });
        }
      }
    }
    if (pageErrors.length > 0) {
      await testInfo.attach('page-errors.txt', { body: pageErrors.join('\n\n'), contentType: 'text/plain' });
    }
    await Promise.all(created.map((user) => user.context.close().catch(() => undefined)));
  },
});
