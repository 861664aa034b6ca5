import { describe, expect, it } from 'vitest';
import { queuedBytes, sweepIntervalMs, watchSlowConsumers, type EngineConnection } from './slow-consumers.js';

/** An Engine.IO connection as the sweep sees it, with its queues set by the test. */
type FakeConnection = {
  writeBuffer: Array<{ data?: unknown; options?: { wsPreEncodedFrame?: Uint8Array[] } }>;
  transport: EngineConnection['transport'];
  close(discard?: boolean): void;
  once(event: 'close', listener: () => void): unknown;
  socketBytes: number;
  terminated: boolean;
  closedWith: boolean | undefined | null;
  fireClose(): void;
};

function fakeConnection(transport = 'websocket'): FakeConnection {
  let onClose = () => {};
  const conn: FakeConnection = {
    writeBuffer: [],
    socketBytes: 0,
    terminated: false,
    closedWith: null,
    transport: {
      name: transport,
      socket: {
        get bufferedAmount() {
          return conn.socketBytes;
        },
        terminate() {
          conn.terminated = true;
        },
      },
    },
    close(discard) {
      conn.closedWith = discard;
    },
    once(_event, listener) {
      onClose = listener;
      return conn;
    },
    fireClose: () => onClose(),
  };
  return conn;
}

const silent = { warn: () => {} };

describe('S10: the slow-consumer sweep', () => {
  it('counts Engine.IO packets (pre-encoded frames, strings, buffers) and the WebSocket’s own buffer, and stops counting past the bound', () => {
    const conn = fakeConnection();
    conn.socketBytes = 1000;
    conn.writeBuffer.push(
      { data: 'x'.repeat(99) },
      { data: Buffer.alloc(49) },
      { options: { wsPreEncodedFrame: [Buffer.alloc(4), Buffer.alloc(196)] } },
    );
    expect(queuedBytes(conn, Number.MAX_SAFE_INTEGER)).toBe(1000 + 100 + 50 + 200);
    // Past the bound, the rest of a long queue is not walked.
    conn.writeBuffer.push(...Array.from({ length: 100_000 }, () => ({ data: 'y'.repeat(1023) })));
    expect(queuedBytes(conn, 10_000)).toBeLessThan(12_000);
    // Long-polling has no WebSocket buffer of its own to count.
    const polling = fakeConnection('polling');
    polling.socketBytes = 5000;
    expect(queuedBytes(polling, Number.MAX_SAFE_INTEGER)).toBe(0);
  });

  it('cuts a connection only once it has stayed over the bound for the whole allowed time', () => {
    const watch = watchSlowConsumers({ maxBytes: 1000, overForMs: 5000, log: silent });
    try {
      const slow = fakeConnection();
      const fine = fakeConnection();
      watch.add(slow);
      watch.add(fine);
      fine.socketBytes = 1000;
      slow.socketBytes = 1001;
      watch.sweep(0);
      watch.sweep(4999);
      expect(slow.terminated).toBe(false);
      watch.sweep(5000);
      expect(slow.terminated).toBe(true);
      expect(slow.closedWith).toBe(true);
      // At the bound is not over it.
      watch.sweep(60_000);
      expect(fine.terminated).toBe(false);
      expect(fine.closedWith).toBeNull();
    } finally {
      watch.stop();
    }
  });

  it('a connection that drains below the bound starts its allowed time again', () => {
    const watch = watchSlowConsumers({ maxBytes: 1000, overForMs: 5000, log: silent });
    try {
      const conn = fakeConnection();
      watch.add(conn);
      conn.writeBuffer.push({ data: 'z'.repeat(2000) });
      watch.sweep(0);
      conn.writeBuffer.length = 0;
      watch.sweep(3000);
      conn.writeBuffer.push({ data: 'z'.repeat(2000) });
      watch.sweep(4000);
      watch.sweep(8999);
      expect(conn.closedWith).toBeNull();
      watch.sweep(9000);
      expect(conn.closedWith).toBe(true);
    } finally {
      watch.stop();
    }
  });

  it('a big burst that drains (a resume on a modest link) is not cut while its queue shrinks; once it stops shrinking it is', () => {
    const watch = watchSlowConsumers({ maxBytes: 10_000, overForMs: 5000, log: silent });
    try {
      const conn = fakeConnection();
      watch.add(conn);
      conn.socketBytes = 300_000;
      watch.sweep(0);
      for (let t = 1000; t <= 30_000; t += 1000) {
        conn.socketBytes -= 9000;
        watch.sweep(t);
      }
      expect(conn.closedWith).toBeNull();
      // It stops reading with 30,000 bytes still queued: cut one allowed time after it last shrank.
      watch.sweep(34_999);
      expect(conn.closedWith).toBeNull();
      watch.sweep(35_000);
      expect(conn.closedWith).toBe(true);
    } finally {
      watch.stop();
    }
  });

  it('a queue past 64 times the bound is not draining, whatever its count says', () => {
    const watch = watchSlowConsumers({ maxBytes: 1000, overForMs: 5000, log: silent });
    try {
      const conn = fakeConnection();
      watch.add(conn);
      conn.socketBytes = 1_000_000;
      watch.sweep(0);
      conn.socketBytes = 900_000;
      watch.sweep(5000);
      expect(conn.terminated).toBe(true);
    } finally {
      watch.stop();
    }
  });

  it('a queue that grows within the allowed time and falls back only to where it started is not draining', () => {
    const watch = watchSlowConsumers({ maxBytes: 1000, overForMs: 5000, log: silent });
    try {
      const conn = fakeConnection();
      watch.add(conn);
      conn.socketBytes = 5000;
      watch.sweep(0);
      conn.socketBytes = 50_000;
      watch.sweep(2500);
      conn.socketBytes = 5000;
      watch.sweep(5000);
      expect(conn.terminated).toBe(true);
    } finally {
      watch.stop();
    }
  });

  it('forgets a connection once it closed, and sweeps a fifth of the allowed time apart (100 ms to 1 s)', () => {
    const watch = watchSlowConsumers({ maxBytes: 10, overForMs: 100, log: silent });
    try {
      const conn = fakeConnection();
      watch.add(conn);
      conn.fireClose();
      conn.socketBytes = 1_000_000;
      watch.sweep(0);
      watch.sweep(1000);
      expect(conn.terminated).toBe(false);
    } finally {
      watch.stop();
    }
    expect(sweepIntervalMs(5000)).toBe(1000);
    expect(sweepIntervalMs(1000)).toBe(200);
    expect(sweepIntervalMs(100)).toBe(100);
  });
});
