import type { Message, ReactionEmoji, User } from '@parley/shared-types';
import { memo, useCallback, useMemo, useState, type ReactNode } from 'react';
import { errorText } from '../../lib/errors';
import type { MessageTarget } from '../../lib/outbox.storage';
import { deleteMessage, retryMessage, setReaction } from '../../realtime/outbox.sender';
import { excerptOf } from '../../lib/text';
import { appStore } from '../../store/app.store';
import type { OutboxEntry } from '../../store/outbox.slice';
import { useAppStore } from '../../store/use-app-store';
import { Avatar } from '../../ui/Avatar';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EditBox } from './EditBox';
import { MessageFiles } from './MessageFiles';
import { MessageText } from './MessageText';
import { ReactionBar } from './ReactionBar';
import { ReactionMenu } from './ReactionMenu';
import { ReplyQuote } from './ReplyQuote';

// `numeric` hours: 6:50 AM in 12-hour locales, 06:50 where the locale writes it so.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** What the log tells each message about where it is shown. */
export type MessageContext = {
  roomId: string;
  me: User | null;
  /** I own this (public or private) room: I may delete anyone's messages (E2). */
  moderator: boolean;
  /** Lower-case username of each member, by id, for mentions (E6). */
  names: ReadonlyMap<string, string>;
};

function mentionedNames(message: Message, context: MessageContext): ReadonlyMap<string, 'me' | 'other'> {
  const names = new Map<string, 'me' | 'other'>();
  for (const id of message.mentions ?? []) {
    const name = id === context.me?.id ? context.me.username.toLowerCase() : context.names.get(id);
    if (name) names.set(name, id === context.me?.id ? 'me' : 'other');
  }
  return names;
}

type Actions = { reply: boolean; react: boolean; edit: boolean; delete: boolean };

/**
 * The same article for a stored message and one of mine still in the outbox: header
 * (author, time, `edited`), the message it answers, its text or the tombstone, its
 * reactions, and the actions Reply, React, Edit and Delete (shown on hover and focus).
 */
