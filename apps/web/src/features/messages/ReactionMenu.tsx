import { REACTION_EMOJI, type ReactionEmoji } from '@parley/shared-types';
import { useEffect, useId, useRef, type KeyboardEvent } from 'react';

/** What each emoji is called, for screen readers (the name begins with the emoji). */
export const EMOJI_NAMES: Record<ReactionEmoji, string> = {
  '👍': 'thumbs up',
  '❤️': 'heart',
  '😂': 'laughing',
  '🎉': 'party',
  '😮': 'surprised',
  '😢': 'sad',
  '🙏': 'thanks',
  '👀': 'looking',
};

/**
 * E3: the emoji set as a menu (role=menu, one menuitem per emoji, named by the emoji then
 * its word). Arrow keys move, Home and End jump, Enter or Space picks, Escape or a click
 * elsewhere closes; focus goes back to the React button.
 */
export function ReactionMenu({
  onPick,
  onClose,
  chosen,
}: {
  onPick(emoji: ReactionEmoji): void;
  onClose(): void;
  /** Emoji I already reacted with (shown pressed). */
  chosen: ReadonlySet<string>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const labelId = useId();

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const away = (event: PointerEvent) => {
      if (ref.current && !ref.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [onClose]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const go = (index: number) => items[(index + items.length) % items.length]?.focus();
    if (event.key === 'ArrowRight' || event.key === 'ArrowDown') go(at + 1);
    else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') go(at - 1);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(items.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }

  return (
    <div ref={ref} role="menu" aria-labelledby={labelId} className="reaction-menu" onKeyDown={onKeyDown}>
      <span id={labelId} className="visually-hidden">
        Reactions
      </span>
      {REACTION_EMOJI.map((emoji) => (
        <button
          key={emoji}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={chosen.has(emoji) ? 'reaction-option chosen' : 'reaction-option'}
          aria-label={`${emoji} ${EMOJI_NAMES[emoji]}`}
          title={EMOJI_NAMES[emoji]}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
