import { useState } from 'react';
import { DialogForm, PasswordField } from '../../ui/DialogForm';
import { deleteAccount } from '../auth/auth.actions';

/**
 * A13: the last step before an account goes, confirmed with its password. Success signs
 * this tab out (every other one hears it from the server).
 */
export function DeleteAccountDialog({ onClose }: { onClose(): void }) {
  const [password, setPassword] = useState('');

  return (
    <DialogForm
      title="Delete account"
      submitLabel="Delete account"
      tone="danger"
      onClose={onClose}
      check={() => (password === '' ? 'Enter your password to delete your account.' : null)}
      action={async () => {
        const error = await deleteAccount(password);
        return error ? { ok: false, message: error } : { ok: true };
      }}
    >
      <p className="field-hint dialog-warning">
        Your account, its sessions and its memberships go now and cannot come back. Your messages stay, shown as by
        Deleted user. Your username becomes free for anyone.
      </p>
      <PasswordField label="Password" value={password} onChange={setPassword} autoComplete="current-password" />
    </DialogForm>
  );
}
