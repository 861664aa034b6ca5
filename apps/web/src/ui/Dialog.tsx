import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

type DialogProps = {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** The id of the text that says what the dialog is about (aria-describedby). */
  describedBy?: string;
};

/**
 * A modal on the native <dialog>: role=dialog, focus trap and Escape for free, labelled
 * by its title. Mounted only while open; React state stays the source of truth, so
 * Escape asks the owner to close instead of closing by itself.
 */
export function Dialog({ title, onClose, children, describedBy }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
