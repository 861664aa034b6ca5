// The load generator's building blocks: per-server protocol adapters, populations of
// thin clients (plus a few real socket.io-client conformance probes), the open-loop
// sender, histograms and the validity guard.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { io as sioConnect } from 'socket.io-client';
import { Thin, ackOk, newCounters } from './thin.mjs';
import { cpuOf, machineBusy } from '../proc.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- histograms, guard

export function histogram() {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}
/** Records milliseconds (stored as microseconds). */
export function record(h, ms) {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}
const r2 = (x) => Math.round(x * 100) / 100;
export function summary(h) {
  if (h.totalCount === 0) return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null };
  const at = (p) => r2(h.getValueAtPercentile(p) / 1000);
  return { count: h.totalCount, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: r2(h.maxValue / 1000) };
}

export const GUARD = { maxCpuPct: 85, maxEldP99Ms: 50, maxForeignCpuPct: 25 };

/**
 * The generator's own health over a step: CPU of this process and its event-loop delay.
 * Also what the rest of the machine used (all CPU time but this process's and the
 * server's): on a shared machine another job's load skews both sides of the benchmark.
 */
export function startGuard(server) {
  // A pid, or a function returning the CPU seconds of every process of the server under
  // test (S1×2: both nodes, PostgreSQL and Redis).
  const serverCpu = typeof server === 'function' ? server : server ? () => cpuOf(server) : () => 0;
  const cpu0 = process.cpuUsage();
  const busy0 = machineBusy();
  const server0 = serverCpu();
  const t0 = performance.now();
  // The histogram records whole timer intervals: subtract the resolution to get the delay.
  const RES_MS = 10;
  const eld = monitorEventLoopDelay({ resolution: RES_MS });
  eld.enable();
  return () => {
    eld.disable();
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    const cpuPct = r2(((cpu.user + cpu.system) / 1000 / wall) * 100);
    const eldP99Ms = r2(Math.max(0, eld.percentile(99) / 1e6 - RES_MS));
    let foreignCpuPct = null;
    try {
      const server = serverCpu() - server0;
      const foreign = machineBusy() - busy0 - server - (cpu.user + cpu.system) / 1e6;
      foreignCpuPct = r2(Math.max(0, (foreign / (wall / 1000)) * 100));
    } catch {
      // not measurable here (no /proc): the guard reports null
    }
    const generatorOk = cpuPct <= GUARD.maxCpuPct && eldP99Ms <= GUARD.maxEldP99Ms;
    const quiet = foreignCpuPct === null || foreignCpuPct <= GUARD.maxForeignCpuPct;
    return { cpuPct, eldP99Ms, foreignCpuPct, valid: generatorOk && quiet, generatorOk, quiet };
  };
}

// ---------------------------------------------------------------- protocol adapters

/**
 * How each server is spoken to. S1 and S2 speak Parley's protocol (/chat, message:send
 * with ack, message:created); S0 the guide's ('message' on the main namespace).
 * S1 knows its rooms from the database; S0 and S2 are told with a join event.
 */
export function adapter(kind, port) {
  const url = `ws://127.0.0.1:${port}`;
  if (kind === 's0') {
    return {
      kind,
      url,
      nsp: '/',
      createdEvent: 'message',
      hasAck: false,
      headers: () => undefined,
      join: (c, room) => c.emit('join', room),
      leave: (c, room, ack) => {
        c.emit('leave', room);
        ack?.(true);
      },
      rejoin: (c, room, ack) => {
        c.emit('join', room);
        ack?.(true);
      },
      send: (c, room, clientMessageId, text) =>
        c.emit('message', room ? { room, clientMessageId, text } : { clientMessageId, text }),
      typing: (c, room) => c.emit('typing', room),
      textOf: (frame) => JSON.parse(frame.slice(2))[1].text,
      sio: (token, room) => {
        const s = sioConnect(`http://127.0.0.1:${port}`, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        s.on('connect', () => room && s.emit('join', room));
        return { socket: s, event: 'message' };
      },
    };
  }
  const chat = {
    kind,
    url,
    nsp: '/chat',
    createdEvent: 'message:created',
    hasAck: true,
    headers: (token) => ({ cookie: `parley_sid=${token}` }),
    join: kind === 's2' ? (c, room) => c.emit('room:join', { roomId: room }, () => {}) : () => {},
    leave: (c, room, ack) => c.emit('room:leave', { roomId: room }, (buf, off) => ack?.(ackOk(buf, off), buf, off)),
    rejoin: (c, room, ack) => c.emit('room:join', { roomId: room }, (buf, off) => ack?.(ackOk(buf, off), buf, off)),
    send: (c, room, clientMessageId, text, ack) => c.emit('message:send', { roomId: room, clientMessageId, text }, ack),
    typing: (c, room) => c.emit('typing:start', { roomId: room }),
    textOf: (frame) => JSON.parse(frame.slice(8))[1].text,
    sio: (token, room) => {
      const s = sioConnect(`http://127.0.0.1:${port}/chat`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { cookie: `parley_sid=${token}` },
      });
      if (kind === 's2') s.on('connect', () => s.emit('room:join', { roomId: room }, () => {}));
      return { socket: s, event: 'message:created' };
    },
  };
  return chat;
}

