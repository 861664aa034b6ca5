/*
 * X1, X2 (SPEC.md): how frames leave the server. Measured in bench/RESULTS.md ("Socket
 * writes"): with Socket.IO's stock path every packet to every connection is its own
 * kernel write (`writev` was a third of the event loop's busy time under scenario C) and
 * passes Engine.IO's per-connection bookkeeping (a packet object, four events, a write
 * callback re-arming the transport), which costs more than the write itself.
 *
 * - Coalescing: every frame for a connection goes into its outbox; once per turn of the
 *   event loop (`setImmediate`, after the I/O callbacks of the turn) each outbox is
 *   written with one socket write. The frames stay separate WebSocket frames, in order,
 *   so clients see exactly what they saw before; a sender's ack and the broadcast of its
 *   message leave in one write, and when a commit releases several messages to one room
 *   each member gets them in one write.
 * - Direct broadcasts: a room broadcast is encoded and framed once by Socket.IO's adapter
 *   (`wsPreEncodedFrame`); header and payload are joined into one Buffer once, and that
 *   same Buffer goes into each member's outbox without passing Engine.IO's per-packet
 *   path. Only when Engine.IO holds nothing for that connection (its `writeBuffer` is
 *   empty, so everything it accepted earlier is already in the outbox ahead of this
 *   frame) and the connection is a WebSocket; otherwise the packet takes the stock path,
 *   behind what is queued.
 *
 * `SOCKET_WRITES` picks the path, for the bench's A/B: `stock`, `coalesced`, `direct`
 * (coalesced + direct broadcasts; the default).
 */
import type { Socket as NetSocket } from 'node:net';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';

type Chunk = Buffer | string;
type WriteCallback = (error?: Error | null) => void;
/** What this uses of `ws`'s frame writer, which its typings leave out. */
type FrameSender = { sendFrame(list: Chunk[], cb?: WriteCallback): void };
type WsInternals = { _sender: FrameSender; _socket: NetSocket };

/**
 * Above this many bytes waiting, a connection's outbox is written at once instead of at
 * the end of the turn: a resume of megabytes should not wait, nor pile up beside others.
 */
const FLUSH_AT_BYTES = 256 * 1024;

/** Connections with frames waiting for the end of this turn. */
let dirty: OutboxWebSocket[] = [];
let flushScheduled = false;

function flushDirty(): void {
  flushScheduled = false;
  const connections = dirty;
  dirty = [];
  for (const ws of connections) ws.flushOutbox();
}

/** Every frame of one connection, kept in order until the end of the turn. */
export class OutboxWebSocket extends WebSocket {
  private outbox: Chunk[] = [];
  private outboxCallbacks: WriteCallback[] = [];
  private outboxBytes = 0;
  private waiting = false;

  /** Called by `ws` once the upgrade is done; from then on every frame goes through the outbox. */
  setSocket(...args: unknown[]): void {
    (WebSocket.prototype as unknown as { setSocket(...a: unknown[]): void }).setSocket.apply(this, args);
    const sender = (this as unknown as WsInternals)._sender;
    sender.sendFrame = (list, cb) => this.queueFrame(list, cb);
  }

  /** Bytes queued for the end of the turn. */
  get queuedBytes(): number {
    return this.outboxBytes;
  }

  /** Queues one frame (`ws`'s header and payload pieces); `cb` runs once it is written. */
  queueFrame(list: readonly Chunk[], cb?: WriteCallback): void {
    for (const chunk of list) {
      this.outbox.push(chunk);
      this.outboxBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    }
    if (cb) this.outboxCallbacks.push(cb);
    this.markDirty();
  }

  /** Queues a frame already joined into one Buffer, shared by every member of a broadcast. */
  queueJoinedFrame(frame: Buffer): void {
    this.outbox.push(frame);
    this.outboxBytes += frame.length;
    this.markDirty();
  }

