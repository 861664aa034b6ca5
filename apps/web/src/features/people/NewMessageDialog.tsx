import type { User } from '@parley/shared-types';
import { useState } from 'react';
import { startConversation } from '../../realtime/rooms.actions';
import { MAX_PICKED } from '../../store/people.logic';
import { DialogForm } from '../../ui/DialogForm';
import { PeoplePicker } from './PeoplePicker';

/**
 * New message → People → Start: one person opens our DM (D1), two to seven make a group
 * with me (G1); a conversation I already have with exactly them opens instead.
 */
export function NewMessageDialog({ onClose }: { onClose(): void }) {
  const [picked, setPicked] = useState<User[]>([]);
  return (
    <DialogForm
      title="New message"
      submitLabel="Start"
      onClose={onClose}
      check={() => (picked.length === 0 ? 'Pick at least one person.' : null)}
      action={() => startConversation(picked)}
    >
      <PeoplePicker
        picked={picked}
        onChange={setPicked}
        max={MAX_PICKED}
        hint={`One person for a direct message, or up to ${MAX_PICKED} for a group.`}
      />
    </DialogForm>
  );
}
