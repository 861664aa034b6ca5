import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_MESSAGES } from '@parley/shared-types';
import { clientAddress, type TrustFn } from '../security/client-address.js';
import { ConnectionSlots, type Release } from '../security/connection-slots.js';
import type { HostPolicy } from '../security/hosts.js';
import { checkOrigin, type OriginPolicy } from '../security/origin.js';
import { HandshakeLimits, memoryLimiters, type LimiterStore } from '../security/rate-limits.js';

/*
 * What every request meets before Fastify or Engine.IO sees it:
 * 1. its Host must be one this server answers to (421 otherwise: DNS rebinding);
 * 2. a WebSocket upgrade must come from an allowed Origin (403; Engine.IO's own refusal
 *    would be a 400, and Socket.IO's `cors` option does not cover upgrades);
 * 3. a new Engine.IO connection (a handshake: polling or WebSocket, whatever namespace it
 *    will ask for, authenticated or not) takes one of its address's connection slots and
 *    fits its address's handshake budget (429 otherwise), so one machine cannot hold
 *    open, or churn, more transports than the caps allow.
 *
 * The handshake budget is counted where the app's budgets are (in Redis with several
 * nodes, so churning through the load balancer does not multiply it). The slots stay per
 * node on purpose: they protect this process's file descriptors and memory, which another
 * node's connections do not use, and sharing them would put a Redis round trip (and a
 * write) in front of every transport, signed in or not. So one address may hold
 * MAX_CONNECTIONS_PER_IP transports on each node (SECURITY.md, docs/deploy.md).
 */

export type GateOptions = {
  hosts: HostPolicy;
  origins: OriginPolicy;
  trust: TrustFn;
  /** Engine.IO connections one address may hold open. */
  maxConnectionsPerIp: number;
  /** Engine.IO handshakes one address may make per minute. */
  engineHandshakesPerIpPerMinute: number;
  /** Engine.IO's path, `/socket.io/`. */
  enginePath: string;
  /** Where the handshake budget is counted; this node's memory by default. */
  limiters?: LimiterStore;
};

export type ServerGate = {
  /** Hands the slot a handshake took to the Engine.IO connection it became. */
  adopt(conn: { request: IncomingMessage; once(event: 'close', listener: () => void): unknown }): void;
  /** Open Engine.IO connections (and admitted handshakes) of an address on this node. */
  connectionsOf(address: string): number;
};

/** Seconds a client refused for holding too many connections is told to wait. */
const CAP_RETRY_AFTER_S = 5;

function isEngineHandshake(req: IncomingMessage, enginePath: string): boolean {
  const url = req.url ?? '';
  if (!url.startsWith(enginePath)) return false;
  const query = url.indexOf('?');
  return query < 0 || !new URLSearchParams(url.slice(query + 1)).has('sid');
}

function refuseHttp(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close', ...headers });
  res.end(JSON.stringify(body));
}

function refuseUpgrade(socket: Duplex, status: string, headers: Record<string, string> = {}): void {
  socket.on('error', () => {});
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
}

const UNKNOWN_HOST = { error: 'forbidden', message: 'This server does not answer to that host name.' };

/**
 * Wraps the server's `request` and `upgrade` listeners (Fastify's and Engine.IO's, so call
 * it after both attached theirs).
 */
export function installServerGate(server: HttpServer, options: GateOptions): ServerGate {
  const slots = new ConnectionSlots(options.maxConnectionsPerIp);
  const rate = new HandshakeLimits(
    options.engineHandshakesPerIpPerMinute,
    options.limiters ?? memoryLimiters,
    'engine-handshake',
  );
  /** Slots taken by handshakes that Engine.IO has not yet turned into connections. */
  const pending = new WeakMap<IncomingMessage, Release>();

  /** Takes the slot and the budget for a new Engine.IO connection; null when admitted. */
  async function admit(req: IncomingMessage, endsWith: { once(event: 'close', fn: () => void): unknown }) {
    const address = clientAddress(req, options.trust);
    const release = slots.take(address);
    if (!release) return { status: 429, retryAfterS: CAP_RETRY_AFTER_S, reason: 'too_many_connections' };
    const budget = await rate.take(address);
    if (!budget.ok) {
      release();
      return { status: 429, retryAfterS: Math.ceil(budget.retryAfterMs / 1000), reason: 'rate_limited' };
    }
    pending.set(req, release);
    // A handshake Engine.IO refuses (or that the client abandons) gives its slot back.
    endsWith.once('close', () => {
      if (pending.get(req) === release) {
        pending.delete(req);
        release();
      }
    });
    return null;
  }

  type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
  type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  const requestListeners = server.listeners('request') as RequestListener[];
  const upgradeListeners = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const forward = () => {
      for (const listener of requestListeners) listener.call(server, req, res);
    };
    if (!options.hosts.isAllowed(req)) return refuseHttp(res, 421, UNKNOWN_HOST);
    if (!isEngineHandshake(req, options.enginePath)) return forward();
    admit(req, res)
      .then((refusal) => {
        if (!refusal) return forward();
        refuseHttp(
          res,
          refusal.status,
          { error: 'rate_limited', message: ERROR_MESSAGES.rate_limited, details: { reason: refusal.reason } },
          { 'retry-after': String(refusal.retryAfterS) },
        );
      })
      .catch(() => refuseHttp(res, 500, { error: 'internal', message: ERROR_MESSAGES.internal }));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const forward = () => {
      for (const listener of upgradeListeners) listener.call(server, req, socket, head);
    };
    if (!options.hosts.isAllowed(req)) return refuseUpgrade(socket, '421 Misdirected Request');
    if (checkOrigin(req, options.origins) === 'refused') return refuseUpgrade(socket, '403 Forbidden');
    if (!isEngineHandshake(req, options.enginePath)) return forward();
    admit(req, socket)
      .then((refusal) => {
        if (!refusal) return forward();
        refuseUpgrade(socket, '429 Too Many Requests', { 'Retry-After': String(refusal.retryAfterS) });
      })
      .catch(() => refuseUpgrade(socket, '500 Internal Server Error'));
  });

  return {
    adopt(conn) {
      const release = pending.get(conn.request);
      if (!release) return;
      pending.delete(conn.request);
      conn.once('close', release);
    },
    connectionsOf: (address) => slots.count(address),
  };
}

/** Engine.IO's `allowRequest`: the Origin rule for long-polling handshakes, answered with 403 there. */
export function originAllowRequest(policy: OriginPolicy) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const refused = checkOrigin(req, policy) === 'refused';
    callback(refused ? 'origin not allowed' : null, !refused);
  };
}
