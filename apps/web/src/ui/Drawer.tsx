import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { appStore } from '../store/app.store';
import { selectDrawerOpen, selectOpenDrawer } from '../store/ui.selectors';
import type { DrawerName } from '../store/ui.slice';
import { useAppStore } from '../store/use-app-store';
import { DRAWER_IDS, DRAWER_QUERIES, useIsDrawer } from './layout.media';

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), textarea:not(:disabled), [tabindex="0"]';

/** Whether `element` is rendered and not hidden (a closed drawer is `visibility: hidden`). */
function isShown(element: Element): boolean {
  if (typeof element.checkVisibility === 'function') return element.checkVisibility({ visibilityProperty: true });
  return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
}

function focusablesIn(panel: HTMLElement): HTMLElement[] {
  return [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(isShown);
}

/** The drawer's button that is on screen now (the room header's, or the empty state's). */
function toggleOf(name: DrawerName): HTMLElement | null {
  const toggles = document.querySelectorAll<HTMLElement>(`[aria-controls="${DRAWER_IDS[name]}"]`);
  return [...toggles].find(isShown) ?? null;
}

/**
 * Gives the focus back to the button of drawer `name` if nothing visible holds it: a
 * dialog opened from the drawer (which closed the drawer) has closed, and the native
 * dialog could not return the focus to its hidden opener. Something that took the focus
 * meanwhile (the composer, after a room opened) keeps it.
 */
export function returnFocusToDrawerButton(name: DrawerName): void {
  requestAnimationFrame(() => {
    if (!window.matchMedia?.(DRAWER_QUERIES[name]).matches) return;
    const active = document.activeElement;
    // Still on the opener, in the drawer sliding shut, counts as lost too.
    const inClosedDrawer =
      active !== null &&
      appStore.getState().drawer !== name &&
      document.getElementById(DRAWER_IDS[name])?.contains(active) === true;
    if (active && active !== document.body && isShown(active) && !inClosedDrawer) return;
    toggleOf(name)?.focus();
  });
}

/** The drawer that is open and modal now: open in the store, at a width where it is a drawer. */
export function useModalDrawer(): DrawerName | null {
  const open = useAppStore(selectOpenDrawer);
  const rooms = useIsDrawer('rooms');
  const members = useIsDrawer('members');
  if (open === 'rooms' && rooms) return open;
  if (open === 'members' && members) return open;
  return null;
}

const close = () => appStore.getState().drawerClosed();

type DrawerProps = {
  name: DrawerName;
  /** The dialog's accessible name while it is a drawer (`Rooms`, `Members`). */
  label: string;
  /** In place (not a drawer, or a closed one), a complementary landmark of this name. */
  landmark?: string;
  className: string;
  children: ReactNode;
};

/**
 * A side panel that is in place at desktop widths and a modal drawer on narrow screens
 * (src/ui/layout.media.ts). As a drawer, while open: role=dialog with aria-modal, named by
 * `label`; the focus moves in, Tab stays inside, the rest of the screen is inert (the
 * chat screen sets that); Escape, a tap on the backdrop or `Close …` closes it, and the
 * focus goes back to the drawer's button unless a choice made in it took the focus
 * elsewhere. Closed, it is hidden (visibility), so out of the accessibility tree.
 */
export function Drawer({ name, label, landmark, className, children }: DrawerProps) {
  const isDrawer = useIsDrawer(name);
  const held = useAppStore(selectDrawerOpen(name));
  const modal = useModalDrawer();
  const open = isDrawer && held;
  const panel = useRef<HTMLDivElement>(null);
  const wasOpen = useRef(false);

  // Wider than the breakpoint (a rotation, a resize): the panel is in place, nothing to hold open.
  useEffect(() => {
    if (held && !isDrawer) close();
  }, [held, isDrawer]);

  useEffect(() => {
    const element = panel.current;
    if (!element) return;
    if (open) {
      wasOpen.current = true;
      // Into the drawer: the open room's link if it is here, else the first control.
      const current = element.querySelector<HTMLElement>('[aria-current="page"]');
      const first = focusablesIn(element).find((el) => !el.classList.contains('drawer-close'));
      (current && isShown(current) ? current : (first ?? element)).focus();
      const onKey = (event: globalThis.KeyboardEvent) => {
        if (event.key !== 'Escape' || event.defaultPrevented) return;
        event.preventDefault();
        close();
      };
      document.addEventListener('keydown', onKey);
      return () => document.removeEventListener('keydown', onKey);
    }
    if (wasOpen.current) {
      wasOpen.current = false;
      const active = document.activeElement;
      if (!active || active === document.body || element.contains(active)) toggleOf(name)?.focus();
    }
    return undefined;
  }, [open, name]);

  // The focus stays inside while it is open (the rest is inert too, but Tab would reach
  // the browser's own controls and come back at the page's start).
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const element = panel.current;
    if (!open || event.key !== 'Tab' || !element || !element.contains(event.target as Node)) return;
    const items = focusablesIn(element);
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === element)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <>
      <div
        ref={panel}
        id={DRAWER_IDS[name]}
        className={`${className} drawer drawer-${name}${open ? ' open' : ''}`}
        role={open ? 'dialog' : landmark ? 'complementary' : undefined}
        aria-modal={open || undefined}
        aria-label={open ? label : landmark}
        tabIndex={open ? -1 : undefined}
        inert={modal !== null && modal !== name}
        onKeyDown={onKeyDown}
      >
        {isDrawer && (
          <button type="button" className="drawer-close" aria-label={`Close ${label.toLowerCase()}`} onClick={close}>
            <span aria-hidden="true">×</span>
          </button>
        )}
        {children}
      </div>
      {open && <div className="drawer-backdrop" aria-hidden="true" onClick={close} />}
    </>
  );
}

