import type { RoomSummary } from '@parley/shared-types';
import { roomHref } from '../../lib/hash-route';
import { appStore } from '../../store/app.store';
import { selectOnlineMap } from '../../store/presence.selectors';
import { selectActiveRoomId, selectMentions, selectUnread } from '../../store/rooms.selectors';
import { useAppStore } from '../../store/use-app-store';
import { Avatar } from '../../ui/Avatar';

/**
 * One room as a link. The accessible name begins with the room name (a DM's name is the
 * other person's username), then "N unread" and "N mention(s)" when there are any (U2);
 * decorations are hidden from the name.
 */
export function RoomLink({ room }: { room: RoomSummary }) {
  const active = useAppStore(selectActiveRoomId) === room.id;
  const unread = useAppStore(selectUnread(room.id));
  const mentions = useAppStore(selectMentions(room.id));
  const peerOnline = useAppStore((s) => (room.peer ? (selectOnlineMap(s)[room.peer.id] ?? null) : null));

  return (
    <li>
      <a
        href={roomHref(room.id)}
        className={active ? 'room-link active' : 'room-link'}
        aria-current={active ? 'page' : undefined}
        // A choice made: the Rooms drawer (narrow screens) closes, also for the open room.
        onClick={() => appStore.getState().drawerClosed()}
      >
        {room.kind === 'dm' && <Avatar userId={room.peer?.id} name={room.name} size={20} />}
        <bdi className="room-name" title={room.name}>
          {room.name}
        </bdi>
        {room.kind === 'private' && (
          <span className="room-tag" aria-hidden="true" title="Private">
            🔒
          </span>
        )}
        {room.kind === 'dm' && peerOnline !== null && (
          <span className={peerOnline ? 'presence-dot online' : 'presence-dot'} aria-hidden="true" />
        )}
        {unread > 0 && (
          <span className="unread-badge">
            <span className="visually-hidden"> </span>
            {unread}
            <span className="visually-hidden"> unread</span>
          </span>
        )}
        {mentions > 0 && (
          <span className="mention-badge">
            <span className="visually-hidden"> </span>
            <span aria-hidden="true">@</span>
            {mentions}
            <span className="visually-hidden">{mentions === 1 ? ' mention' : ' mentions'}</span>
          </span>
        )}
      </a>
    </li>
  );
}
