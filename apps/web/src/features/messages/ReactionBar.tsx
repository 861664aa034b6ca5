import type { Reaction, ReactionEmoji } from '@parley/shared-types';
import { useId } from 'react';
import { nameList } from '../../lib/text';

/**
 * E3: the reactions under a message. Each is a toggle button named by its emoji and
 * count ("👍 2"), pressed when one of them is mine; who reacted shows on hover and focus
 * (and is the button's description for screen readers).
 */
export function ReactionBar({
  reactions,
  myId,
  onToggle,
}: {
  reactions: readonly Reaction[];
  myId: string | undefined;
  onToggle(emoji: ReactionEmoji): void;
}) {
  const baseId = useId();
  return (
    <div className="reactions">
      {reactions.map((reaction, i) => {
        const mine = reaction.users.some((u) => u.id === myId);
        const names = reaction.users.map((u) => (u.id === myId ? 'you' : u.username));
        const tipId = `${baseId}-${i}`;
        return (
          <span key={reaction.emoji} className="reaction-wrap">
            <button
              type="button"
              className={mine ? 'reaction mine' : 'reaction'}
              aria-pressed={mine}
              aria-describedby={tipId}
              onClick={() => onToggle(reaction.emoji)}
            >
              {reaction.emoji} {reaction.users.length}
            </button>
            <span role="tooltip" id={tipId} className="reaction-tip">
              {nameList(names, 6)}
            </span>
          </span>
        );
      })}
    </div>
  );
}
