import { charCount, ERROR_MESSAGES, MESSAGE_TEXT_MAX } from '@parley/shared-types';
import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { useShallow } from 'zustand/react/shallow';
import { sendMessage } from '../../realtime/outbox.sender';
import { typingInput, typingStop } from '../../realtime/typing.sender';
import { attachFiles } from '../../realtime/uploads.actions';
import { appStore } from '../../store/app.store';
import { selectMembers } from '../../store/rooms.selectors';
import { selectUser } from '../../store/session.selectors';
import { selectDraft, selectReplyTarget } from '../../store/ui.selectors';
import { selectUploads } from '../../store/uploads.selectors';
import { useAppStore } from '../../store/use-app-store';
import { COMPOSER_INPUT_ID } from './composer.focus';
import { insertMention, mentionAt, suggestionsFor, type MentionQuery } from './mention.logic';
import { UploadList } from './UploadList';

/** How long a room just opened waits for a closing dialog before taking the caret (~2 s). */
const DIALOG_WAIT_FRAMES = 120;

/** The counter appears once the text gets near the limit. */
const HINT_FROM = Math.floor(MESSAGE_TEXT_MAX * 0.8);

/**
 * Writes a message: Enter sends, Shift+Enter breaks the line. The draft lives in the
 * store per room; every change feeds the typing throttle. Replying shows what is
 * answered ("Replying to …", Cancel reply); typing `@` offers the room's members
 * (Mention suggestions: arrows move, Enter or Tab picks, Escape closes).
 */
export function Composer({ roomId, roomName }: { roomId: string; roomName: string }) {
  const draft = useAppStore(selectDraft(roomId));
  const reply = useAppStore(selectReplyTarget(roomId));
  const me = useAppStore(selectUser);
  const usernames = useAppStore(useShallow((s) => selectMembers(roomId)(s).map((m) => m.username)));
  const uploads = useAppStore(selectUploads(roomId));
  const hintId = useId();
  const listId = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [dropping, setDropping] = useState(false);
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const count = charCount(draft);
  const tooLong = count > MESSAGE_TEXT_MAX;
  const suggestions = useMemo(
    () => (query ? suggestionsFor(query.prefix, usernames, me?.username) : []),
    [query, usernames, me?.username],
  );
  const open = suggestions.length > 0;

  // Switching rooms (or leaving the chat) ends the typing run in this room.
  useEffect(() => () => typingStop(), [roomId]);

  // A room just opened (by link, keyboard, after sign-in, creating or joining it): what
  // comes next is writing, so the caret goes here, once the dialog that opened it (if
  // any) has closed and handed focus back to its button. Not on touch screens, where
  // focusing would raise the on-screen keyboard over the room.
  useEffect(() => {
    if (window.matchMedia?.('(pointer: coarse)').matches) return;
    let frame = 0;
    let frames = 0;
    const place = () => {
      if (document.querySelector('dialog[open], [role="dialog"]')) {
        if (++frames < DIALOG_WAIT_FRAMES) frame = requestAnimationFrame(place);
        return;
      }
      input.current?.focus({ preventScroll: true });
    };
    place();
    return () => cancelAnimationFrame(frame);
  }, [roomId]);

  function change(text: string, caret: number) {
    appStore.getState().draftChanged(roomId, text);
    typingInput(roomId, text);
    setQuery(mentionAt(text, caret));
    setActive(0);
  }

  function pick(username: string) {
    if (!query) return;
    const next = insertMention(draft, query, username);
    appStore.getState().draftChanged(roomId, next.text);
    setQuery(null);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  }

  function send() {
    // Files still going up would be left behind: Send waits for them (or their Cancel).
    if (tooLong || uploads.some((u) => u.status === 'uploading')) return;
    const ready = uploads.filter((u) => u.status === 'uploaded' && u.file);
    if (draft.trim() === '' && ready.length === 0) return;
    if (
      sendMessage(
        roomId,
        draft,
        reply?.target,
        ready.map((u) => u.file!),
      )
    ) {
      appStore.getState().draftChanged(roomId, '');
      appStore.getState().replyCancelled(roomId);
      appStore.getState().uploadsSent(
        roomId,
        uploads.filter((u) => u.status !== 'uploading').map((u) => u.key),
      );
      setQuery(null);
    }
  }

  // B1: files dropped on the composer or pasted into it go up like chosen ones.
  const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  function onDragOver(event: DragEvent<HTMLFormElement>) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  }
  function onDrop(event: DragEvent<HTMLFormElement>) {
    setDropping(false);
    if (event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    attachFiles(roomId, event.dataTransfer.files);
  }
  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    if (event.clipboardData.files.length === 0) return;
    event.preventDefault();
    attachFiles(roomId, event.clipboardData.files);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((i) => (i + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(suggestions[active] ?? suggestions[0]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setQuery(null);
        return;
      }
    }
    if (event.key === 'Escape' && reply) {
      event.preventDefault();
      appStore.getState().replyCancelled(roomId);
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  return (
    <form
      className={dropping ? 'composer dropping' : 'composer'}
      onSubmit={onSubmit}
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      {reply && (
        <div className="reply-banner">
          <span className="reply-banner-text">
            Replying to <bdi>{reply.authorName}</bdi>
            <span className="reply-banner-excerpt">{reply.excerpt ? `: ${reply.excerpt}` : ''}</span>
          </span>
          <button type="button" className="link-button" onClick={() => appStore.getState().replyCancelled(roomId)}>
            Cancel reply
          </button>
        </div>
      )}
      {open && (
        <ul id={listId} role="listbox" aria-label="Mention suggestions" className="mention-suggestions">
          {suggestions.map((name, i) => (
            <li
              key={name}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'mention-option active' : 'mention-option'}
              // Keep the focus (and the caret) in the composer.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(name)}
            >
              {name}
            </li>
          ))}
        </ul>
      )}
      {uploads.length > 0 && <UploadList roomId={roomId} uploads={uploads} />}
      <label htmlFor={COMPOSER_INPUT_ID} className="visually-hidden">
        Message
      </label>
      <textarea
        ref={input}
        id={COMPOSER_INPUT_ID}
        className="composer-input"
        rows={2}
        placeholder={`Message ${roomName}`}
        value={draft}
        aria-invalid={tooLong || undefined}
        aria-describedby={hintId}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onChange={(e) => change(e.target.value, e.target.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setQuery(null)}
        onPaste={onPaste}
      />
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        onChange={(e) => {
          if (e.target.files) attachFiles(roomId, e.target.files);
          // The same file can be chosen again.
          e.target.value = '';
        }}
      />
      <button
        type="button"
        className="composer-attach"
        aria-label="Attach file"
        title="Attach file"
        onClick={() => picker.current?.click()}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
          <path
            d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
          />
        </svg>
      </button>
      <button type="submit" className="primary composer-send">
        Send
      </button>
      <p id={hintId} className={tooLong ? 'composer-hint over' : 'composer-hint'}>
        {count >= HINT_FROM ? `${count} / ${MESSAGE_TEXT_MAX} characters` : ''}
        {tooLong ? ` — ${ERROR_MESSAGES.too_long}` : ''}
      </p>
    </form>
  );
}
