import { useEffect } from 'react';
import { openRoom } from '../realtime/navigation';
import { appStore } from '../store/app.store';
import { roomAfter, selectRoomOrder, selectUnread } from '../store/rooms.selectors';

/**
 * Alt+ArrowUp / Alt+ArrowDown open the previous / next room of the sidebar's list;
 * with Shift, the previous / next one with unread messages. The opened room's composer
 * takes the caret (Composer). Not while a dialog is open: its keys are its own.
 */
export function useRoomShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
      if (document.querySelector('dialog[open], [role="dialog"][aria-modal="true"]')) return;
      const state = appStore.getState();
      const step = event.key === 'ArrowUp' ? -1 : 1;
      const unreadOnly = event.shiftKey ? (roomId: string) => selectUnread(roomId)(state) > 0 : undefined;
      const target = roomAfter(selectRoomOrder(state), state.activeRoomId, step, unreadOnly);
      event.preventDefault();
      if (target) openRoom(target);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
