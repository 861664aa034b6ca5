import { TYPING_THROTTLE_MS } from '@parley/shared-types';

export type TypingSignal = { command: 'start' | 'stop'; roomId: string };

const MAX_RETRIES_PER_RUN = 3;

/**
 * Decides when the composer tells the room "I am typing" (T4): a start at most every
 * TYPING_THROTTLE_MS while the text keeps changing, and one stop when the typing run
 * ends (sent, cleared, room switched, page left). Pure: time comes in, signals go out.
 */
export class TypingThrottle {
  private roomId: string | null = null;
  private lastStartAt = 0;
  /** Counts typing runs, so a late retry can tell whether its run is still going. */
  private run = 0;
  private retries = 0;

  constructor(
    /** `run` identifies the typing run a start belongs to (see `retry`). */
    private readonly emit: (signal: TypingSignal, run: number) => void,
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
    if (this.roomId !== roomId) {
      this.run += 1;
      this.retries = 0;
    }
    this.roomId = roomId;
    this.lastStartAt = now;
    this.emit({ command: 'start', roomId }, this.run);
  }

  /**
   * The server refused a start of `run` for now (`rate_limited`, e.g. a new run right
   * after sending, inside the server's typing budget): send it again once allowed, if
   * that run is still going. A few times at most per run; a refused retry just waits for
   * the next start the throttle sends anyway.
   */
  retry(run: number, now: number): void {
    if (this.roomId === null || run !== this.run || this.retries >= MAX_RETRIES_PER_RUN) return;
    this.retries += 1;
    this.lastStartAt = now;
    this.emit({ command: 'start', roomId: this.roomId }, run);
  }

  /** Ends the current run, if any, telling the room. */
  stop(): void {
    if (this.roomId === null) return;
    const roomId = this.roomId;
    this.roomId = null;
    this.lastStartAt = 0;
    this.emit({ command: 'stop', roomId }, this.run);
  }

  /** Forgets the run without a signal: the server already stopped it on disconnect (T2). */
  reset(): void {
    this.roomId = null;
    this.lastStartAt = 0;
  }
}
