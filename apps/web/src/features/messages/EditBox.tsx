import { charCount, ERROR_MESSAGES, MESSAGE_TEXT_MAX } from '@parley/shared-types';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { MessageTarget } from '../../lib/outbox.storage';
import { editMessage } from '../../realtime/outbox.sender';

/**
 * E1: the text of a message being edited, in a textbox "Edit message". Enter saves (the
 * edit queues in the outbox and shows at once), Shift+Enter breaks the line, Escape
 * cancels; focus returns to the message afterwards.
 */
export function EditBox({
  roomId,
  target,
  text,
  onDone,
}: {
  roomId: string;
  target: MessageTarget;
  text: string;
  onDone(): void;
}) {
  const [draft, setDraft] = useState(text);
  const ref = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const length = charCount(draft);
  const problem =
    draft.trim() === '' ? ERROR_MESSAGES.empty_message : length > MESSAGE_TEXT_MAX ? ERROR_MESSAGES.too_long : null;

  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }, []);

  function finish() {
    const article = ref.current?.closest('article');
    onDone();
    // The article stays; the textbox goes: keep the keyboard where it was.
    requestAnimationFrame(() => article?.focus());
  }

  function save() {
    if (problem) return;
    if (draft !== text) editMessage(roomId, target, draft);
    finish();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      finish();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    }
  }

  return (
    <div className="edit-box">
      <textarea
        ref={ref}
        className="edit-input"
        aria-label="Edit message"
        aria-describedby={hintId}
        aria-invalid={problem !== null || undefined}
        rows={Math.min(8, Math.max(2, draft.split('\n').length))}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="edit-actions">
        <span id={hintId} className={problem ? 'edit-hint over' : 'edit-hint'}>
          {problem ?? 'Enter to save, Escape to cancel'}
        </span>
        <button type="button" onClick={finish}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={problem !== null} onClick={save}>
          Save
        </button>
      </div>
    </div>
  );
}
