import { charCount, ERROR_MESSAGES, PASSWORD_MAX, PASSWORD_MIN } from '@parley/shared-types';
import { useId, useState, type FormEvent } from 'react';
import { chooseTheme, storedTheme, type Theme } from '../../lib/theme';
import { Dialog } from '../../ui/Dialog';
import { PasswordField } from '../../ui/DialogForm';
import { FormError } from '../../ui/FormError';
import { setAppearOffline } from '../../realtime/presence.reporter';
import { selectAppearOffline } from '../../store/presence.selectors';
import { useAppStore } from '../../store/use-app-store';
import { changePassword, signOutEverywhere } from '../auth/auth.actions';
import { DeleteAccountDialog } from './DeleteAccountDialog';

const THEME_CHOICES: ReadonlyArray<{ value: Theme; label: string }> = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

/** A3 with the server's own sentence: early feedback, the server checks again. */
function newPasswordError(password: string): string | null {
  const length = charCount(password);
  return length < PASSWORD_MIN || length > PASSWORD_MAX ? ERROR_MESSAGES.invalid_password : null;
}

/** A11: change my password; my other sessions end, this one stays. */
function PasswordSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const headingId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setDone(false);
    const early = current === '' ? 'Enter your current password.' : newPasswordError(next);
    if (early) {
      setError(early);
      return;
    }
    setBusy(true);
    setError(null);
    const refusal = await changePassword(current, next);
    setBusy(false);
    if (refusal) {
      setError(refusal);
      return;
    }
    setCurrent('');
    setNext('');
    setDone(true);
  }

  return (
    <section className="account-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="account-heading">
        Password
      </h3>
      <form className="dialog-form" onSubmit={submit} noValidate>
        <PasswordField label="Current password" value={current} onChange={setCurrent} autoComplete="current-password" />
        <PasswordField label="New password" value={next} onChange={setNext} autoComplete="new-password" />
        <FormError message={error} />
        {/* Always in the page, so the sentence is announced when it appears. */}
        <p role="status" className="form-status">
          {done ? 'Password changed. Your other sessions were signed out.' : ''}
        </p>
        <div className="account-row">
          <button type="submit" className="primary" disabled={busy}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

/** Light, Dark or System (the default: the device's setting), remembered by this browser. */
function ThemeSection() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const headingId = useId();
  const name = useId();

  return (
    <section className="account-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="account-heading">
        Theme
      </h3>
      <div role="radiogroup" aria-labelledby={headingId} className="theme-choices">
        {THEME_CHOICES.map((choice) => (
          <label key={choice.value} className="theme-choice">
            <input
              type="radio"
              name={name}
              value={choice.value}
              checked={theme === choice.value}
              onChange={() => {
                setTheme(choice.value);
                chooseTheme(choice.value);
              }}
            />
            {choice.label}
          </label>
        ))}
      </div>
    </section>
  );
}

/** P6: others see me offline while I keep using Parley; stored with the account. */
function PresenceSection() {
  const appearOffline = useAppStore(selectAppearOffline);
  // The choice being sent: the box shows it at once, not only once the server has answered.
  const [sending, setSending] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();

  return (
    <section className="account-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="account-heading">
        Presence
      </h3>
      <label className="theme-choice">
        <input
          type="checkbox"
          checked={sending ?? appearOffline === true}
          // Unknown until the server has said: a click then could undo the stored choice.
          disabled={sending !== null || appearOffline === null}
          onChange={async (event) => {
            const next = event.target.checked;
            setSending(next);
            setError(null);
            const result = await setAppearOffline(next);
            if (!result.ok) setError('Could not change it now. Try again.');
            setSending(null);
          }}
        />
        Appear offline
      </label>
      <p className="field-hint">Others see you offline, last seen when you chose it, while you keep using Parley.</p>
      <FormError message={error} />
    </section>
  );
}

/** A12, A13: end every session, or the account itself. */
function SessionsSection({ onDelete }: { onDelete(): void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = useId();

  return (
    <section className="account-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="account-heading">
        Sessions and account
      </h3>
      <p className="field-hint">Sign out everywhere ends every session of yours, on every device, this one included.</p>
      <FormError message={error} />
      <div className="account-row">
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            const refusal = await signOutEverywhere();
            // Success leaves this screen; a refusal stays here with its sentence.
            if (refusal) {
              setError(refusal);
              setBusy(false);
            }
          }}
        >
          Sign out everywhere
        </button>
        <button type="button" className="danger" onClick={onDelete}>
          Delete account
        </button>
      </div>
    </section>
  );
}

/** The signed-in person's own settings: password, theme, presence, sessions, deleting the account. */
export function AccountDialog({ onClose }: { onClose(): void }) {
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  return (
    <Dialog title="Account" onClose={onClose}>
      <PasswordSection />
      <ThemeSection />
      <PresenceSection />
      <SessionsSection onDelete={() => setConfirmingDelete(true)} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {confirmingDelete && <DeleteAccountDialog onClose={() => setConfirmingDelete(false)} />}
    </Dialog>
  );
}
