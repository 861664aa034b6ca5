import { useStore } from 'zustand';
import type { AppState } from './app.store.types';
import { appStore } from './app.store';

/** Reads the app store through a (named) selector. */
export function useAppStore<U>(selector: (state: AppState) => U): U {
  return useStore(appStore, selector);
}
