import { DEFAULT_ROOM_NAME, NAMESPACES } from '@parley/shared-types';
import type { Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SocketWrites } from '../src/config.js';
import { roomChannel } from '../src/transport/socket/socket-rooms.js';
import { useHarness, type TestServer } from './harness.js';

/**
 * X1, X2 (SPEC.md): frames for one connection leave in one socket write per event-loop
 * turn, in the order they were sent, whichever path each took (a room broadcast written
 * directly, a packet through Engine.IO, one Engine.IO held back while its transport waited).
 */
describe('socket writes', () => {
  const h = useHarness();

  async function twoInGeneral(socketWrites: SocketWrites) {
    const server = await h.start({ socketWrites });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const alice1 = await h.connect(server, alice, 'alice1');
    const bob1 = await h.connect(server, bob, 'bob1');
    const general = (await alice1.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!;
    return { server, bob, bob1, general };
  }

  /**
   * bob's socket on the server, and a count of the writes to its TCP connection from now
   * on: each `_write` or `_writev` is one write to the kernel (corked writes reach it as one `_writev`).
   */
  async function serverSide(server: TestServer, userId: string) {
    const sockets = await server.app.io.of(NAMESPACES.chat).fetchSockets();
    const socket = sockets.find((s) => s.data.user?.id === userId)!;
    const conn = (socket as unknown as { conn: { transport: { name: string; socket: { _socket: NetSocket } } } }).conn;
    expect(conn.transport.name).toBe('websocket');
    const raw = conn.transport.socket._socket;
    const writes = { count: 0 };
    const stream = raw as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
    for (const method of ['_write', '_writev'] as const) {
      const stock = stream[method].bind(raw);
      stream[method] = (...args: unknown[]) => {
        writes.count++;
        return stock(...args);
      };
    }
    return { socket, writes };
  }

  /**
   * In one turn: room broadcasts and packets to bob's socket alone, interleaved. Engine.IO
   * takes the first packet to the socket and holds the later ones until it is written; the
   * broadcasts after that must queue behind them.
   */
  function interleave(
    server: TestServer,
    bobSocket: { emit(event: string, payload: unknown): unknown },
    roomId: string,
  ) {
    const nsp = server.app.io.of(NAMESPACES.chat);
    const room = nsp.to(roomChannel(roomId));
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      order.push(`b${i}`);
      room.emit('room:notify-changed', { roomId, level: `b${i}` } as never);
      order.push(`s${i}`);
      bobSocket.emit('room:notify-changed', { roomId, level: `s${i}` });
    }
    order.push('b3');
    room.emit('room:notify-changed', { roomId, level: 'b3' } as never);
    return order;
  }

  async function receivedInOrder(bob1: Awaited<ReturnType<typeof twoInGeneral>>['bob1'], count: number) {
    await bob1.waitFor('room:notify-changed', () => bob1.received('room:notify-changed').length >= count);
    return bob1.received('room:notify-changed').map((e) => e.level as string);
  }

  // One write for what went into the outbox before Engine.IO started holding packets back,
  // one for what it held; the stock path writes each of the seven frames alone.
  it.each(['direct', 'coalesced'] as const)(
    'X1, X2: packets sent to a connection in one turn arrive in order, in at most two socket writes (%s)',
    async (socketWrites) => {
      const { server, bob, bob1, general } = await twoInGeneral(socketWrites);
      const { socket, writes } = await serverSide(server, bob.user.id);
      const order = interleave(server, socket, general.id);
      expect(await receivedInOrder(bob1, order.length)).toEqual(order);
      expect(writes.count).toBeLessThanOrEqual(2);
    },
  );

  it('X1: the stock path keeps the order too (the baseline the bench compares against)', async () => {
    const { server, bob, bob1, general } = await twoInGeneral('stock');
    const { socket, writes } = await serverSide(server, bob.user.id);
    const order = interleave(server, socket, general.id);
    expect(await receivedInOrder(bob1, order.length)).toEqual(order);
    expect(writes.count).toBeGreaterThan(2);
  });

  it('X1: a message and its ack reach the sender in one write, the ack after the broadcast', async () => {
    const { server, bob, bob1, general } = await twoInGeneral('direct');
    const { writes } = await serverSide(server, bob.user.id);
    const seen: string[] = [];
    bob1.socket.on('message:created', () => seen.push('created'));
    const ack = await bob1.request('message:send', {
      roomId: general.id,
      clientMessageId: crypto.randomUUID(),
      text: 'hi',
    });
    seen.push('ack');
    expect(ack.ok).toBe(true);
    expect(seen).toEqual(['created', 'ack']);
    expect(writes.count).toBe(1);
  });

  it('X1: a long-polling client gets the same packets in the same order', async () => {
    const server = await h.start({ socketWrites: 'direct' });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    await h.connect(server, alice, 'alice1');
    const bob1 = await h.connect(server, bob, 'bob1', { transports: ['polling'] });
    const general = (await bob1.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!;
    const sockets = await server.app.io.of(NAMESPACES.chat).fetchSockets();
    const socket = sockets.find((s) => s.data.user?.id === bob.user.id)!;
    expect((socket as unknown as { conn: { transport: { name: string } } }).conn.transport.name).toBe('polling');
    const order = interleave(server, socket, general.id);
    expect(await receivedInOrder(bob1, order.length)).toEqual(order);
  });
});