const ICONS: Record<DrawerName, ReactNode> = {
  rooms: <path d="M4 6h16M4 12h16M4 18h16" />,
  members: (
    <>
      <circle cx="9" cy="8" r="3.5" />
      <path d="M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6" />
      <path d="M16 4.8a3.5 3.5 0 0 1 0 6.4M18 14.4c2.1.8 3.5 2.8 3.5 5.6" />
    </>
  ),
};

/**
 * The button that opens drawer `name` (`Rooms`, `Members`): shown only at the widths
 * where that panel is a drawer (CSS), so at desktop widths it is not in the
 * accessibility tree. Icon-only in the room header (the name stays its text, hidden
 * visually), with its label shown where there is room (`showLabel`).
 */
export function DrawerToggle({
  name,
  label,
  showLabel = false,
  news,
}: {
  name: DrawerName;
  label: string;
  showLabel?: boolean;
  /**
   * What waits inside the closed drawer (unread messages elsewhere, invitations): a count
   * on the button and a sentence as its description, so its name stays `label`.
   */
  news?: { count: number; description: string };
}) {
  const open = useAppStore(selectDrawerOpen(name));
  const newsId = useId();
  const hasNews = news !== undefined && news.count > 0;
  return (
    <button
      type="button"
      className={`drawer-toggle drawer-toggle-${name}`}
      aria-haspopup="dialog"
      aria-expanded={open}
      aria-controls={DRAWER_IDS[name]}
      aria-describedby={hasNews ? newsId : undefined}
      title={showLabel ? undefined : label}
      onClick={() => (open ? close() : appStore.getState().drawerOpened(name))}
    >
      <svg
        className="drawer-toggle-icon"
        viewBox="0 0 24 24"
        width="22"
        height="22"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        aria-hidden="true"
        focusable="false"
      >
        {ICONS[name]}
      </svg>
      <span className={showLabel ? undefined : 'visually-hidden'}>{label}</span>
      {hasNews && (
        <>
          <span className="drawer-toggle-news" aria-hidden="true">
            {news.count > 99 ? '99+' : news.count}
          </span>
          <span id={newsId} hidden>
            {news.description}
          </span>
        </>
      )}
    </button>
  );
}
