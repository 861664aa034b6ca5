import type { BrowserContext, Page } from '@playwright/test';

/*
 * What Playwright cannot do to a real tab, emulated in the page: being in the
 * background (document.visibilityState, document.hasFocus) and showing desktop
 * notifications (a Notification stand-in that counts what would have been shown, with
 * the permission already granted). Installed with addInitScript, so they are in place
 * before the app's own code runs; pages already open need a reload.
 */

type Controlled = Window & {
  __setTabActive?: (active: boolean) => void;
  __notifications?: Array<{ title: string; body: string; tag: string }>;
  __notificationObjects?: Array<{ onclick: (() => void) | null }>;
};

/** Every tab of `context` starts in the background: nobody reads what it shows. */
export async function controlFocus(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    let active = false;
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (active ? 'visible' : 'hidden'),
    });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => !active });
    document.hasFocus = () => active;
    (window as Controlled).__setTabActive = (next: boolean) => {
      active = next;
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event(next ? 'focus' : 'blur'));
    };
  });
}

/** Brings `page` to the front (visible and focused), or sends it to the background. */
export async function setTabActive(page: Page, active: boolean): Promise<void> {
  await page.evaluate((next) => (window as Controlled).__setTabActive?.(next), active);
}

/** Desktop notifications are allowed, and each one is recorded instead of shown. */
export async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const shown: Array<{ title: string; body: string; tag: string }> = [];
    const objects: Array<{ onclick: (() => void) | null }> = [];
    (window as Controlled).__notifications = shown;
    (window as Controlled).__notificationObjects = objects;
    class RecordedNotification {
      static readonly permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body?: string; tag?: string } = {}) {
        shown.push({ title, body: options.body ?? '', tag: options.tag ?? '' });
        objects.push(this);
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: RecordedNotification });
  });
}

/** The notifications `page` has shown so far. */
export async function notificationsShown(page: Page): Promise<Array<{ title: string; body: string; tag: string }>> {
  return page.evaluate(() => (window as Controlled).__notifications ?? []);
}

/** Clicks the last notification `page` showed, as a person clicking it on the desktop would. */
export async function clickLastNotification(page: Page): Promise<void> {
  await page.evaluate(() => (window as Controlled).__notificationObjects?.at(-1)?.onclick?.());
}

/** Every request of the chat transport: the WebSocket tried first and the long-polling fallback (W8). */
const CHAT_TRANSPORT = /\/socket\.io\//;

export type TransportGate = {
  /** Lets every later attempt through to the server (and, when holding, the held ones). */
  open(): Promise<void>;
  /** Stops every later attempt again (a connection already open is not touched). */
  close(): Promise<void>;
  /** Attempts that met the closed gate. */
  attempts(): number;
};

/** Where a refused chat WebSocket goes: a loopback port nothing listens on. */
const NOWHERE = 'ws://127.0.0.1:9/';
/** The page's own record of a closed 'refuse' gate: tab-scoped, so it survives reloads. */
const REFUSE_KEY = 'e2e-chat-gate-closed';

/**
 * Gates `page`'s chat transport while plain HTTP (pages, the session check) keeps working:
 * 'hold' keeps each attempt waiting until the gate opens, 'refuse' fails it at once (the
 * page sees the WebSocket fail and the polling request fail). The gate persists across
 * reloads of the page.
 *
 * A refused WebSocket has to fail as a real one does, an error and then a close: with
 * Playwright's WebSocket route it would only close, and the chat client would wait for its
 * connect timeout (20 s) before trying again. So 'refuse' points the page's chat WebSockets
 * at a port where nothing listens, from a script that runs before the page's own. The chat
 * client takes the WebSocket class when its script loads: either gate a page before it
 * loads, or gate it open (`{ open: true }`), reload, then close.
 */
export async function gateChatTransport(
  page: Page,
  whileClosed: 'hold' | 'refuse',
  options: { open?: boolean } = {},
): Promise<TransportGate> {
  let isOpen = options.open ?? false;
  let attempts = 0;
  let release = () => {};
  let opened = Promise.resolve();
  const shut = () => {
    opened = new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  if (!isOpen) shut();

  await page.route(CHAT_TRANSPORT, async (route) => {
    if (!isOpen) {
      attempts += 1;
      if (whileClosed === 'refuse') return route.abort().catch(() => undefined);
      await opened;
    }
    await route.continue().catch(() => undefined);
  });

  let mark = async (_closed: boolean) => {};
  if (whileClosed === 'hold') {
    await page.routeWebSocket(CHAT_TRANSPORT, async (ws) => {
      if (!isOpen) {
        attempts += 1;
        await opened;
      }
      ws.connectToServer();
    });
  } else {
    await refuseChatWebSockets(page, { whileMarked: true });
    page.on('websocket', (ws) => {
      if (ws.url() === NOWHERE) attempts += 1;
    });
    mark = async (closed) => {
      await page.evaluate(
        ({ key, closed }) => (closed ? sessionStorage.setItem(key, '1') : sessionStorage.removeItem(key)),
        { key: REFUSE_KEY, closed },
      );
    };
    await mark(!isOpen);
  }
  return {
    async open() {
      isOpen = true;
      release();
      await mark(false);
    },
    async close() {
      isOpen = false;
      shut();
      await mark(true);
    },
    attempts: () => attempts,
  };
}

/**
 * Points `page`'s chat WebSockets at a port where nothing listens, so each fails as a
 * real refused one does (an error, then a close) while long-polling still works: a
 * network whose proxy refuses WebSockets. Runs before the page's own scripts, so it
 * holds for pages loaded after this call. `whileMarked`: only while the tab's session
 * storage carries the closed 'refuse' gate's mark (gateChatTransport).
 */
export async function refuseChatWebSockets(page: Page, options: { whileMarked?: boolean } = {}): Promise<void> {
  await page.addInitScript(
    ({ key, nowhere, whileMarked }) => {
      const Native = window.WebSocket;
      class GatedWebSocket extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          const chat = /\/socket\.io\//.test(String(url));
          const refused = chat && (!whileMarked || sessionStorage.getItem(key) === '1');
          super(refused ? nowhere : url, protocols);
        }
      }
      window.WebSocket = GatedWebSocket;
    },
    { key: REFUSE_KEY, nowhere: NOWHERE, whileMarked: options.whileMarked ?? false },
  );
}
