import type { RoomSummary } from '@parley/shared-types';
import { useState } from 'react';
import { DrawerToggle } from '../../ui/Drawer';
import { useRoomsNews } from './rooms.news';
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
 * except for DMs, Invite (I1) and Leave room. On narrow screens it also holds the
 * `Rooms` and `Members` buttons that open those drawers (hidden at desktop widths).
 */
export function RoomHeader({ room }: { room: RoomSummary }) {
  const roomsNews = useRoomsNews();
  const [inviting, setInviting] = useState(false);
  // The room asked about: the header may show another room before the answer (removed meanwhile).
  const [leaving, setLeaving] = useState<string | null>(null);

  return (
    <header className="room-header">
      <DrawerToggle name="rooms" label="Rooms" news={roomsNews} />
      <div className="room-title">
        {/* A long name is cut with an ellipsis: the tooltip and the heading's name keep it whole. */}
        <h2 title={room.name}>
          <bdi>{room.name}</bdi>
        </h2>
        <span className="room-kind">{KIND_LABEL[room.kind]}</span>
      </div>
      <DrawerToggle name="members" label="Members" />
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
