import { useId, useMemo, useState } from 'react';
import { openDirectMessage } from '../../realtime/rooms.actions';
import { membersWithPresence, selectOnlineMap } from '../../store/presence.selectors';
import { selectActiveRoomId, selectMembers } from '../../store/rooms.selectors';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';

/** Members of the open room with presence; a "Message <name>" button opens a DM (D1). */
export function MembersPanel() {
  const roomId = useAppStore(selectActiveRoomId);
  const members = useAppStore(selectMembers(roomId));
  const online = useAppStore(selectOnlineMap);
  const me = useAppStore(selectUser);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const view = useMemo(() => membersWithPresence(members, online, me?.id), [members, online, me?.id]);
  const onlineCount = view.filter((m) => m.online).length;

  async function message(userId: string) {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await openDirectMessage(userId);
    if (!result.ok) setError(result.message);
    setBusy(false);
  }

  return (
    // A <section> named by its heading is a `region` landmark (an <aside> would be
    // `complementary`): the e2e contract looks for the region "Members".
    <section aria-labelledby={headingId} className="members-panel">
      <div className="panel-header">
        <h3 id={headingId} className="panel-title">
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
          <li key={member.userId} className={member.online ? 'member online' : 'member'}>
            <span className="presence-dot" aria-hidden="true" />
            <span className="member-name">
              {member.username}
              {member.isMe && <span className="muted"> (you)</span>}
            </span>
            <span className="member-state">
              <span className="visually-hidden"> — </span>
              {member.online ? 'online' : 'offline'}
            </span>{' '}
            {!member.isMe && (
              <button
                type="button"
                className="link-button member-dm"
                disabled={busy}
                onClick={() => void message(member.userId)}
              >
                {`Message ${member.username}`}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
