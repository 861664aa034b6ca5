// Thin load clients: a bare `ws` connection speaking Engine.IO v4 / Socket.IO v5 text
// frames, so one generator process can hold thousands of them. Bulk receivers count
// frames by byte prefix (no JSON.parse, no toString); probe receivers parse and time.
import WebSocket from 'ws';

const CH_0 = 0x30; // '0'
const CH_1 = 0x31;
const CH_2 = 0x32;
const CH_3 = 0x33;
const CH_4 = 0x34;

/** Counters shared by a group of clients; the generator snapshots them per step. */
export function newCounters() {
  return { created: 0, typing: 0, presence: 0, otherEvents: 0, frames: 0, connects: 0, connectErrors: 0, closes: 0 };
}

/**
 * @param {object} o
 * @param {string} o.url        ws://127.0.0.1:PORT
 * @param {string} o.nsp        '/chat' or '/'
 * @param {string} o.createdEvent  event name counted as a delivery ('message:created' or 'message')
 * @param {ReturnType<typeof newCounters>} o.counters
 * @param {Record<string,string>} [o.headers]
 * @param {(frame: string) => void} [o.onCreated]  probe callback with the frame text
 * @param {(client: Thin) => void} [o.onConnect]   after every (re)connect to the namespace
 * @param {boolean} [o.reconnect]  reconnect like socket.io-client (1 s doubling to 5 s, ±50 %)
 */
export class Thin {
  constructor(o) {
    this.o = o;
    this.nspPrefix = o.nsp === '/' ? '4' : `4${o.nsp},`; // packet type digit + namespace
    this.eventPrefix = o.nsp === '/' ? '42' : `42${o.nsp},`;
    this.ackPrefixLen = o.nsp === '/' ? 2 : 3 + o.nsp.length; // "43" + "/chat,"
    this.createdPrefix = Buffer.from(`${this.eventPrefix}["${o.createdEvent}"`);
    // S0 relays 'typing'; Parley and S2 send 'typing:started' (and 'typing:stopped', counted apart).
    this.typingPrefix = Buffer.from(
      o.nsp === '/' ? `${this.eventPrefix}["typing"` : `${this.eventPrefix}["typing:started"`,
    );
    this.presencePrefix = Buffer.from(`${this.eventPrefix}["presence`);
    this.ackId = 0;
    this.pending = new Map();
    this.connected = false;
    this.closedByUs = false;
    this.attempts = 0;
    this.ws = null;
    this.connectedAt = 0;
    this.lastError = null;
  }

  /** Resolves once the namespace is connected; rejects on error or after `timeoutMs`. */
  connect(timeoutMs = 20_000) {
    return new Promise((resolve, reject) => {
      this._waiter = { resolve, reject };
      this._timer = setTimeout(() => this._fail(new Error('connect timeout')), timeoutMs);
      this._open();
    });
  }

  _fail(err) {
    this.lastError = err;
    const w = this._waiter;
    this._waiter = null;
    clearTimeout(this._timer);
    if (w) w.reject(err);
  }

  _open() {
    const o = this.o;
    const ws = new WebSocket(`${o.url}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      headers: o.headers,
      handshakeTimeout: 15_000,
    });
    this.ws = ws;
    ws.on('message', (data) => this._onFrame(data));
    ws.on('error', (err) => {
      this.lastError = err;
    });
    ws.on('close', () => {
      const was = this.connected;
      this.connected = false;
      if (was) o.counters.closes++;
      for (const cb of this.pending.values()) cb(null);
      this.pending.clear();
      if (this.closedByUs) return;
      if (!was) o.counters.connectErrors++;
      if (o.reconnect) this._scheduleReconnect();
      else this._fail(this.lastError ?? new Error('closed before connect'));
    });
  }

  _scheduleReconnect() {
    // socket.io-client defaults: reconnectionDelay 1000, reconnectionDelayMax 5000, randomizationFactor 0.5.
    const base = Math.min(1000 * 2 ** this.attempts, 5000);
    const delay = base * (0.5 + Math.random());
    this.attempts++;
    this._reconnectTimer = setTimeout(() => {
      if (!this.closedByUs) this._open();
    }, delay);
  }

  _onFrame(data) {
    const o = this.o;
    o.counters.frames++;
    const t = data[0];
    if (t === CH_4) {
      const p = data[1];
      if (p === CH_2) {
        if (data.compare(this.createdPrefix, 0, this.createdPrefix.length, 0, this.createdPrefix.length) === 0) {
          o.counters.created++;
          if (o.onCreated) o.onCreated(data.toString());
        } else if (data.compare(this.typingPrefix, 0, this.typingPrefix.length, 0, this.typingPrefix.length) === 0) {
          o.counters.typing++;
        } else if (
          data.compare(this.presencePrefix, 0, this.presencePrefix.length, 0, this.presencePrefix.length) === 0
        ) {
          o.counters.presence++;
        } else {
          o.counters.otherEvents++;
        }
        return;
      }
      if (p === CH_3) {
        // 43/chat,<id>[...]
        let i = this.ackPrefixLen;
        let id = 0;
        while (i < data.length && data[i] >= CH_0 && data[i] <= CH_0 + 9) id = id * 10 + (data[i++] - CH_0);
        const cb = this.pending.get(id);
        if (cb) {
          this.pending.delete(id);
          cb(data, i);
        }
        return;
      }
      if (p === CH_0) {
        this.connected = true;
        this.attempts = 0;
        this.connectedAt = performance.now();
        o.counters.connects++;
        const w = this._waiter;
        this._waiter = null;
        clearTimeout(this._timer);
        if (o.onConnect) o.onConnect(this);
        if (w) w.resolve(this);
        return;
      }
      if (p === CH_4) {
        // Namespace refused: 44/chat,{"message":"unauthorized"}
        this.lastError = new Error(`namespace refused: ${data.toString()}`);
        this.ws.close();
        return;
      }
      return;
    }
    if (t === CH_2 && data.length === 1) {
      this.ws.send('3');
      return;
    }
    if (t === CH_0) {
      // Engine.IO open packet: connect the namespace.
      this.ws.send(this.o.nsp === '/' ? '40' : `40${this.o.nsp},`);
      return;
    }
    if (t === CH_1) this.ws.close();
  }

  /** Sends an event; `ack(buffer|null, offset)` gets the raw ack frame (null when the connection closed). */
  emit(event, payload, ack) {
    if (!this.connected) {
      if (ack) ack(null);
      return false;
    }
    if (ack) {
      const id = ++this.ackId;
      this.pending.set(id, ack);
      this.ws.send(`${this.eventPrefix}${id}[${JSON.stringify(event)},${JSON.stringify(payload)}]`);
    } else {
      this.ws.send(`${this.eventPrefix}[${JSON.stringify(event)},${JSON.stringify(payload)}]`);
    }
    return true;
  }

  close() {
    this.closedByUs = true;
    clearTimeout(this._reconnectTimer);
    clearTimeout(this._timer);
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
  }
}

/** True when a raw ack frame at `offset` starts with `[{"ok":true`. */
const OK = Buffer.from('[{"ok":true');
export function ackOk(buf, offset) {
  return buf !== null && buf.compare(OK, 0, OK.length, offset, offset + OK.length) === 0;
}
