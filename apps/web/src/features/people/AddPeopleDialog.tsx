import { GROUP_MAX_MEMBERS, type RoomSummary, type User } from '@parley/shared-types';
import { useMemo, useState } from 'react';
import { addPeople } from '../../realtime/rooms.actions';
import { selectMembers } from '../../store/rooms.selectors';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { DialogForm } from '../../ui/DialogForm';
import { PeoplePicker } from './PeoplePicker';

/** G3: Add people → People → Add, up to GROUP_MAX_MEMBERS in the group; its members are not offered. */
export function AddPeopleDialog({ room, onClose }: { room: RoomSummary; onClose(): void }) {
  const members = useAppStore(selectMembers(room.id));
  const me = useAppStore(selectUser);
  const [picked, setPicked] = useState<User[]>([]);
  const excluded = useMemo(() => new Set([...members.map((m) => m.userId), ...(me ? [me.id] : [])]), [members, me]);
  // Members may not be listed yet: the group holds at least me.
  const places = GROUP_MAX_MEMBERS - Math.max(1, members.length);
  return (
    <DialogForm
      title="Add people"
      submitLabel="Add"
      onClose={onClose}
      check={() => (picked.length === 0 ? 'Pick at least one person.' : null)}
      action={() => addPeople(room.id, picked)}
    >
      <PeoplePicker
        picked={picked}
        onChange={setPicked}
        excluded={excluded}
        max={places}
        hint={`They see the conversation and its history. ${GROUP_MAX_MEMBERS} people at most.`}
      />
    </DialogForm>
  );
}
