import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { timeAgo } from '../../lib/relative-time';
import { openDirectMessage } from '../../realtime/rooms.actions';
import { appStore } from '../../store/app.store';
import {
  membersWithPresence,
  selectOnlineMap,
  selectPresenceMap,
  type MemberView,
} from '../../store/presence.selectors';
import { selectActiveRoom, selectMembers } from '../../store/rooms.selectors';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { Avatar } from '../../ui/Avatar';
import { RemoveMemberDialog } from './RemoveMemberDialog';

/**
 * Members of the open room with presence; a "Message <name>" button opens a DM (D1; not
 * offered inside that DM), and
 * for the room's owner a "Remove <name>" button removes that member (I3).
 */
export function MembersPanel() {
  const room = useAppStore(selectActiveRoom);
  const roomId = room?.id ?? null;
  const members = useAppStore(selectMembers(roomId));
  const online = useAppStore(selectOnlineMap);
  const presence = useAppStore(selectPresenceMap);
  const now = useMinuteClock();
  const me = useAppStore(selectUser);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Asked about per room: the dialog goes if the open room changes or the member leaves.
  const [removing, setRemoving] = useState<{ roomId: string; userId: string } | null>(null);
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const view = useMemo(
    () => membersWithPresence(members, online, me?.id, presence),
    [members, online, me?.id, presence],
  );
  const onlineCount = view.filter((m) => m.online).length;
  const iOwnIt = room !== null && room.kind !== 'dm' && me !== null && room.ownerId === me.id;
  const toRemove = removing?.roomId === roomId ? view.find((m) => m.userId === removing.userId) : undefined;

  async function run(action: () => Promise<{ ok: boolean; message?: string }>, options: { choice?: boolean } = {}) {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await action();
    if (!result.ok) setError(result.message ?? null);
    // A DM opened is a choice made: the Members drawer (narrow screens) closes, even
    // when that DM was already the open room.
    else if (options.choice) appStore.getState().drawerClosed();
    setBusy(false);
  }

  return (
    // A <section> named by its heading is a `region` landmark (an <aside> would be
    // `complementary`): the e2e contract looks for the region "Members".
    <section aria-labelledby={headingId} className="members-panel">
      <div className="panel-header">
        <h3 id={headingId} ref={heading} tabIndex={-1} className="panel-title">
          Members
        </h3>
        {roomId && view.length > 0 && (
          <span className="muted panel-count" title="Online / all">
            {onlineCount}/{view.length}
          </span>
        )}
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <ul className="member-list">
        {view.map((member) => (
          <li key={member.userId} className={`member ${member.state}`}>
            <span className="presence-dot" aria-hidden="true" />
            <Avatar userId={member.userId} name={member.username} size={24} />
            <span className="member-name" title={member.username}>
              {member.username}
              {member.isMe && <span className="muted"> (you)</span>}
              {room?.ownerId === member.userId && <span className="muted"> · owner</span>}
            </span>
            <span className="member-state">
              <span className="visually-hidden"> — </span>
              {stateWords(member, now)}
            </span>{' '}
            {!member.isMe && (
              <span className="member-actions">
                {/* In our DM the conversation is already open: a button to open it is noise. */}
                {room?.kind !== 'dm' && (
                  <button
                    type="button"
                    className="link-button member-dm"
                    title={`Message ${member.username}`}
                    disabled={busy}
                    onClick={() => void run(() => openDirectMessage(member.userId), { choice: true })}
                  >
                    {`Message ${member.username}`}
                  </button>
                )}
                {iOwnIt && roomId && (
                  <button
                    type="button"
                    className="link-button member-remove"
                    title={`Remove ${member.username}`}
                    disabled={busy}
                    onClick={() => setRemoving({ roomId, userId: member.userId })}
                  >
                    {`Remove ${member.username}`}
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
      {room && toRemove && (
        <RemoveMemberDialog
          room={room}
          member={toRemove}
          onClose={() => setRemoving(null)}
          focusAfter={() => heading.current}
        />
      )}
    </section>
  );
}

/** P4, P5 in words: `online`, `away`, or `offline` with when the person was last seen. */
function stateWords(member: MemberView, now: number): string {
  if (member.state === 'active') return 'online';
  if (member.state === 'away') return 'away';
  return member.lastSeenAt === undefined ? 'offline' : `offline, last seen ${timeAgo(member.lastSeenAt, now)}`;
}

/** The time now, renewed every minute, so `last seen 5 minutes ago` keeps up. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}
