import { selectUnreadElsewhere } from '../../store/rooms.selectors';
import { selectPendingInvitationCount } from '../../store/ui.selectors';
import { useAppStore } from '../../store/use-app-store';

/** Joins the parts of a description: "3 unread messages in other rooms, 1 pending invitation". */
function describe(unread: number, invitations: number): string {
  const parts: string[] = [];
  if (unread > 0)
    parts.push(unread === 1 ? '1 unread message in other rooms' : `${unread} unread messages in other rooms`);
  if (invitations > 0) parts.push(invitations === 1 ? '1 pending invitation' : `${invitations} pending invitations`);
  return parts.join(', ');
}

/**
 * On phones the rooms list is a closed drawer: what waits in it (unread messages in other
 * rooms, invitations) shows on its button instead.
 */
export function useRoomsNews(): { count: number; description: string } {
  const unread = useAppStore(selectUnreadElsewhere);
  const invitations = useAppStore(selectPendingInvitationCount);
  return { count: unread + invitations, description: describe(unread, invitations) };
}