function MessageArticle({
  itemKey,
  message,
  target,
  context,
  actions,
  className,
  state,
  continued,
  footer,
}: {
  itemKey: string;
  message: Message;
  target: MessageTarget;
  context: MessageContext;
  actions: Actions;
  className: string;
  /** "Sending…", "Saving…", "Failed". */
  state: string | null;
  continued: boolean;
  footer?: ReactNode;
}) {
  const editing = useAppStore((s) => s.editingKey === itemKey);
  const highlighted = useAppStore((s) => s.focusRequest?.messageId === message.id);
  const [menu, setMenu] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const deleted = message.deletedAt !== undefined;
  const at = new Date(message.createdAt);
  const mentioned = useMemo(() => mentionedNames(message, context), [message, context]);
  const mentionsMe = context.me !== null && (message.mentions?.includes(context.me.id) ?? false);
  const closeMenu = useCallback(() => setMenu(false), []);
  const { roomId } = context;

  const mineChosen = new Set(
    (message.reactions ?? []).filter((r) => r.users.some((u) => u.id === context.me?.id)).map((r) => r.emoji as string),
  );
  const toggle = (emoji: ReactionEmoji) => setReaction(roomId, target, emoji, !mineChosen.has(emoji));
  const reply = () => {
    appStore
      .getState()
      .replyStarted(roomId, { target, authorName: message.authorName, excerpt: excerptOf(message.text) });
    document.querySelector<HTMLTextAreaElement>('.composer-input')?.focus();
  };

  const classes = [
    'message',
    className,
    continued && 'continued',
    deleted && 'deleted',
    mentionsMe && 'mentions-me',
    highlighted && 'highlighted',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <article className={classes} tabIndex={-1} data-message-id={message.id}>
      {/* The first message of a run carries its author's face; out of the flow, so row
          heights are the text's alone (every message is taller than it). */}
      {!continued && <Avatar userId={message.authorId} name={message.authorName} className="message-avatar" />}
      <header className="message-meta">
        <bdi className="message-author">{message.authorName}</bdi>{' '}
        {/* The full date shows on hover (title) and while the message has keyboard focus (CSS). */}
        <time className="message-time" dateTime={at.toISOString()} title={fullFormat.format(at)}>
          {timeFormat.format(at)}
          <span className="message-time-full" aria-hidden="true">
            {fullFormat.format(at)}
          </span>
        </time>
        {state && <span className="message-state"> {state}</span>}
        {mentionsMe && <span className="visually-hidden"> (mentions you)</span>}
      </header>
      {message.replyTo && !deleted && <ReplyQuote roomId={roomId} reply={message.replyTo} />}
      {deleted ? (
        <p className="message-text message-tombstone">This message was deleted</p>
      ) : editing ? (
        <EditBox
          roomId={roomId}
          target={target}
          text={message.text}
          onDone={() => appStore.getState().editStarted(null)}
        />
      ) : message.text === '' && message.attachments ? null : (
        <MessageText text={message.text} mentioned={mentioned} edited={message.editedAt !== undefined} />
      )}
      {!deleted && message.attachments && <MessageFiles attachments={message.attachments} />}
      {!deleted && message.reactions && (
        <ReactionBar reactions={message.reactions} myId={context.me?.id} onToggle={toggle} />
      )}
      {footer}
      {!deleted && !editing && (
        <div className="message-actions">
          {actions.reply && (
            <button type="button" className="message-action" onClick={reply}>
              Reply
            </button>
          )}
          {actions.react && (
            <button
              type="button"
              className="message-action"
              aria-haspopup="menu"
              aria-expanded={menu}
              onClick={() => setMenu((open) => !open)}
            >
              React
            </button>
          )}
          {actions.edit && (
            <button type="button" className="message-action" onClick={() => appStore.getState().editStarted(itemKey)}>
              Edit
            </button>
          )}
          {actions.delete && (
            <button type="button" className="message-action" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </div>
      )}
      {menu && (
        <ReactionMenu
          chosen={mineChosen}
          onClose={closeMenu}
          onPick={(emoji) => {
            toggle(emoji);
            setMenu(false);
          }}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title="Delete message?"
          confirmLabel="Delete"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            // Through the outbox: it is retried and reports its own failure on the message.
            deleteMessage(roomId, target);
            return { ok: true };
          }}
        >
          <p>It is removed for everyone in the conversation. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}

type StoredMessageProps = {
  itemKey: string;
  message: Message;
  mine: boolean;
  continued: boolean;
  busy: boolean;
  context: MessageContext;
};

/**
 * A stored message. Text is rendered through the Markdown subset (never as HTML). A
 * `continued` message (same author, shortly after) hides its header visually only: every
 * article still names its author for screen readers.
 */
export const StoredMessage = memo(function StoredMessage({
  itemKey,
  message,
  mine,
  continued,
  busy,
  context,
}: StoredMessageProps) {
  const actions: Actions = { reply: true, react: true, edit: mine, delete: mine || context.moderator };
  return (
    <MessageArticle
      itemKey={itemKey}
      message={message}
      target={{ messageId: message.id }}
      context={context}
      actions={actions}
      className={mine ? 'mine' : ''}
      state={busy ? 'Saving…' : null}
      continued={continued}
    />
  );
});

/**
 * One of mine the server has not confirmed: "Sending…" (stored in the outbox, going out
 * or waiting for the connection), or "Failed" with Retry when it was refused for good. It
 * can be answered, reacted to, edited or taken back already (the outbox holds those too).
 */
export const PendingMessage = memo(function PendingMessage({
  itemKey,
  entry,
  view,
  context,
}: {
  itemKey: string;
  entry: OutboxEntry;
  view: Message;
  context: MessageContext;
}) {
  const failed = entry.status === 'failed';
  const actions: Actions = { reply: !failed, react: !failed, edit: true, delete: true };
  return (
    <MessageArticle
      itemKey={itemKey}
      message={view}
      target={{ clientMessageId: entry.clientMessageId }}
      context={context}
      actions={actions}
      className={failed ? 'mine failed' : 'mine pending'}
      state={failed ? 'Failed' : 'Sending…'}
      continued={false}
      footer={
        failed && (
          <div className="message-failure">
            {entry.failure && <span className="failure-reason">{errorText(entry.failure)}</span>}
            <button type="button" className="link-button" onClick={() => retryMessage(entry.clientMessageId)}>
              Retry
            </button>
          </div>
        )
      }
    />
  );
});
