import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import { selectDrawerOpen, selectOpenDrawer } from './ui.selectors';

describe('drawers (narrow screens)', () => {
  it('holds one drawer at a time: opening the other replaces it, closing clears it', () => {
    const store = createAppStore();
    expect(selectOpenDrawer(store.getState())).toBeNull();

    store.getState().drawerOpened('rooms');
    expect(selectDrawerOpen('rooms')(store.getState())).toBe(true);
    expect(selectDrawerOpen('members')(store.getState())).toBe(false);

    store.getState().drawerOpened('members');
    expect(selectOpenDrawer(store.getState())).toBe('members');

    store.getState().drawerClosed();
    expect(selectOpenDrawer(store.getState())).toBeNull();
  });

  it('closes when another room opens (a choice was made), not when the same room is shown again', () => {
    const store = createAppStore();
    store.getState().roomOpened('r1');
    store.getState().drawerOpened('rooms');

    // A reconnect shows the open room again: the drawer the reader is using stays.
    store.getState().roomOpened('r1');
    expect(selectOpenDrawer(store.getState())).toBe('rooms');

    store.getState().roomOpened('r2');
    expect(selectOpenDrawer(store.getState())).toBeNull();
    expect(store.getState().activeRoomId).toBe('r2');
  });
});
