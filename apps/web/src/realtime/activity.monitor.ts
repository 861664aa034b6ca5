import { PRESENCE_IDLE_MS } from '@parley/shared-types';

export type Activity = 'active' | 'away';

/** What the monitor needs from the page and the clock; injected so a test can run it fast. */
export type ActivityDeps = {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Whether this tab is shown now. */
  isVisible(): boolean;
  /** Hears each change of this tab's activity. */
  changed(activity: Activity): void;
  /** Defaults to PRESENCE_IDLE_MS (P4). */
  idleMs?: number;
};

/**
 * P4 for one tab: `away` while hidden or after `idleMs` without input, `active` again on
 * input or when shown. The server makes the person away only once every tab says so.
 * Input only records its time: one timer checks it when the idle delay could be over,
 * so a stream of pointer moves costs no timer churn.
 */
export class ActivityMonitor {
  private activity: Activity;
  private lastInput: number;
  private timer: unknown = null;
  private readonly idleMs: number;

  constructor(private readonly deps: ActivityDeps) {
    this.idleMs = deps.idleMs ?? PRESENCE_IDLE_MS;
    this.lastInput = deps.now();
    this.activity = deps.isVisible() ? 'active' : 'away';
    this.arm(this.idleMs);
  }

  current(): Activity {
    return this.activity;
  }

  /** Pointer, key or touch input in this tab. */
  input(): void {
    this.lastInput = this.deps.now();
    if (this.deps.isVisible()) this.set('active');
    if (this.timer === null) this.arm(this.idleMs);
  }

  /** The tab was shown or hidden. */
  visibilityChanged(): void {
    if (!this.deps.isVisible()) {
      this.set('away');
      return;
    }
    // Showing the tab is a sign of someone at it, like input.
    this.input();
  }

  stop(): void {
    if (this.timer !== null) this.deps.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.timer = this.deps.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.timer = null;
    const idleFor = this.deps.now() - this.lastInput;
    if (idleFor >= this.idleMs) this.set('away');
    // Input came meanwhile: look again when the delay since it is over.
    else this.arm(this.idleMs - idleFor);
  }

  private set(activity: Activity): void {
    if (activity === this.activity) return;
    this.activity = activity;
    this.deps.changed(activity);
  }
}
