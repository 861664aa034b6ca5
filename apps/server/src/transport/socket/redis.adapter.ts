import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

/*
 * Fan-out across nodes: Socket.IO's Redis Streams adapter over one ioredis client. Every
 * broadcast, socketsJoin/socketsLeave and disconnectSockets of a namespace is appended to
 * one Redis stream that every node reads, so each node applies them to its own sockets,
 * in the order they were appended. Why streams and ioredis: apps/server/README.md.
 */

export type RedisFanOut = {
  /** The Socket.IO server's `adapter` option. */
  adapter: ReturnType<typeof createAdapter>;
  /**
   * The connection for plain commands of the state the nodes share (presence, budgets,
   * connection slots): the adapter's blocking reader and subscriber are copies of it, so
   * sharing it adds no connection. Never use it for blocking commands or SUBSCRIBE.
   */
  client: Redis;
  /** The prefix of every key of this cluster's shared state (the stream name, or `parley`). */
  keyPrefix: string;
  /**
   * After the Socket.IO server is closed (which stops the adapter's stream reader), or
   * when it was never made: the adapters' last publishes are sent, then every connection ends.
   */
  close(): Promise<void>;
};

/** How long a start waits for Redis before it fails (ioredis would keep retrying forever). */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long close waits for the last publishes (an adapter's goodbye) before dropping the connection. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * Connects to Redis and answers the adapter, or fails (closing what it opened) when Redis
 * cannot be reached: a node that cannot fan out would split the chat without saying so.
 * Once started, an outage never stops the process: ioredis reconnects by itself with its
 * default backoff, commands wait in its offline queue meanwhile, and every error is logged
 * instead of thrown (an `error` event without a listener would crash the process).
 */
export async function openRedisFanOut(options: {
  url: string;
  /**
   * The stream's key and the prefix of the adapter's pub/sub channels (default
   * `socket.io`): only nodes that share it reach each other. Tests give each pair its own.
   */
  streamName?: string;
  log: FastifyBaseLogger;
}): Promise<RedisFanOut> {
  const { log } = options;
  const client = new Redis(options.url);
  /**
   * The adapter duplicates the client for its stream reader (a blocking XREAD) and its
   * pub/sub subscriber, and ends them only after the reader's next XREAD returns (up to
   * 5 s): they are kept here so that close ends them at once.
   */
  const duplicates: Redis[] = [];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override) => {
    const copy = duplicate(override);
    copy.on('error', () => {}); // the main client reports the outage; the copies share it
    duplicates.push(copy);
    return copy;
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no answer in ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    const ready = () => {
      clearTimeout(timer);
      client.off('error', fail);
      resolve();
    };
    function fail(error: Error) {
      clearTimeout(timer);
      client.off('ready', ready);
      client.off('error', fail);
      client.disconnect();
      // The URL may carry a password: the cause is named, the URL is not.
      reject(new Error(`REDIS_URL: cannot reach Redis (${error.message})`, { cause: error }));
    }
    client.once('ready', ready);
    client.once('error', fail);
  });

  // One warning per outage, not one per reconnect attempt.
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error }, 'Redis unreachable: cross-node delivery waits until it is back');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('Redis reachable again');
  });

  /**
   * Made when the Socket.IO server asks for its first namespace's adapter: the factory starts
   * the stream reader at once, and only closing every namespace's adapter (io.close) stops
   * it, so a start that fails before the server exists must not have made one.
   */
  let factory: ReturnType<typeof createAdapter> | null = null;
  const names =
    options.streamName === undefined ? {} : { streamName: options.streamName, channelPrefix: options.streamName };
  return {
    client,
    keyPrefix: options.streamName ?? 'parley',
    // A function, not an arrow: Socket.IO calls it with `new` (the adapter it returns wins).
    adapter: function (nsp) {
      return (factory ??= createAdapter(client, names))(nsp);
    },
    async close() {
      for (const copy of duplicates) copy.disconnect();
      // QUIT answers after the commands queued before it (the adapters' goodbyes); with
      // Redis down it would wait for a reconnect, so the wait is bounded.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        client.quit().catch(() => {}),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      client.disconnect();
    },
  };
}