/**
 * S1×2: Parley's protocol, each client connecting straight to one of the nodes (no
 * balancer in between: the bench measures Parley, not nginx). Client i goes to node
 * i mod n, so every room of 20 has members on each node and every message crosses Redis.
 */
export function clusterAdapter(ports) {
  const nodes = ports.map((port) => adapter('s1', port));
  return {
    ...nodes[0],
    kind: 's1x2',
    urlOf: (i) => nodes[i % nodes.length].url,
    sio: (token, room, i = 0) => nodes[i % nodes.length].sio(token, room),
  };
}

// ---------------------------------------------------------------- populations

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool(items, limit, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

/**
 * Connects `count` clients in rooms of `roomSize` (room r holds clients r*size ..).
 * In each room, member 0 is a probe (parses and times every message of the room); in
 * the first `conformanceRooms` rooms member 1 is a real socket.io-client.
 * @param {object} o
 * @param {ReturnType<typeof adapter>} o.ad
 * @param {string[]} o.roomKeys  one key per room
 * @param {string[]} o.tokens    one session token (S1) or user name (S2) per client
 * @param {(text: string, now: number) => void} o.onProbe
 */
export async function connectPopulation(o) {
  const { ad, count, roomSize } = o;
  const counters = newCounters();
  const rooms = [];
  const members = [];
  const sios = [];
  const errors = [];
  const conformanceRooms = o.conformanceRooms ?? 3;
  const probeText = new Map(); // room index -> texts seen by the thin probe (conformance rooms only)
  for (let i = 0; i < count; i++) {
    const r = Math.floor(i / roomSize);
    const key = o.roomKeys[r];
    if (!rooms[r]) rooms[r] = { index: r, key, members: [], size: 0, probe: null, sio: null };
    const room = rooms[r];
    room.size++;
    const role =
      i % roomSize === 0 ? 'probe' : i % roomSize === 1 && r < conformanceRooms && o.sio !== false ? 'sio' : 'bulk';
    members.push({ index: i, room, role, token: o.tokens[i], client: null });
  }
  const t0 = performance.now();
  await pool(members, o.concurrency ?? 500, async (m) => {
    if (m.role === 'sio') {
      const { socket, event } = ad.sio(m.token, m.room.key, m.index);
      const seen = [];
      socket.on(event, (msg) => {
        counters.created++;
        seen.push(msg.text);
      });
      await new Promise((resolve) => {
        socket.once('connect', resolve);
        socket.once('connect_error', (err) => {
          errors.push(`sio: ${err.message}`);
          resolve();
        });
      });
      m.sio = { socket, seen };
      m.room.sio = m;
      sios.push(m);
      return;
    }
    const isProbe = m.role === 'probe';
    const track = isProbe && m.room.index < conformanceRooms;
    if (track) probeText.set(m.room.index, []);
    const client = new Thin({
      url: ad.urlOf ? ad.urlOf(m.index) : ad.url,
      nsp: ad.nsp,
      createdEvent: ad.createdEvent,
      counters,
      headers: ad.headers(m.token),
      reconnect: o.reconnect ?? false,
      onConnect: (c) => ad.join(c, m.room.key),
      onCreated: isProbe
        ? (frame) => {
            const now = performance.now();
            const text = ad.textOf(frame);
            if (track) probeText.get(m.room.index).push(text);
            o.onProbe?.(text, now, frame);
          }
        : undefined,
    });
    m.client = client;
    if (isProbe) m.room.probe = m;
    m.room.members.push(m);
    try {
      await client.connect(o.connectTimeoutMs ?? 30_000);
    } catch (err) {
      errors.push(err.message);
    }
  });
  const connectMs = performance.now() - t0;
  return {
    counters,
    rooms,
    members,
    errors,
    connectMs,
    connected: () => members.filter((m) => (m.client ? m.client.connected : m.sio?.socket.connected)).length,
    /** Texts seen by each conformance socket.io-client must equal those of the thin probe of its room. */
    conformance() {
      const out = [];
      for (const m of sios) {
        const thin = probeText.get(m.room.index) ?? [];
        const a = [...m.sio.seen].sort();
        const b = [...thin].sort();
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        out.push({ room: m.room.index, sio: a.length, thin: b.length, same });
      }
      return { probes: out.length, ok: out.length > 0 && out.every((x) => x.same), rooms: out };
    },
    close() {
      for (const m of members) {
        m.client?.close();
        m.sio?.socket.close();
      }
    },
  };
}

// ---------------------------------------------------------------- open-loop sending

const PAD = 'the quick brown fox jumps over the lazy dog, again and again';
let cmidSeq = 0;

/**
 * Probes recognise a message by its text: "L|<intended ms>|<step tag>|padding". The
 * latency is taken from the intended send time of the open-loop schedule, so a sender
 * that falls behind shows up as latency (no coordinated omission).
 */
export function makeText(intended, tag) {
  return `L|${intended.toFixed(3)}|${tag}|${PAD}`;
}
export function parseText(text) {
  const a = text.indexOf('|', 2);
  const b = text.indexOf('|', a + 1);
  return { intended: Number(text.slice(2, a)), tag: text.slice(a + 1, b) };
}

/**
 * Sends `rate` messages per second for `durationMs` on an open-loop schedule, each from
 * the next sender (round robin), so each sender sends rate/senders.length per second.
 * @returns counts and the ack histogram
 */
export async function openLoop({ ad, senders, rate, durationMs, tag, extraTick, onSent }) {
  const interval = 1000 / rate;
  const total = Math.round((rate * durationMs) / 1000);
  const ackHist = histogram();
  const st = { sent: 0, acked: 0, ackOk: 0, ackErr: 0, ackLost: 0, errSample: null, notConnected: 0 };
  const t0 = performance.now() + 5;
  let k = 0;
  let rr = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (k < total && t0 + k * interval <= now) {
        const intended = t0 + k * interval;
        k++;
        const s = senders[rr++ % senders.length];
        const text = makeText(intended, tag);
        const cmid = `bench-${String(++cmidSeq).padStart(9, '0')}`;
        const ok = ad.send(
          s.client,
          s.room.key,
          cmid,
          text,
          ad.hasAck
            ? (buf, off) => {
                st.acked++;
                if (buf === null) st.ackLost++;
                else if (ackOk(buf, off)) {
                  st.ackOk++;
                  record(ackHist, performance.now() - intended);
                } else {
                  st.ackErr++;
                  st.errSample ??= buf.toString().slice(0, 200);
                }
              }
            : undefined,
        );
        if (ok === false) st.notConnected++;
        else {
          st.sent++;
          onSent?.(s, text);
        }
      }
      extraTick?.(now);
      if (k >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
  });
  return { st, ackHist, total };
}

/** Waits until `get()` stops changing for `quietMs` (or `maxMs` passes). */
export async function settle(get, { quietMs = 400, maxMs = 8000 } = {}) {
  const end = performance.now() + maxMs;
  let last = get();
  let since = performance.now();
  while (performance.now() < end) {
    await sleep(100);
    const v = get();
    if (v !== last) {
      last = v;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) break;
  }
  return last;
}
