import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import type { DialogFormOutcome } from './DialogForm';
import { FormError } from './FormError';

type ConfirmDialogProps = {
  /** The dialog's name; the action it asks about. */
  title: string;
  /** The confirm button's text (its accessible name), usually the action's own name. */
  confirmLabel: string;
  /** What will happen: the dialog's description. */
  children: ReactNode;
  /** Closes the dialog: Cancel, Escape, or once the action succeeded. */
  onClose(): void;
  /** Does the thing; called at most once at a time. A refusal is shown in the dialog. */
  onConfirm(): Promise<DialogFormOutcome>;
  /**
   * Where focus goes once the action succeeded and took its opener away (the member
   * removed): without it focus would fall to the page's body.
   */
  focusAfter?(): HTMLElement | null;
};

/**
 * Asks before an action that is hard to undo (leaving a room, removing a member,
 * deleting a message). Focus starts on Cancel, the safe choice, so a stray Enter does
 * nothing harmful; Cancel and Escape close it and give focus back to the control that
 * opened it. The confirm button keeps the action's name, so the question and the
 * answer read the same.
 */
export function ConfirmDialog({ title, confirmLabel, children, onClose, onConfirm, focusAfter }: ConfirmDialogProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const descriptionId = useId();
  // Read while rendering, before the modal takes focus: the control that opened us.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  const cancelled = useRef(false);
  // Set once the action was asked for: its effect (the member gone) may unmount us before
  // its answer arrives.
  const confirmed = useRef(false);
  // Read once, like the opener: it is called at unmount, when the action has succeeded.
  const [after] = useState(() => focusAfter);

  useEffect(() => {
    // After the native dialog opened (its layout effect runs first) and focused what it chose.
    cancelRef.current?.focus();
    return () => {
      // Done: the opener may be gone (the member removed), and focus goes where the app puts it.
      if (cancelled.current) {
        if (opener?.isConnected) opener.focus();
      } else if (confirmed.current && after) {
        // After the native dialog has closed and put focus back where it was (the removed
        // opener, so nowhere).
        setTimeout(() => after()?.focus(), 0);
      }
    };
  }, [opener, after]);

  function cancel() {
    cancelled.current = true;
    onClose();
  }

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setError(null);
    confirmed.current = true;
    const result = await onConfirm();
    if (result.ok) {
      // Closing unmounts the dialog: no state to reset after this.
      onClose();
      return;
    }
    confirmed.current = false;
    setError(result.message);
    setBusy(false);
  }

  return (
    <Dialog title={title} onClose={cancel} describedBy={descriptionId}>
      <div id={descriptionId} className="confirm-text">
        {children}
      </div>
      <FormError message={error} />
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" onClick={cancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
