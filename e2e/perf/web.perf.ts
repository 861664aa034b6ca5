import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from '@playwright/test';
import { expect, expectSignedIn, PASSWORD, seedRoom, test, ui, uniqueName } from '../fixtures';

/*
 * Web performance of the Messages log, measured in Chromium (`pnpm bench:web`; see
 * playwright.perf.config.ts). Timing targets, reported — never asserted:
 *
 *   (a) opening a room holding 10,000 messages: main-thread scripting time (CDP
 *       Performance.getMetrics ScriptDuration, before the click → the newest message
 *       shown and the page quiet again). Target ≤ 100 ms. Beside it, in the same run:
 *       opening a room of 50 messages, and re-opening the big room (history held).
 *   (b) 50 messages per second arriving in the open room for 10 s, sent by 13 other
 *       signed-in users through their own sockets (≤ 5 msg/s each, the server's budget):
 *       the longest long task (PerformanceObserver 'longtask'). Target: none over 50 ms.
 *       Compared, in the same run and on the same page, with the page idle in the big
 *       room, the same rate into a room holding only 50 messages, and the same rate into
 *       the big room after 10 older pages were loaded (550+ messages held).
 *
 *   (c) a warm reload (`web performance: reload`): signed in, a room of 50 messages open,
 *       the page reloaded with its cache warm: the newest message shown after (page time
 *       from the navigation's start, median of 7). Target ≤ 300 ms on loopback. Beside it,
 *       the bytes on the wire: a first visit with an empty cache (compressed, as
 *       transferred, and as decoded) and the warm reload.
 *
 * Each prints one JSON line and a markdown table, and writes both to bench/results/
 * (web.json, web-reload.json).
 */

const BIG = 10_000;
const SMALL = 50;
const SENDERS = 13;
const RATE_PER_S = 50;
const STREAM_MS = 10_000;
const OPEN_SAMPLES = 5;
const TARGET_OPEN_SCRIPT_MS = 100;
const TARGET_LONGEST_TASK_MS = 50;

const RESULTS_FILE = fileURLToPath(new URL('../../bench/results/web.json', import.meta.url));
const RELOAD_RESULTS_FILE = fileURLToPath(new URL('../../bench/results/web-reload.json', import.meta.url));
const RELOAD_SAMPLES = 7;
const TARGET_RELOAD_MS = 300;

