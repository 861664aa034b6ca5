import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WAIT_MS, Waiters, type TestServer } from '../harness.js';

/*
 * Raw transport tools for the security suites: HTTP requests whose every header the test
 * chooses (Host and Origin included, which fetch does not let a caller set freely), raw
 * WebSocket upgrades, and a minimal hand-written WebSocket client (RFC 6455 framing) for
 * traffic no well-behaved client would send. `ws` does not resolve from apps/server, so
 * this speaks the protocol over node:http / node:net directly.
 */

export const ENGINE_WS_PATH = '/socket.io/?EIO=4&transport=websocket';
export const ENGINE_POLLING_PATH = '/socket.io/?EIO=4&transport=polling';

export function portOf(server: { url: string }): number {
  return Number(new URL(server.url).port);
}

export type RawResponse = { status: number; headers: IncomingHttpHeaders; body: string };

/** One HTTP request to the test server with exactly these headers (Host included). */
export function rawRequest(
  server: { url: string },
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(WAIT_MS, () => req.destroy(new Error(`${options.method ?? 'GET'} ${options.path} timed out`)));
    req.end(options.body);
  });
}

export type UpgradeResult = {
  /** The status line's code: 101 when the upgrade was accepted. */
  status: number;
  headers: IncomingHttpHeaders;
  /** The upgraded connection (101 only); the caller owns it. */
  socket: Socket | null;
  head: Buffer;
};

/** A WebSocket upgrade request; resolves with the status line, whatever it is. */
export function rawUpgrade(
  server: { url: string },
  headers: Record<string, string> = {},
  path = ENGINE_WS_PATH,
): Promise<UpgradeResult> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname,
      port,
      path,
      method: 'GET',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket, head) =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, socket, head }),
    );
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, socket: null, head: Buffer.alloc(0) });
    });
    req.on('error', reject);
    req.setTimeout(WAIT_MS, () => req.destroy(new Error('upgrade timed out')));
    req.end();
  });
}

/** The status of an upgrade; closes the connection if it was accepted. */
export async function upgradeStatus(server: { url: string }, headers: Record<string, string>): Promise<number> {
  const result = await rawUpgrade(server, headers);
  result.socket?.destroy();
  return result.status;
}

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

type Frame = { opcode: number; data: Buffer };

/**
 * A hand-written WebSocket client over an upgraded socket: sends masked frames with any
 * payload (invalid UTF-8 included), parses the server's frames, answers pings.
 */
export class RawWebSocket {
  readonly frames: Frame[] = [];
  /** The TCP connection is closed. */
  closed = false;
  /** The server sent a WebSocket close frame (with `closeCode`). */
  closeReceived = false;
  closeCode: number | null = null;
  private pending = Buffer.alloc(0);
  // A timeout lists the texts that did come, so a failure shows what the server sent instead.
  private readonly waiters = new Waiters(() => `got ${JSON.stringify(this.texts())}`);

