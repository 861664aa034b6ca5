import type { RoomSummary } from '@parley/shared-types';
import { useState } from 'react';
import { DrawerToggle } from '../../ui/Drawer';
import { useRoomsNews } from './rooms.news';
import { AddPeopleDialog } from '../people/AddPeopleDialog';
import { InviteDialog } from './InviteDialog';
import { LeaveRoomDialog } from './LeaveRoomDialog';
import { NotifyMenu } from './NotifyMenu';

const KIND_LABEL: Record<RoomSummary['kind'], string> = {
  public: 'Public room',
  private: 'Private room',
  dm: 'Direct message',
  group: 'Group conversation',
};

/**
 * The open room's name (a DM's is the other person's, a group's the other members', G2),
 * its Notifications level (N2) and, for rooms, Invite (I1) and Leave room; for groups,
 * Add people (G3) and Leave conversation (G4). On narrow screens it also holds the
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
        {room.kind === 'group' && (
          <>
            <button type="button" className="ghost" onClick={() => setInviting(true)}>
              Add people
            </button>
            <button type="button" className="ghost" onClick={() => setLeaving(room.id)}>
              Leave conversation
            </button>
          </>
        )}
        {(room.kind === 'public' || room.kind === 'private') && (
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
      {inviting && room.kind === 'group' && <AddPeopleDialog room={room} onClose={() => setInviting(false)} />}
      {inviting && room.kind !== 'group' && <InviteDialog room={room} onClose={() => setInviting(false)} />}
    </header>
  );
}
