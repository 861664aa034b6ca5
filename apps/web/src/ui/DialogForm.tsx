import { useId, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { FormError } from './FormError';

/** What a dialog's action answers: success closes the dialog, a refusal is shown in it. */
export type DialogFormOutcome = { ok: true } | { ok: false; message: string };

type DialogFormProps = {
  title: string;
  /** The submit button's text (its accessible name). */
  submitLabel: string;
  onClose(): void;
  /** A check done here before asking the server; its message is shown instead of sending. */
  check?(): string | null;
  /** Sends the request; called at most once at a time. */
  action(): Promise<DialogFormOutcome>;
  /** The fields, between the title and the error alert. */
  children: ReactNode;
  /** `danger` for an action that cannot be undone: the submit button is red. */
  tone?: 'primary' | 'danger';
};

/**
 * A dialog holding one form: the fields, then the error alert (role=alert, so screen
 * readers announce a refusal), then Cancel and the submit button. It owns the busy and
 * error state so every such dialog reacts the same way: submitting again while a request
 * is in flight does nothing, success closes, a refusal stays open with its message.
 */
export function DialogForm({
  title,
  submitLabel,
  onClose,
  check,
  action,
  children,
  tone = 'primary',
}: DialogFormProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const early = check?.() ?? null;
    if (early) {
      setError(early);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await action();
    if (result.ok) {
      // Closing unmounts the dialog: no state to reset after this.
      onClose();
      return;
    }
    setError(result.message);
    setBusy(false);
  }

  return (
    <Dialog title={title} onClose={onClose}>
      {/* noValidate: the app's own checks and messages, not the browser's bubbles. */}
      <form className="dialog-form" onSubmit={submit} noValidate>
        {children}
        <FormError message={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={tone} disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

type TextFieldProps = {
  /** The visible label, which is also the input's accessible name. */
  label: string;
  value: string;
  onChange(value: string): void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type' | 'value' | 'onChange'>;

/**
 * A labelled one-line text input for a dialog form. Autocomplete is off (names of rooms
 * and people, not the user's own data); other attributes, such as a hint's
 * aria-describedby, pass through.
 */
export function TextField({ label, value, onChange, ...input }: TextFieldProps) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        autoComplete="off"
        {...input}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}

type PasswordFieldProps = {
  label: string;
  value: string;
  onChange(value: string): void;
  /** `current-password` to check one, `new-password` to choose one: password managers fill each right. */
  autoComplete: 'current-password' | 'new-password';
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type' | 'value' | 'onChange' | 'autoComplete'>;

/** A labelled password input for a dialog form. */
export function PasswordField({ label, value, onChange, ...input }: PasswordFieldProps) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="password" {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </>
  );
}
