import { useSyncExternalStore } from 'react';
import type { DrawerName } from '../store/ui.slice';

/*
 * The widths at which the side panels become drawers. They are the same numbers as the
 * "Narrow screens" section of styles.css (keep both in step): CSS lays the panels out,
 * and the drawers' modal behaviour (role=dialog, focus, inert) follows these queries.
 *
 *   ≥ 960 px   rooms | conversation | members, as on the desktop
 *   720–959 px rooms | conversation; Members is a drawer
 *   < 720 px   conversation only; Rooms and Members are drawers
 */
export const DRAWER_QUERIES: Record<DrawerName, string> = {
  rooms: '(max-width: 719.98px)',
  members: '(max-width: 959.98px)',
};

/** The element ids of the two drawers, which their buttons name in aria-controls. */
export const DRAWER_IDS: Record<DrawerName, string> = {
  rooms: 'rooms-drawer',
  members: 'members-drawer',
};

function subscribeTo(query: string) {
  return (onChange: () => void) => {
    if (typeof window === 'undefined' || !window.matchMedia) return () => {};
    const list = window.matchMedia(query);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  };
}

const subscribers = new Map<string, (onChange: () => void) => () => void>();

/** Whether a media query matches now; re-renders when that changes (a rotation, a resize). */
export function useMediaQuery(query: string): boolean {
  let subscribe = subscribers.get(query);
  if (!subscribe) {
    subscribe = subscribeTo(query);
    subscribers.set(query, subscribe);
  }
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia?.(query).matches ?? false,
    () => false,
  );
}

/** Whether the panel `name` is a drawer at the current width. */
export function useIsDrawer(name: DrawerName): boolean {
  return useMediaQuery(DRAWER_QUERIES[name]);
}
