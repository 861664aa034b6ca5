import { useId, useState, type FormEvent } from 'react';
import { authenticate } from './auth.actions';
import { registrationError } from './credentials.validation';

type Mode = 'login' | 'register';

/** One form, two buttons: "Sign in" and "Create account" act on the same fields. */
export function SignInScreen() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameId = useId();
  const passwordId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const mode: Mode = submitter?.getAttribute('value') === 'register' ? 'register' : 'login';
    const early = mode === 'register' ? registrationError(username, password) : null;
    if (early) {
      setError(early);
      return;
    }
    setBusy(true);
    setError(null);
    const failure = await authenticate(mode, { username, password });
    // On success this screen unmounts; only a failure needs local state.
    if (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <main className="auth-screen">
      <form className="auth-card" onSubmit={submit} aria-busy={busy} noValidate>
        <h1 className="brand">Parley</h1>
        <p className="auth-tagline">Sign in to chat, or create an account.</p>
        <label htmlFor={usernameId}>Username</label>
        <input
          id={usernameId}
          name="username"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor={passwordId}>Password</label>
        <input
          id={passwordId}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="auth-actions">
          <button type="submit" name="mode" value="login" className="primary" disabled={busy}>
            Sign in
          </button>
          <button type="submit" name="mode" value="register" disabled={busy}>
            Create account
          </button>
        </div>
      </form>
    </main>
  );
}
