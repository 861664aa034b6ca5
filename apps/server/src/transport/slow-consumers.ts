/*
 * S10: a connection whose peer stops reading is cut, not buffered for. Everything sent to
 * it piles up in this process (outside the JS heap for the most part: encoded frames and
 * socket buffers), without bound and for as long as the peer keeps the connection alive,
 * which answering Engine.IO's pings is enough for. Cutting it is safe: the client
 * reconnects and resumes from its cursors, gaplessly (S2).
 *
 * Slow means not keeping up, not merely having much queued: a resume after a long absence
 * can be one packet of megabytes, which a client on a modest link needs seconds to read.
 * Cut for that, it would reconnect, be sent the same resume and be cut again, for ever. So
 * a connection is cut when its queue has stayed over the bound for the allowed time and is
 * no smaller at the end of that time than at its start; one that shrank is draining a
 * burst, and its time starts again from there. Its queue can then only go down from window
 * to window, so what it holds stays bounded.
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

/**
 * Past this many times the bound, counting stops: such a queue is not draining whatever
 * its exact size, and walking it further would only cost the sweep.
 */
const COUNT_LIMIT_FACTOR = 64;

/** How often the sweep runs: a fifth of the allowed time, between 100 ms and 1 s. */
export function sweepIntervalMs(overForMs: number): number {
  return Math.min(1000, Math.max(100, Math.floor(overForMs / 5)));
}

export function watchSlowConsumers(options: SlowConsumerOptions): SlowConsumerWatch {
  /**
   * Each watched connection; over the bound: since when (or since it last showed it was
   * draining) and how much it had queued then. Null: it is not over.
   */
  const watched = new Map<EngineConnection, { since: number; startBytes: number } | null>();
  const countLimit = COUNT_LIMIT_FACTOR * options.maxBytes;

  function cut(conn: EngineConnection, bytes: number, overForMs: number, startBytes: number) {
    options.log.warn(
      { queuedBytes: bytes, startBytes, overForMs, transport: conn.transport.name },
      'disconnecting a slow consumer',
    );
    watched.delete(conn);
    // A WebSocket close would queue its frame behind everything else and wait 30 s for an
    // answer; destroying the socket frees its buffers now.
    if (conn.transport.name === 'websocket') conn.transport.socket?.terminate();
    // Discarding ends the Engine.IO connection at once (no waiting for a drain), whatever the transport.
    conn.close(true);
  }

  const watch: SlowConsumerWatch = {
    add(conn) {
      watched.set(conn, null);
      conn.once('close', () => watched.delete(conn));
    },
    sweep(now = Date.now()) {
      for (const [conn, over] of watched) {
        if (conn.writeBuffer.length === 0 && socketBytes(conn) <= options.maxBytes) {
          if (over !== null) watched.set(conn, null);
          continue;
        }
        const bytes = queuedBytes(conn, countLimit);
        if (bytes <= options.maxBytes) {
          if (over !== null) watched.set(conn, null);
        } else if (over === null) watched.set(conn, { since: now, startBytes: bytes });
        else if (now - over.since >= options.overForMs) {
          const draining = bytes <= countLimit && bytes < over.startBytes;
          if (draining) watched.set(conn, { since: now, startBytes: bytes });
          else cut(conn, bytes, now - over.since, over.startBytes);
        }
      }
    },
    stop() {
      clearInterval(timer);
      watched.clear();
    },
  };
  const timer = setInterval(() => watch.sweep(), sweepIntervalMs(options.overForMs));
  timer.unref();
  return watch;
}
