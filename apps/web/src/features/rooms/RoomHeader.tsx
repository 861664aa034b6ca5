import type { RoomSummary } from '@parley/shared-types';
import { useState } from 'react';
import { InviteDialog } from './InviteDialog';
import { LeaveRoomDialog } from './LeaveRoomDialog';
import { NotifyMenu } from './NotifyMenu';

const KIND_LABEL: Record<RoomSummary['kind'], string> = {
  public: 'Public room',
  private: 'Private room',
  dm: 'Direct message',
};

/**
 * The open room's name (a DM's is the other person's), its Notifications level (N2) and,
 * except for DMs, Invite (I1) and Leave room.
 */
export function RoomHeader({ room }: { room: RoomSummary }) {
  const [inviting, setInviting] = useState(false);
  // The room asked about: the header may show another room before the answer (removed meanwhile).
  const [leaving, setLeaving] = useState<string | null>(null);

  return (
    <header className="room-header">
      <div className="room-title">
        <h2>
          <bdi>{room.name}</bdi>
        </h2>
        <span className="room-kind">{KIND_LABEL[room.kind]}</span>
      </div>
      <div className="room-actions">
        <NotifyMenu room={room} />
        {room.kind !== 'dm' && (
          <>
            <button type="button" className="ghost" onClick={() => setInviting(true)}>
              Invite
            </button>
            <button type="button" className="ghost" onClick={() => setLeaving(room.id)}>
              Leave room
            </button>
          </>
        )}
      </div>
      {leaving === room.id && <LeaveRoomDialog room={room} onClose={() => setLeaving(null)} />}
      {inviting && <InviteDialog room={room} onClose={() => setInviting(false)} />}
    </header>
  );
}
