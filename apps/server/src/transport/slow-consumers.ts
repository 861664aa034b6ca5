/*
 * S8: a connection whose peer stops reading is cut, not buffered for. Everything sent to
 * it piles up in this process (outside the JS heap for the most part: encoded frames and
 * socket buffers), without bound and for as long as the peer keeps the connection alive,
 * which answering Engine.IO's pings is enough for. Cutting it is safe: the client
 * reconnects and resumes from its cursors, gaplessly (S2).
 *
 * What counts is what waits for the peer: the packets Engine.IO holds while its transport
 * is busy (`writeBuffer`) plus, on WebSocket, what `ws` and the TCP socket hold
 * (`bufferedAmount`: the socket's writable length and the frames `ws` queued). A periodic
 * sweep reads them, so sending costs nothing more; a connection that keeps up has an
 * empty `writeBuffer` and is passed over at once.
 */

/** A packet Engine.IO holds for sending; broadcasts carry their frame already encoded. */
type QueuedPacket = { data?: unknown; options?: { wsPreEncodedFrame?: readonly Uint8Array[] } };

/**
 * What this reads of an Engine.IO connection. engine.io 6 keeps `writeBuffer` and the
 * transport's `ws` socket out of its typings, so they are named here, structurally.
 */
export type EngineConnection = {
  readonly writeBuffer: readonly QueuedPacket[];
  readonly transport: {
    readonly name: string;
    readonly socket?: { readonly bufferedAmount: number; terminate(): void };
  };
  close(discard?: boolean): void;
  once(event: 'close', listener: () => void): unknown;
};

export type SlowConsumerOptions = {
  /** Bytes a connection may have queued; above this it is over the bound. */
  maxBytes: number;
  /** How long a connection may stay over the bound before it is cut. */
  overForMs: number;
  log: { warn(details: object, message: string): void };
};

export type SlowConsumerWatch = {
  /** Starts watching a connection (Engine.IO's `connection` event). */
  add(conn: EngineConnection): void;
  /** One pass over every connection; the timer calls it. */
  sweep(now?: number): void;
  stop(): void;
};

function packetBytes(packet: QueuedPacket): number {
  const frame = packet.options?.wsPreEncodedFrame;
  if (frame) {
    let bytes = 0;
    for (const part of frame) bytes += part.byteLength;
    return bytes;
  }
  const { data } = packet;
  // A string's length undercounts non-ASCII text by up to 3×: close enough for a bound.
  if (typeof data === 'string') return data.length + 1;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength + 1;
  return 1;
}

/** What `ws` and the TCP socket hold for a WebSocket connection (0 on long-polling). */
function socketBytes(conn: EngineConnection): number {
  return conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
}

/** Bytes queued for `conn`, counted only until they pass `stopAbove` (the sweep needs no more). */
export function queuedBytes(conn: EngineConnection, stopAbove: number): number {
  let bytes = socketBytes(conn);
  for (const packet of conn.writeBuffer) {
    if (bytes > stopAbove) break;
    bytes += packetBytes(packet);
  }
  return bytes;
}

/** How often the sweep runs: a fifth of the allowed time, between 100 ms and 1 s. */
export function sweepIntervalMs(overForMs: number): number {
  return Math.min(1000, Math.max(100, Math.floor(overForMs / 5)));
}

export function watchSlowConsumers(options: SlowConsumerOptions): SlowConsumerWatch {
  /** Each watched connection, with when it went over the bound (null: it is not over). */
  const overSince = new Map<EngineConnection, number | null>();

  function cut(conn: EngineConnection, bytes: number, overForMs: number) {
    options.log.warn(
      { queuedBytes: bytes, overForMs, transport: conn.transport.name },
      'disconnecting a slow consumer',
    );
    overSince.delete(conn);
    // A WebSocket close would queue its frame behind everything else and wait 30 s for an
    // answer; destroying the socket frees its buffers now.
    if (conn.transport.name === 'websocket') conn.transport.socket?.terminate();
    // Discarding ends the Engine.IO connection at once (no waiting for a drain), whatever the transport.
    conn.close(true);
  }

  const watch: SlowConsumerWatch = {
    add(conn) {
      overSince.set(conn, null);
      conn.once('close', () => overSince.delete(conn));
    },
    sweep(now = Date.now()) {
      for (const [conn, since] of overSince) {
        if (conn.writeBuffer.length === 0 && socketBytes(conn) <= options.maxBytes) {
          if (since !== null) overSince.set(conn, null);
          continue;
        }
        const bytes = queuedBytes(conn, options.maxBytes);
        if (bytes <= options.maxBytes) {
          if (since !== null) overSince.set(conn, null);
        } else if (since === null) overSince.set(conn, now);
        else if (now - since >= options.overForMs) cut(conn, bytes, now - since);
      }
    },
    stop() {
      clearInterval(timer);
      overSince.clear();
    },
  };
  const timer = setInterval(() => watch.sweep(), sweepIntervalMs(options.overForMs));
  timer.unref();
  return watch;
}