  private markDirty(): void {
    if (this.outboxBytes >= FLUSH_AT_BYTES) {
      this.flushOutbox();
      return;
    }
    if (this.waiting) return;
    this.waiting = true;
    dirty.push(this);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushDirty);
    }
  }

  /** One socket write for everything queued (a corked write when it is several pieces). */
  flushOutbox(): void {
    this.waiting = false;
    const chunks = this.outbox;
    if (chunks.length === 0) return;
    const callbacks = this.outboxCallbacks;
    this.outbox = [];
    this.outboxCallbacks = [];
    this.outboxBytes = 0;
    const done: WriteCallback | undefined =
      callbacks.length === 0
        ? undefined
        : callbacks.length === 1
          ? callbacks[0]
          : (error) => {
              for (const cb of callbacks) cb(error);
            };
    const socket = (this as unknown as WsInternals)._socket;
    const last = chunks.length - 1;
    if (last === 0) {
      socket.write(chunks[0]!, done);
      return;
    }
    socket.cork();
    for (let i = 0; i < last; i++) socket.write(chunks[i]!);
    socket.write(chunks[last]!, done);
    socket.uncork();
  }
}

/*
 * The slow-consumer watch (S10) reads `bufferedAmount`: what waits in the outbox counts like
 * what `ws` and the socket hold. (`ws`'s typings declare it a field, so it is redefined here.)
 */
const stockBufferedAmount = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'bufferedAmount')?.get;
if (stockBufferedAmount === undefined) throw new Error('ws: WebSocket.prototype.bufferedAmount is no longer a getter');
Object.defineProperty(OutboxWebSocket.prototype, 'bufferedAmount', {
  get(this: OutboxWebSocket): number {
    return (stockBufferedAmount.call(this) as number) + this.queuedBytes;
  },
});

/** Engine.IO's `wsEngine`: `ws`'s server making connections with an outbox. */
export class OutboxWebSocketServer extends WebSocketServer {
  constructor(options: ServerOptions, callback?: () => void) {
    super({ ...options, WebSocket: OutboxWebSocket }, callback);
  }
}

/** The part of an Engine.IO connection the direct path reads and wraps. */
export type DirectWriteConnection = {
  readyState: string;
  writeBuffer: readonly unknown[];
  transport: { name: string; socket?: unknown };
  write(data: unknown, options?: unknown, callback?: unknown): unknown;
};

/**
 * Each broadcast's frame joined once, whatever the number of members it goes to. Kept on
 * the frame's own array (a WeakMap keyed by thousands of short-lived arrays a second made
 * every garbage collection pay for its ephemerons).
 */
const JOINED = Symbol('joined frame');
type SharedFrame = readonly Chunk[] & { [JOINED]?: Buffer };

function joined(frame: SharedFrame): Buffer {
  let buffer = frame[JOINED];
  if (buffer === undefined) {
    buffer = Buffer.concat(frame.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
    (frame as { [JOINED]?: Buffer })[JOINED] = buffer;
  }
  return buffer;
}

/**
 * Lets this connection's broadcasts skip Engine.IO's per-packet path when that keeps the
 * order (see the top of this file). Socket.IO writes every packet through `conn.write`.
 */
export function writeBroadcastsDirectly(conn: DirectWriteConnection): void {
  const stockWrite = conn.write;
  conn.write = function write(data: unknown, options?: unknown, callback?: unknown) {
    const frame = (options as { wsPreEncodedFrame?: SharedFrame } | undefined)?.wsPreEncodedFrame;
    const ws = conn.transport.socket;
    if (
      frame !== undefined &&
      callback === undefined &&
      conn.writeBuffer.length === 0 &&
      conn.readyState === 'open' &&
      ws instanceof OutboxWebSocket &&
      ws.readyState === WebSocket.OPEN
    ) {
      ws.queueJoinedFrame(joined(frame));
      return conn;
    }
    return stockWrite.call(conn, data, options, callback);
  };
}
