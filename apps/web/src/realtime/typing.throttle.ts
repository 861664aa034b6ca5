import { TYPING_THROTTLE_MS } from '@parley/shared-types';

export type TypingSignal = { command: 'start' | 'stop'; roomId: string };

/**
 * Decides when the composer tells the room "I am typing" (T4): a start at most every
 * TYPING_THROTTLE_MS while the text keeps changing, and one stop when the typing run
 * ends (sent, cleared, room switched, page left). Pure: time comes in, signals go out.
 */
export class TypingThrottle {
  private roomId: string | null = null;
  private lastStartAt = 0;

  constructor(
    private readonly emit: (signal: TypingSignal) => void,
    private readonly throttleMs: number = TYPING_THROTTLE_MS,
  ) {}

  /** The composer's text changed in `roomId` at time `now`. */
  input(roomId: string, text: string, now: number): void {
    if (text === '') {
      this.stop();
      return;
    }
    if (this.roomId !== null && this.roomId !== roomId) this.stop();
    if (this.roomId === roomId && now - this.lastStartAt < this.throttleMs) return;
    this.roomId = roomId;
    this.lastStartAt = now;
    this.emit({ command: 'start', roomId });
  }

  /** Ends the current run, if any, telling the room. */
  stop(): void {
    if (this.roomId === null) return;
    const roomId = this.roomId;
    this.roomId = null;
    this.lastStartAt = 0;
    this.emit({ command: 'stop', roomId });
  }

  /** Forgets the run without a signal: the server already stopped it on disconnect (T2). */
  reset(): void {
    this.roomId = null;
    this.lastStartAt = 0;
  }
}
