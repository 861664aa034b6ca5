// S2: the ceiling. A raw `ws` server (bufferutil loaded by ws) speaking just enough
// Engine.IO v4 / Socket.IO v5 over WebSocket for Parley's hot path: open packet, ping/pong,
// the /chat namespace connect, events and acks. Rooms are a Map of Sets; a broadcast is
// framed once (one Buffer) and that same Buffer is sent to every member. No auth, no
// storage, no validation beyond what keeps it from crashing: what the wire costs alone.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT);
const PING_INTERVAL = 25_000;
const NSP = '/chat';
const EV = `42${NSP},`;
const ACK = `43${NSP},`;

/** roomId -> Set<Conn> */
const rooms = new Map();
const seqs = new Map();
let nextSid = 0;

const httpServer = createServer((req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
  clientTracking: false,
});
const conns = new Set();

httpServer.on('upgrade', (req, socket, head) => {
  if (!req.url.startsWith('/socket.io/?') || !req.url.includes('transport=websocket')) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
});

function cookieUser(req) {
  const m = /(?:^|;\s*)parley_sid=([^;]+)/.exec(req.headers.cookie ?? '');
  return m ? m[1] : `anon${nextSid}`;
}

function onConnection(ws, req) {
  const c = { ws, sid: (nextSid++).toString(36), user: cookieUser(req), rooms: new Set(), alive: true, inNsp: false };
  conns.add(c);
  ws.send(
    `0{"sid":"e${c.sid}","upgrades":[],"pingInterval":${PING_INTERVAL},"pingTimeout":20000,"maxPayload":1000000}`,
  );
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    onPacket(c, data.toString());
  });
  ws.on('close', () => {
    conns.delete(c);
    for (const r of c.rooms) leave(c, r);
  });
  ws.on('error', () => {});
}

function join(c, roomId) {
  let set = rooms.get(roomId);
  if (!set) rooms.set(roomId, (set = new Set()));
  set.add(c);
  c.rooms.add(roomId);
}
function leave(c, roomId) {
  const set = rooms.get(roomId);
  if (set) {
    set.delete(c);
    if (set.size === 0) rooms.delete(roomId);
  }
  c.rooms.delete(roomId);
}
function broadcast(roomId, frame, except) {
  const set = rooms.get(roomId);
  if (!set) return;
  const buf = Buffer.from(frame);
  for (const m of set) if (m !== except) m.ws.send(buf, { binary: false });
}
function ack(c, id, json) {
  if (id !== null) c.ws.send(`${ACK}${id}[${json}]`);
}

function onPacket(c, s) {
  if (s === '3') {
    c.alive = true;
    return;
  }
  if (s.startsWith(`40${NSP},`) || s === `40${NSP}`) {
    c.inNsp = true;
    c.ws.send(`40${NSP},{"sid":"s${c.sid}"}`);
    return;
  }
  if (s.startsWith('40')) {
    // The main namespace is not served, as in Parley.
    c.ws.send('44{"message":"not_found"}');
    return;
  }
  if (!c.inNsp || !s.startsWith(EV)) return;
  let i = EV.length;
  let id = null;
  while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) id = (id ?? 0) * 10 + (s.charCodeAt(i++) - 48);
  let arr;
  try {
    arr = JSON.parse(s.slice(i));
  } catch {
    return;
  }
  if (!Array.isArray(arr)) return;
  const [event, p] = arr;
  const roomId = p && typeof p.roomId === 'string' ? p.roomId : null;
  switch (event) {
    case 'message:send': {
      if (!roomId || !c.rooms.has(roomId) || typeof p.text !== 'string')
        return ack(c, id, '{"ok":false,"error":"forbidden"}');
      const seq = (seqs.get(roomId) ?? 0) + 1;
      seqs.set(roomId, seq);
      const json = JSON.stringify({
        id: randomUUID(),
        roomId,
        seq,
        authorId: c.user,
        authorName: c.user,
        clientMessageId: p.clientMessageId,
        text: p.text,
        createdAt: Date.now(),
      });
      broadcast(roomId, `${EV}["message:created",${json}]`, null);
      return ack(c, id, `{"ok":true,"data":${json}}`);
    }
    case 'room:join':
      if (!roomId) return ack(c, id, '{"ok":false,"error":"invalid_payload"}');
      join(c, roomId);
      return ack(c, id, `{"ok":true,"data":{"id":${JSON.stringify(roomId)}}}`);
    case 'room:leave':
      if (!roomId) return ack(c, id, '{"ok":false,"error":"invalid_payload"}');
      leave(c, roomId);
      return ack(c, id, `{"ok":true,"data":{"roomId":${JSON.stringify(roomId)}}}`);
    case 'typing:start':
    case 'typing:stop':
      if (!roomId || !c.rooms.has(roomId)) return ack(c, id, '{"ok":false,"error":"forbidden"}');
      broadcast(
        roomId,
        `${EV}["${event === 'typing:start' ? 'typing:started' : 'typing:stopped'}",{"roomId":${JSON.stringify(roomId)},"userId":${JSON.stringify(c.user)}}]`,
        c,
      );
      return ack(c, id, '{"ok":true,"data":null}');
    default:
      return ack(c, id, '{"ok":false,"error":"not_supported"}');
  }
}

// Engine.IO heartbeat: ping every interval; a connection that did not answer the last one is dropped.
setInterval(() => {
  for (const c of conns) {
    if (!c.alive) {
      c.ws.terminate();
      continue;
    }
    c.alive = false;
    c.ws.send('2');
  }
}, PING_INTERVAL).unref();

httpServer.listen(port, '127.0.0.1', () => process.stdout.write(`s2 listening on ${port}\n`));
process.on('SIGTERM', () => process.exit(0));
