import type { Message } from '@parley/shared-types';
import { memo } from 'react';
import { errorText } from '../../lib/errors';
import { retryMessage } from '../../realtime/outbox.sender';
import type { OutboxEntry } from '../../store/outbox.slice';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

type StoredMessageProps = { message: Message; mine: boolean; continued: boolean };

/**
 * A stored message. Text is rendered as text (never as HTML); CSS keeps its newlines.
 * A `continued` message (same author, shortly after) hides its header visually only:
 * every article still names its author for screen readers.
 */
export const StoredMessage = memo(function StoredMessage({ message, mine, continued }: StoredMessageProps) {
  const at = new Date(message.createdAt);
  const className = ['message', mine && 'mine', continued && 'continued'].filter(Boolean).join(' ');
  return (
    <article className={className}>
      <header className="message-meta">
        <bdi className="message-author">{message.authorName}</bdi>{' '}
        <time className="message-time" dateTime={at.toISOString()} title={at.toLocaleString()}>
          {timeFormat.format(at)}
        </time>
      </header>
      {/* dir=auto isolates the text: bidi controls in it cannot reorder the UI around it. */}
      <p className="message-text" dir="auto">
        {message.text}
      </p>
    </article>
  );
});

/**
 * One of mine the server has not confirmed: "Sending…" (stored in the outbox, going out
 * or waiting for the connection), or "Failed" with Retry when it was refused for good.
 */
export const PendingMessage = memo(function PendingMessage({
  entry,
  authorName,
}: {
  entry: OutboxEntry;
  authorName: string;
}) {
  const failed = entry.status === 'failed';
  return (
    <article className={failed ? 'message mine failed' : 'message mine pending'}>
      <header className="message-meta">
        <bdi className="message-author">{authorName}</bdi>{' '}
        <span className="message-state">{failed ? 'Failed' : 'Sending…'}</span>
      </header>
      <p className="message-text" dir="auto">
        {entry.text}
      </p>
      {failed && (
        <div className="message-failure">
          {entry.failure && <span className="failure-reason">{errorText(entry.failure)}</span>}
          <button type="button" className="link-button" onClick={() => retryMessage(entry.clientMessageId)}>
            Retry
          </button>
        </div>
      )}
    </article>
  );
});
