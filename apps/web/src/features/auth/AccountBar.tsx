import { useState } from 'react';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { EnableNotifications } from '../notifications/EnableNotifications';
import { signOut } from './auth.actions';

export function AccountBar() {
  const user = useAppStore(selectUser);
  const [busy, setBusy] = useState(false);

  return (
    <div className="account-bar">
      <EnableNotifications />
      <span className="account-name" title="Signed in">
        {user?.username}
      </span>
      <button
        type="button"
        className="ghost"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void signOut();
        }}
      >
        Sign out
      </button>
    </div>
  );
}
