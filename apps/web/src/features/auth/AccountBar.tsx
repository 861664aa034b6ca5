import { useState } from 'react';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { Avatar } from '../../ui/Avatar';
import { AccountDialog } from '../account/AccountDialog';
import { EnableNotifications } from '../notifications/EnableNotifications';
import { signOut } from './auth.actions';

export function AccountBar() {
  const user = useAppStore(selectUser);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);

  return (
    // The dialog sits outside the bar: the bar's button styles must not reach it.
    <>
      <div className="account-bar">
        <EnableNotifications />
        <span className="account-name">
          {user && <Avatar userId={user.id} name={user.username} size={22} />}
          <bdi title={user ? `Signed in as ${user.username}` : undefined}>{user?.username}</bdi>
        </span>
        <button type="button" className="ghost" aria-haspopup="dialog" onClick={() => setOpen(true)}>
          Account
        </button>
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
      {open && <AccountDialog onClose={() => setOpen(false)} />}
    </>
  );
}
