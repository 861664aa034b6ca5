import type { NotifyLevel, RoomSummary } from '@parley/shared-types';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { notifyLevelOf } from '../../realtime/notifications';
import { setRoomNotify } from '../../realtime/rooms.actions';

const LEVELS: Array<{ level: NotifyLevel; label: string }> = [
  { level: 'all', label: 'All messages' },
  { level: 'mentions', label: 'Mentions' },
  { level: 'none', label: 'Nothing' },
];

/**
 * N2: the room header's `Notifications` button, opening a menu of radio items: All
 * messages, Mentions, Nothing. My choice is stored on the server, for every tab and device.
 */
export function NotifyMenu({ room }: { room: RoomSummary }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const menu = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const current = notifyLevelOf(room);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
    const away = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  function close() {
    setOpen(false);
    button.current?.focus();
  }

  async function choose(level: NotifyLevel) {
    close();
    setError(null);
    const result = await setRoomNotify(room.id, level);
    if (!result.ok) setError(result.message);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (event.key === 'ArrowDown') go(at + 1);
    else if (event.key === 'ArrowUp') go(at - 1);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(items.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') close();
    else return;
    event.preventDefault();
  }

  return (
    <div className="notify-menu-wrap">
      <button
        ref={button}
        type="button"
        className="ghost"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        Notifications
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label="Notifications"
          className="notify-menu"
          onKeyDown={onKeyDown}
        >
          {LEVELS.map(({ level, label }) => (
            <button
              key={level}
              type="button"
              role="menuitemradio"
              aria-checked={current === level}
              tabIndex={-1}
              className="notify-option"
              onClick={() => void choose(level)}
            >
              <span aria-hidden="true" className="notify-check">
                {current === level ? '✓' : ''}
              </span>
              {label}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p role="alert" className="form-error header-error">
          {error}
        </p>
      )}
    </div>
  );
}
