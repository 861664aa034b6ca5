import { charCount, ERROR_MESSAGES, MESSAGE_TEXT_MAX } from '@parley/shared-types';
import { useEffect, useId, type FormEvent, type KeyboardEvent } from 'react';
import { sendMessage } from '../../realtime/outbox.sender';
import { typingInput, typingStop } from '../../realtime/typing.sender';
import { appStore } from '../../store/app.store';
import { selectDraft } from '../../store/ui.selectors';
import { useAppStore } from '../../store/use-app-store';

/** The counter appears once the text gets near the limit. */
const HINT_FROM = Math.floor(MESSAGE_TEXT_MAX * 0.8);

/**
 * Writes a message: Enter sends, Shift+Enter breaks the line. The draft lives in the
 * store per room; every change feeds the typing throttle.
 */
export function Composer({ roomId, roomName }: { roomId: string; roomName: string }) {
  const draft = useAppStore(selectDraft(roomId));
  const inputId = useId();
  const hintId = useId();
  const count = charCount(draft);
  const tooLong = count > MESSAGE_TEXT_MAX;

  // Switching rooms (or leaving the chat) ends the typing run in this room.
  useEffect(() => () => typingStop(), [roomId]);

  function change(text: string) {
    appStore.getState().draftChanged(roomId, text);
    typingInput(roomId, text);
  }

  function send() {
    if (tooLong || draft.trim() === '') return;
    if (sendMessage(roomId, draft)) appStore.getState().draftChanged(roomId, '');
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor={inputId} className="visually-hidden">
        Message
      </label>
      <textarea
        id={inputId}
        className="composer-input"
        rows={2}
        placeholder={`Message ${roomName}`}
        value={draft}
        aria-invalid={tooLong || undefined}
        aria-describedby={hintId}
        onChange={(e) => change(e.target.value)}
        onKeyDown={onKeyDown}
      />
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
