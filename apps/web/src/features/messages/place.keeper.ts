/*
 * Keeps the reader's place while an older page is put in front of what they see.
 * react-virtuoso shifts the scroll position by an estimate of the new rows' height and
 * then corrects it as they are measured — but only while it believes the reader scrolls
 * upwards, which after its own shift it sometimes does not: the view then stays a few
 * rows off. So before asking for a page, the topmost visible row and its offset are
 * noted; once the page is in, the row is put back where it was, frame by frame, until
 * the measurements settle. Any scrolling by the reader ends it: theirs wins.
 */

/** A row, by its data-key, and its top's distance from the scroller's top. */
export type Place = { key: string; offset: number; notedAt: number };

/** Rows carry `data-key` (see MessageLog's renderItem). */
const ROW_SELECTOR = '[data-key]';
/** A noted place this old is stale: the page it waited for never came. */
const PLACE_TTL_MS = 15_000;
/** Watched at least this many frames (the list measures over a few), at most the second. */
const MIN_FRAMES = 20;
const MAX_FRAMES = 120;
/** Done once the row has stayed put this many frames in a row. */
const STABLE_FRAMES = 10;

/** The topmost row (partly) visible in `scroller`, with its offset. */
export function topmostRow(scroller: HTMLElement, now: number): Place | null {
  const top = scroller.getBoundingClientRect().top;
  for (const row of scroller.querySelectorAll<HTMLElement>(ROW_SELECTOR)) {
    const rect = row.getBoundingClientRect();
    if (rect.bottom > top + 1 && row.dataset.key) return { key: row.dataset.key, offset: rect.top - top, notedAt: now };
  }
  return null;
}

function offsetOf(scroller: HTMLElement, key: string): number | null {
  for (const row of scroller.querySelectorAll<HTMLElement>(ROW_SELECTOR)) {
    if (row.dataset.key === key) return row.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  }
  return null;
}

/** How far to scroll so the row is back at its offset; 0 when it is (within a pixel) or unknown. */
export function placeCorrection(current: number | null, wanted: number): number {
  if (current === null) return 0;
  const delta = current - wanted;
  return Math.abs(delta) > 1 ? delta : 0;
}

export function isFresh(place: Place | null, now: number): place is Place {
  return place !== null && now - place.notedAt <= PLACE_TTL_MS;
}

export class PlaceKeeper {
  private place: Place | null = null;
  private frame = 0;
  private element: HTMLElement | null = null;

  /** The log's scrolling element (given by the list once it exists). */
  attach(element: HTMLElement | null): void {
    this.element = element;
  }

  private scroller(): HTMLElement | null {
    return this.element;
  }

  /** Before asking for an older page. */
  note(): void {
    const el = this.scroller();
    this.place = el ? topmostRow(el, performance.now()) : null;
  }

  /** The reader scrolled: leave the position to them. */
  cancel(): void {
    this.place = null;
    cancelAnimationFrame(this.frame);
  }

  /** Older rows were put in front: bring the noted row back to its offset as they settle. */
  restore(): void {
    const place = this.place;
    cancelAnimationFrame(this.frame);
    if (!isFresh(place, performance.now())) return;
    let frames = 0;
    let stable = 0;
    const step = () => {
      const el = this.scroller();
      if (!el || this.place !== place) return;
      const current = offsetOf(el, place.key);
      const delta = placeCorrection(current, place.offset);
      if (delta !== 0) el.scrollTop += delta;
      // Not rendered yet, or just moved: not settled.
      stable = current === null || delta !== 0 ? 0 : stable + 1;
      frames += 1;
      if (frames < MAX_FRAMES && (frames < MIN_FRAMES || stable < STABLE_FRAMES)) {
        this.frame = requestAnimationFrame(step);
      } else if (this.place === place) this.place = null;
    };
    this.frame = requestAnimationFrame(step);
  }

  dispose(): void {
    this.cancel();
  }
}
