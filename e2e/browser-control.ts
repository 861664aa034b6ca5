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
  open(): void;
  /** Attempts that met the closed gate. */
  attempts(): number;
};

/**
 * Gates `page`'s chat transport while plain HTTP (pages, the session check) keeps working:
 * 'hold' keeps each attempt waiting until the gate opens, 'refuse' fails it at once (the
 * page sees the WebSocket close and the polling request fail). Routes persist across
 * reloads of the page.
 */
export async function gateChatTransport(page: Page, whileClosed: 'hold' | 'refuse'): Promise<TransportGate> {
  let isOpen = false;
  let attempts = 0;
  let release!: () => void;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(CHAT_TRANSPORT, async (route) => {
    if (!isOpen) {
      attempts += 1;
      if (whileClosed === 'refuse') return route.abort().catch(() => undefined);
      await opened;
    }
    await route.continue().catch(() => undefined);
  });
  await page.routeWebSocket(CHAT_TRANSPORT, async (ws) => {
    if (!isOpen) {
      attempts += 1;
      if (whileClosed === 'refuse') return ws.close({ code: 1011, reason: 'refused by the test' });
      await opened;
    }
    ws.connectToServer();
  });
  return {
    open() {
      isOpen = true;
      release();
    },
    attempts: () => attempts,
  };
}
