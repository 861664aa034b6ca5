/*
 * Telling "I left" from "I was removed" (I3). The server says both with the same event,
 * `room:removed { roomId }`, to every tab of the user. A tab that asks to leave notes it
 * here first and tells the other tabs of this browser (they share the session cookie, so
 * the same account); a `room:removed` nobody here asked for is a removal by the owner.
 */

/** How long a leave request explains a later room:removed. */
export const LEAVE_INTENT_TTL_MS = 30_000;

/** Pure bookkeeping of recent leave requests; time is injected. */
export class LeaveIntents {
  private readonly notedAt = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number = LEAVE_INTENT_TTL_MS,
  ) {}

  note(roomId: string): void {
    this.prune();
    this.notedAt.set(roomId, this.now());
  }

  /** True (once) when leaving `roomId` was asked for here lately. */
  consume(roomId: string): boolean {
    const at = this.notedAt.get(roomId);
    this.notedAt.delete(roomId);
    return at !== undefined && this.now() - at <= this.ttlMs;
  }

  private prune(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [roomId, at] of this.notedAt) if (at < cutoff) this.notedAt.delete(roomId);
  }
}

const CHANNEL_NAME = 'parley-leave-intents';
const intents = new LeaveIntents(() => Date.now());
let channel: BroadcastChannel | null | undefined;

function sharedChannel(): BroadcastChannel | null {
  if (channel !== undefined) return channel;
  if (typeof BroadcastChannel !== 'function') return (channel = null);
  channel = new BroadcastChannel(CHANNEL_NAME);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data as { roomId?: unknown } | null;
    if (data && typeof data.roomId === 'string') intents.note(data.roomId);
  };
  return channel;
}

/** Listens for other tabs' leave requests; call once when the chat starts. */
export function listenForLeaveIntents(): void {
  sharedChannel();
}

/** Before asking the server to leave `roomId`: this tab and the others expect room:removed. */
export function announceLeaving(roomId: string): void {
  intents.note(roomId);
  sharedChannel()?.postMessage({ roomId });
}

/** On room:removed: true when this browser asked to leave, false for a removal by the owner. */
export function wasLeaving(roomId: string): boolean {
  return intents.consume(roomId);
}