  constructor(
    readonly socket: Socket,
    head: Buffer,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.waiters.wake();
    });
    socket.on('error', () => {});
    if (head.length > 0) this.onData(head);
  }

  /** Upgrades to Engine.IO's WebSocket transport and waits for its open packet. */
  static async open(server: { url: string }, headers: Record<string, string>): Promise<RawWebSocket> {
    const result = await rawUpgrade(server, headers);
    if (result.status !== 101 || !result.socket) throw new Error(`upgrade answered ${result.status}`);
    const ws = new RawWebSocket(result.socket, result.head);
    await ws.waitForText((t) => t.startsWith('0{'), 'the Engine.IO open packet');
    return ws;
  }

  /** Text messages received so far. */
  texts(): string[] {
    return this.frames.filter((f) => f.opcode === OPCODE.text).map((f) => f.data.toString('utf8'));
  }

  sendText(text: string): void {
    this.sendFrame(OPCODE.text, Buffer.from(text, 'utf8'));
  }

  sendFrame(opcode: number, payload: Buffer, fin = true): void {
    const mask = randomBytes(4);
    const length = payload.length;
    let header: Buffer;
    if (length < 126) {
      header = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | length]);
    } else if (length < 65536) {
      header = Buffer.alloc(4);
      header[0] = (fin ? 0x80 : 0) | opcode;
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = (fin ? 0x80 : 0) | opcode;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
    if (!this.socket.destroyed) this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /** Joins the chat namespace (Socket.IO CONNECT) and resolves with the server's answer packet. */
  async connectChat(): Promise<string> {
    this.sendText('40/chat,');
    return this.waitForText((t) => t.startsWith('40/chat,') || t.startsWith('44/chat,'), 'the /chat CONNECT answer');
  }

  /** Sends a command with an ack id and resolves with the parsed ack argument. */
  async command(ackId: number, event: string, payload: unknown): Promise<unknown> {
    this.sendText(`42/chat,${ackId}${JSON.stringify([event, payload])}`);
    const prefix = `43/chat,${ackId}[`;
    const text = await this.waitForText((t) => t.startsWith(prefix), `the ack ${ackId} of ${event}`);
    return (JSON.parse(text.slice(prefix.length - 1)) as unknown[])[0];
  }

  waitForText(predicate: (text: string) => boolean, what: string, timeoutMs = WAIT_MS): Promise<string> {
    return this.waiters.until(() => this.texts().find(predicate), what, timeoutMs);
  }

  /** Resolves once the server closed the connection (a close frame or the TCP close). */
  waitForClose(timeoutMs = WAIT_MS): Promise<true> {
    return this.waiters.until(
      () => (this.closed || this.closeReceived ? true : undefined),
      'the connection to close',
      timeoutMs,
    );
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const buf = this.pending;
      if (buf.length < 2) break;
      const opcode = buf[0]! & 0x0f;
      const masked = (buf[1]! & 0x80) !== 0;
      let length = buf[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buf.length < 4) break;
        length = buf.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        length = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      const maskKey = masked ? buf.subarray(offset, offset + 4) : null;
      if (masked) offset += 4;
      if (buf.length < offset + length) break;
      const data = Buffer.from(buf.subarray(offset, offset + length));
      if (maskKey) for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ maskKey[i % 4]!;
      this.pending = buf.subarray(offset + length);
      if (opcode === OPCODE.close) {
        // Answer the closing handshake as a real client does, so the server can finish it.
        this.closeCode = data.length >= 2 ? data.readUInt16BE(0) : 1005;
        if (!this.closeReceived) this.sendFrame(OPCODE.close, data.subarray(0, 2));
        this.closeReceived = true;
      }
      if (opcode === OPCODE.ping) this.sendFrame(OPCODE.pong, data);
      // Engine.IO's own heartbeat: answer its ping so a long test is not timed out.
      if (opcode === OPCODE.text && data.toString('utf8') === '2') this.sendText('3');
      this.frames.push({ opcode, data });
    }
    this.waiters.wake();
  }
}

export type TableCounts = Record<
  | 'users'
  | 'sessions'
  | 'rooms'
  | 'memberships'
  | 'messages'
  | 'invitations'
  | 'room_changes'
  | 'reactions'
  | 'mentions'
  | 'read_markers',
  number
>;

/**
 * Row counts of the server's SQLite file, read through a second, read-only connection:
 * what is committed, whatever the server's own code paths report.
 */
export function tableCounts(server: TestServer): TableCounts {
  const db = new Database(join(server.config.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      users: count('users'),
      sessions: count('sessions'),
      rooms: count('rooms'),
      memberships: count('memberships'),
      messages: count('messages'),
      invitations: count('invitations'),
      room_changes: count('room_changes'),
      reactions: count('reactions'),
      mentions: count('mentions'),
      // Moved markers and set levels are writes too: any of them changes this sum.
      read_markers: (
        db
          .prepare(
            "SELECT coalesce(sum(last_read_seq), 0) + count(notify) + coalesce(sum(notify = 'none'), 0) AS n FROM memberships",
          )
          .get() as {
          n: number;
        }
      ).n,
    };
  } finally {
    db.close();
  }
}

/** Every Set-Cookie of a raw response, as an array. */
export function setCookies(headers: IncomingHttpHeaders): string[] {
  const value = headers['set-cookie'];
  return value === undefined ? [] : value;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The q-quantile (0..1) of a list of numbers, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