// socket.io-client is a dependency of the web app; the repository root does not list it.
type ClientSocket = {
  connected: boolean;
  once(event: string, listener: (...args: unknown[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  disconnect(): void;
};
const requireFromWeb = createRequire(new URL('../../apps/web/package.json', import.meta.url));
const { io } = requireFromWeb('socket.io-client') as {
  io(url: string, options: Record<string, unknown>): ClientSocket;
};

type Sender = { username: string; socket: ClientSocket };
type LongTask = { start: number; duration: number };
type FrameGap = { at: number; gap: number };
type Probe = { __longTasks?: LongTask[]; __frameGaps?: FrameGap[] };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Registers an account over REST, as the sign-up form does; returns its cookie header. */
async function register(baseURL: string, username: string): Promise<string> {
  const response = await fetch(`${baseURL}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseURL },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

function connect(baseURL: string, cookie: string): Promise<ClientSocket> {
  const socket = io(`${baseURL}/chat`, {
    transports: ['websocket'],
    extraHeaders: { cookie, origin: baseURL },
    reconnection: false,
    auth: {},
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error instanceof Error ? error : new Error(String(error))));
  });
}

/**
 * Sends RATE_PER_S messages per second into `roomId` for `ms`, round-robin over the
 * senders (so each sends RATE_PER_S / SENDERS per second), paced by elapsed time.
 */
async function stream(senders: Sender[], roomId: string, ms: number, label: string) {
  let sent = 0;
  let acked = 0;
  const refused: Record<string, number> = {};
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor((elapsed * RATE_PER_S) / 1000), Math.round((ms * RATE_PER_S) / 1000));
      while (sent < due) {
        const sender = senders[sent % senders.length]!;
        const n = ++sent;
        sender.socket.emit(
          'message:send',
          { roomId, clientMessageId: randomUUID(), text: `${label} ${n} from ${sender.username}` },
          (ack: { ok: boolean; error?: string }) => {
            if (ack.ok) acked += 1;
            else refused[ack.error ?? '?'] = (refused[ack.error ?? '?'] ?? 0) + 1;
          },
        );
      }
      if (elapsed >= ms) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const seconds = (performance.now() - started) / 1000;
  // Every send answered (acks come after the write is durable, S5).
  await expect.poll(() => acked + Object.values(refused).reduce((a, b) => a + b, 0), { timeout: 15_000 }).toBe(sent);
  return { sent, acked, refused, seconds, lastText: `${label} ${sent} from ` };
}

async function scriptSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((m) => m.name === 'ScriptDuration')?.value ?? NaN;
}

/** Two frames and a short pause: the page is done reacting. */
async function settle(page: Page, ms = 300): Promise<void> {
  await page.evaluate(
    (pause) =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, pause))),
      ),
    ms,
  );
}

/** Opens `room` from the nav, waits for its newest message; the scripting it cost, in ms. */
async function timedOpen(page: Page, cdp: CDPSession, room: string, newest: string) {
  await settle(page);
  const before = await scriptSeconds(cdp);
  const clicked = performance.now();
  await ui.roomLink(page, room).click();
  await expect(ui.message(page, newest)).toBeInViewport();
  const shownMs = performance.now() - clicked;
  await settle(page);
  const scriptMs = ((await scriptSeconds(cdp)) - before) * 1000;
  return { scriptMs, shownMs };
}

/** Whether the log followed the stream: its last message is in view once delivered. */
async function newestInView(page: Page, text: string): Promise<boolean> {
  return expect(ui.message(page, text))
    .toBeInViewport({ timeout: 15_000 })
    .then(
      () => true,
      () => false,
    );
}

/** The long tasks since `from` (page time), and the scripting per second over the phase. */
async function phase<T>(page: Page, cdp: CDPSession, run: () => Promise<T>) {
  await settle(page);
  const from = await page.evaluate(() => performance.now());
  const scriptBefore = await scriptSeconds(cdp);
  const started = performance.now();
  const detail = await run();
  await settle(page, 500);
  const seconds = (performance.now() - started) / 1000;
  const scriptMs = ((await scriptSeconds(cdp)) - scriptBefore) * 1000;
  const tasks = await page.evaluate(
    (since) => ((window as unknown as Probe).__longTasks ?? []).filter((t) => t.start >= since),
    from,
  );
  const durations = tasks.map((t) => t.duration);
  const gaps = await page.evaluate(
    (since) => ((window as unknown as Probe).__frameGaps ?? []).filter((g) => g.at >= since).map((g) => g.gap),
    from,
  );
  return {
    longTasks: tasks.length,
    longestTaskMs: round1(Math.max(0, ...durations)),
    longTasksOver50Ms: durations.filter((d) => d > 50).length,
    longestFrameGapMs: round1(Math.max(0, ...gaps)),
    frameGapsOver50Ms: gaps.filter((g) => g > 50).length,
    scriptMsPerS: round1(scriptMs / seconds),
    seconds: round1(seconds),
    articles: await ui.messages(page).count(),
    detail,
  };
}

test('web performance: a room of 10,000 messages', async ({ users }) => {
  const baseURL = test.info().project.use.baseURL!;
  const dataDir = process.env.PERF_DATA_DIR;
  if (!dataDir) throw new Error('PERF_DATA_DIR is not set: run with -c playwright.perf.config.ts');

  const viewer = await users.signUp('viewer');
  const senders: Sender[] = [];
  for (let i = 0; i < SENDERS; i++) {
    const username = uniqueName('sender');
    const cookie = await register(baseURL, username);
    senders.push({ username, socket: await connect(baseURL, cookie) });
  }
  const members = [viewer.name, ...senders.map((s) => s.username)];
  const bigRoom = uniqueName('big');
  const smallRoom = uniqueName('small');
  const big = await seedRoom({ room: bigRoom, users: members, count: BIG, isPrivate: true, dataDir });
  const small = await seedRoom({ room: smallRoom, users: members, count: SMALL, isPrivate: true, dataDir });
  const newest = (count: number) => `[${String(count).padStart(String(count).length, '0')}]`;

  try {
    // Senders learn of the seeded rooms on their next connect; they only send, so the
    // membership the server reads from the database is all they need.
    const page = viewer.page;
    await viewer.context.addInitScript(() => {
      const w = window as unknown as Probe;
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks!.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      // Frames that came late (over two frames apart): jank a long task may not explain.
      w.__frameGaps = [];
      let last = performance.now();
      const frame = (now: number) => {
        if (now - last > 34) w.__frameGaps!.push({ at: now, gap: now - last });
        last = now;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const cdp = await viewer.context.newCDPSession(page);
    await cdp.send('Performance.enable');

    // (a) Opening the rooms, each time from a fresh page showing general.
    const coldBig: { scriptMs: number; shownMs: number }[] = [];
    const coldSmall: { scriptMs: number; shownMs: number }[] = [];
    const warmBig: { scriptMs: number; shownMs: number }[] = [];
    const freshPage = async () => {
      await page.goto('/');
      await expectSignedIn(page);
      await expect(ui.roomHeading(page, 'general')).toBeVisible();
      await expect(ui.messageLog(page)).toBeVisible();
    };
    for (let i = 0; i < OPEN_SAMPLES; i++) {
      await freshPage();
      coldBig.push(await timedOpen(page, cdp, bigRoom, newest(BIG)));
      // The big room again, its history now held: no fetch, only rendering.
      await ui.roomLink(page, 'general').click();
      await expect(ui.roomHeading(page, 'general')).toBeVisible();
      warmBig.push(await timedOpen(page, cdp, bigRoom, newest(BIG)));
      await freshPage();
      coldSmall.push(await timedOpen(page, cdp, smallRoom, newest(SMALL)));
    }
    const articlesOnOpen = await ui.messages(page).count();

    // The observer itself works: a deliberate 80 ms task of the page is seen. (A page
    // task, from a timer: script run by the test through DevTools is not a task the
    // Long Tasks API reports.)
    const probeFrom = await page.evaluate(() => {
      const from = performance.now();
      setTimeout(() => {
        const start = performance.now();
        while (performance.now() - start < 80);
      }, 0);
      return from;
    });
    const observerWorks = await expect
      .poll(() =>
        page.evaluate(
          (since) => ((window as unknown as Probe).__longTasks ?? []).some((t) => t.start >= since),
          probeFrom,
        ),
      )
      .toBe(true)
      .then(
        () => true,
        () => false,
      );

    // (b) Long tasks: idle, then 50 msg/s into the big room, into the small room, and into
    // the big room with 10 older pages loaded.
    await page.goto('/');
    await expectSignedIn(page);
    await ui.roomLink(page, bigRoom).click();
    await expect(ui.message(page, newest(BIG))).toBeInViewport();

    const idleBig = await phase(page, cdp, () => new Promise((r) => setTimeout(r, STREAM_MS)));
    const streamBig = await phase(page, cdp, async () => {
      const result = await stream(senders, big.roomId, STREAM_MS, 'big');
      return { ...result, newestInView: await newestInView(page, result.lastText) };
    });

    await ui.roomLink(page, smallRoom).click();
    await expect(ui.roomHeading(page, smallRoom)).toBeVisible();
    await expect(ui.message(page, newest(SMALL))).toBeInViewport();
    const streamSmall = await phase(page, cdp, async () => {
      const result = await stream(senders, small.roomId, STREAM_MS, 'small');
      return { ...result, newestInView: await newestInView(page, result.lastText) };
    });

    await ui.roomLink(page, bigRoom).click();
    await expect(ui.roomHeading(page, bigRoom)).toBeVisible();
    const loadOlder = page.getByRole('button', { name: /^\s*Load older messages\s*$/i });
    const log = ui.messageLog(page);
    for (let i = 0; i < 10; i++) {
      await log.evaluate((el) => (el.scrollTop = 0));
      await loadOlder.click();
      await expect(loadOlder).toBeEnabled();
    }
    await page.getByRole('button', { name: /^\s*Jump to newest messages\s*$/i }).click();
    const streamDeep = await phase(page, cdp, async () => {
      const result = await stream(senders, big.roomId, STREAM_MS, 'deep');
      return { ...result, newestInView: await newestInView(page, result.lastText) };
    });

    const results = {
      bench: 'web',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, loadavg1m: round1(loadavg()[0] ?? NaN) },
      browser: viewer.context.browser()?.version() ?? 'unknown',
      openRoom: {
        samples: OPEN_SAMPLES,
        bigColdScriptMs: round1(median(coldBig.map((s) => s.scriptMs))),
        bigColdScriptMsAll: coldBig.map((s) => round1(s.scriptMs)),
        bigColdShownMs: round1(median(coldBig.map((s) => s.shownMs))),
        bigWarmScriptMs: round1(median(warmBig.map((s) => s.scriptMs))),
        smallColdScriptMs: round1(median(coldSmall.map((s) => s.scriptMs))),
        smallColdShownMs: round1(median(coldSmall.map((s) => s.shownMs))),
        articlesInDom: articlesOnOpen,
        targetScriptMs: TARGET_OPEN_SCRIPT_MS,
      },
      stream: {
        ratePerS: RATE_PER_S,
        senders: SENDERS,
        seconds: STREAM_MS / 1000,
        idleBig,
        streamBig,
        streamSmall,
        streamBigAfter10OlderPages: streamDeep,
        targetLongestTaskMs: TARGET_LONGEST_TASK_MS,
        longTaskObserverVerified: observerWorks,
      },
    };
    const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
    const row = (name: string, p: Omit<typeof idleBig, 'detail'>) =>
      `| ${name} | ${p.longestTaskMs} | ${p.longTasks} | ${p.longTasksOver50Ms} | ${p.longestFrameGapMs} | ${p.scriptMsPerS} | ${p.articles} |`;
    const o = results.openRoom;
    const markdown = [
      `Web performance (${results.at}, Chromium ${results.browser}, ${results.machine.cpus} CPUs, load ${results.machine.loadavg1m})`,
      '',
      '| opening a room | scripting (median of 5) | newest shown after | target |',
      '| --- | ---: | ---: | --- |',
      `| 10,000 messages, first time | ${o.bigColdScriptMs} ms | ${o.bigColdShownMs} ms | ≤ ${TARGET_OPEN_SCRIPT_MS} ms: ${verdict(o.bigColdScriptMs <= TARGET_OPEN_SCRIPT_MS)} |`,
      `| 10,000 messages, history held | ${o.bigWarmScriptMs} ms | | |`,
      `| 50 messages, first time (baseline) | ${o.smallColdScriptMs} ms | ${o.smallColdShownMs} ms | |`,
      '',
      `| ${RATE_PER_S} msg/s for ${STREAM_MS / 1000} s from ${SENDERS} users | longest long task (ms) | long tasks | over 50 ms | longest frame gap (ms) | scripting (ms/s) | articles in DOM |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('idle, 10k-message room open (baseline)', idleBig),
      row('into the 10k-message room', streamBig),
      row('into a 50-message room (baseline)', streamSmall),
      row('into the 10k room, 10 older pages loaded', streamDeep),
      '',
      `Target: no long task over ${TARGET_LONGEST_TASK_MS} ms while streaming into the 10k room: ${verdict(streamBig.longestTaskMs <= TARGET_LONGEST_TASK_MS)}` +
        ` (long-task observer verified: ${observerWorks ? 'yes' : 'NO'}; the log followed the stream: ${streamBig.detail.newestInView ? 'yes' : 'no'}).`,
    ].join('\n');

    const json = JSON.stringify(results);
    console.log(json);
    console.log(markdown);
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...results, markdown }, null, 2)}\n`);
  } finally {
    for (const sender of senders) sender.socket.disconnect();
  }
});

type Transfer = { requests: number; transferredKb: number; decodedKb: number };

/** What the page's navigation and its resources cost on the wire (Resource Timing). */
async function transfer(page: Page): Promise<Transfer> {
  const sizes = await page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => {
      const r = e as PerformanceResourceTiming;
      return { transferred: r.transferSize, decoded: r.decodedBodySize };
    }),
  );
  const kb = (n: number) => round1(n / 1024);
  return {
    requests: sizes.length,
    transferredKb: kb(sizes.reduce((n, x) => n + x.transferred, 0)),
    decodedKb: kb(sizes.reduce((n, x) => n + x.decoded, 0)),
  };
}

/** Page time (from the navigation's start) when a message holding `text` is first in view. */
async function shownAt(page: Page, text: string): Promise<number> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const log = document.querySelector('[role="log"]');
      if (!log) return false;
      const view = log.getBoundingClientRect();
      for (const article of log.querySelectorAll('article')) {
        if (!article.textContent?.includes(wanted)) continue;
        const rect = article.getBoundingClientRect();
        if (rect.bottom > view.top && rect.top < view.bottom) return performance.now();
      }
      return false;
    },
    text,
    { polling: 'raf', timeout: 20_000 },
  );
  return (await handle.jsonValue()) as number;
}

test('web performance: reload', async ({ browser, users }) => {
  const baseURL = test.info().project.use.baseURL!;
  const dataDir = process.env.PERF_DATA_DIR;
  if (!dataDir) throw new Error('PERF_DATA_DIR is not set: run with -c playwright.perf.config.ts');
  const viewer = await users.signUp('reloader');
  const room = uniqueName('reload');
  await seedRoom({ room, users: [viewer.name], count: SMALL, isPrivate: true, dataDir });
  const newest = `[${String(SMALL).padStart(String(SMALL).length, '0')}]`;

  // A first visit with an empty cache: the sign-in page and everything it loads.
  const fresh = await browser.newContext({ baseURL });
  const first = await fresh.newPage();
  await first.goto('/');
  await expect(ui.usernameBox(first)).toBeVisible();
  await settle(first);
  const cold = await transfer(first);
  await fresh.close();

  // Warm reloads of a signed-in page with the room open.
  const page = viewer.page;
  await page.reload();
  await expectSignedIn(page);
  await ui.roomLink(page, room).click();
  await expect(ui.message(page, newest)).toBeInViewport();
  const samples: number[] = [];
  let warm: Transfer = { requests: 0, transferredKb: 0, decodedKb: 0 };
  for (let i = 0; i < RELOAD_SAMPLES; i++) {
    await settle(page);
    await page.reload({ waitUntil: 'commit' });
    samples.push(await shownAt(page, newest));
    await settle(page);
    warm = await transfer(page);
  }
  const reloadMs = round1(median(samples));
  const results = {
    bench: 'web-reload',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, loadavg1m: round1(loadavg()[0] ?? NaN) },
    browser: viewer.context.browser()?.version() ?? 'unknown',
    warmReload: {
      samples: RELOAD_SAMPLES,
      newestShownMs: reloadMs,
      allMs: samples.map(round1),
      target: TARGET_RELOAD_MS,
    },
    firstVisit: cold,
    warmReloadTransfer: warm,
  };
  const markdown = [
    `Web reload (${results.at}, Chromium ${results.browser}, ${results.machine.cpus} CPUs, load ${results.machine.loadavg1m})`,
    '',
    '| measure | value | target |',
    '| --- | ---: | --- |',
    `| warm reload → newest message shown (median of ${RELOAD_SAMPLES}) | ${reloadMs} ms | ≤ ${TARGET_RELOAD_MS} ms: ${reloadMs <= TARGET_RELOAD_MS ? 'met' : 'missed'} |`,
    `| first visit, transferred (compressed) | ${cold.transferredKb} KB in ${cold.requests} requests | |`,
    `| first visit, decoded | ${cold.decodedKb} KB | |`,
    `| warm reload, transferred | ${warm.transferredKb} KB in ${warm.requests} requests | |`,
  ].join('\n');
  console.log(JSON.stringify(results));
  console.log(markdown);
  mkdirSync(dirname(RELOAD_RESULTS_FILE), { recursive: true });
  writeFileSync(RELOAD_RESULTS_FILE, `${JSON.stringify({ ...results, markdown }, null, 2)}\n`);
});
