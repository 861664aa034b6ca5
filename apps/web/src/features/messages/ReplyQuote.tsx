import type { ReplyRef } from '@parley/shared-types';
import { excerptOf } from '../../lib/text';
import { jumpToMessage } from '../../realtime/jump';
import { useAppStore } from '../../store/use-app-store';

/**
 * E4: the message a reply answers, as a button named "In reply to <author>…" that brings
 * it into view (loading older pages if needed). The original as held now wins over the
 * quote the reply came with (it may have been edited or deleted since).
 */
export function ReplyQuote({ roomId, reply }: { roomId: string; reply: ReplyRef }) {
  const held = useAppStore((s) => s.timelines[roomId]?.messages.find((m) => m.id === reply.id));
  const deleted = held ? held.deletedAt !== undefined : reply.deleted;
  const excerpt = held ? excerptOf(held.text) : reply.excerpt;
  return (
    <button type="button" className="reply-quote" onClick={() => void jumpToMessage(roomId, reply.id, reply.seq)}>
      <span className="reply-author">In reply to {reply.authorName}</span>
      <span className="reply-excerpt">{deleted ? ': the original message was deleted' : `: ${excerpt}`}</span>
    </button>
  );
}
