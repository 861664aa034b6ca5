import { RawWebSocket } from './security/support.js';

/*
 * A signed-in chat client that stops reading its TCP socket: the kernel's buffers fill and
 * the server's writes to it stop draining. Frozen, it sends nothing either (a hung
 * machine, a suspended laptop). Slow, it keeps the connection alive as a hostile or broken
 * client can: the server's pings sit unread behind everything queued for it, so it sends
 * Engine.IO pongs (`3`) of its own every second, which Engine.IO takes as heartbeats and
 * which keep it from ever timing the connection out.
 */

/** How often a slow peer sends a pong while it reads nothing. */
const PONG_EVERY_MS = 1000;

export class SlowPeer {
  private pongs: NodeJS.Timeout | undefined;

  private constructor(private readonly ws: RawWebSocket) {}

  /** Upgrades to WebSocket with `cookie`, joins /chat (rooms included), and is still reading. */
  static async connect(server: { url: string }, cookie: string): Promise<SlowPeer> {
    const ws = await RawWebSocket.open(server, { cookie });
    const answer = await ws.connectChat();
    if (!answer.startsWith('40/chat,')) throw new Error(`the chat handshake was refused: ${answer}`);
    return new SlowPeer(ws);
  }

  /** Stops reading; with `answerPings`, keeps sending pongs (a slow consumer), else nothing (frozen). */
  stopReading(options: { answerPings: boolean }): void {
    this.ws.socket.pause();
    if (options.answerPings) {
      this.pongs = setInterval(() => this.ws.sendText('3'), PONG_EVERY_MS);
    }
  }

  /**
   * The TCP connection is closed. Not reading, the peer learns of a close only when a
   * write of its own fails, so a frozen one may not notice at all.
   */
  get closed(): boolean {
    return this.ws.closed;
  }

  destroy(): void {
    clearInterval(this.pongs);
    this.ws.destroy();
  }
}
