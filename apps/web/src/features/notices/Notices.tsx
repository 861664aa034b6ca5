import { useState } from 'react';
import { joinRoom } from '../../realtime/rooms.actions';
import { appStore } from '../../store/app.store';
import { noticeText, type LocalNotice } from '../../store/notices.logic';
import { selectLocalNotices, selectNotices } from '../../store/ui.selectors';
import { useAppStore } from '../../store/use-app-store';

/**
 * Server-wide notices (N1) and the app's own (an invitation with its Join button, a
 * removal, a confirmation), each dismissible. A plain live region, deliberately not
 * role=status: that role belongs to the typing line and the connection banner.
 */
export function Notices() {
  const notices = useAppStore(selectNotices);
  const local = useAppStore(selectLocalNotices);
  return (
    <section aria-label="Notices" aria-live="polite" className="notices">
      {notices.map((notice) => (
        <div key={notice.id} className="notice">
          <p className="notice-text">{notice.text}</p>
          <button type="button" className="ghost" onClick={() => appStore.getState().noticeDismissed(notice.id)}>
            Dismiss
          </button>
        </div>
      ))}
      {local.map((notice) => (
        <LocalNoticeItem key={notice.id} notice={notice} />
      ))}
    </section>
  );
}

function LocalNoticeItem({ notice }: { notice: LocalNotice }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dismiss = () => appStore.getState().localNoticeDismissed(notice.id);

  async function join(roomId: string) {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await joinRoom(roomId);
    // Joined: room:added drops this notice (and the room opens).
    if (!result.ok) {
      setError(result.message);
      setBusy(false);
    }
  }

  return (
    <div className={`notice notice-${notice.kind}`}>
      <p className="notice-text">{noticeText(notice)}</p>
      {notice.kind === 'invited' && (
        <button type="button" className="primary" disabled={busy} onClick={() => void join(notice.room.id)}>
          {`Join ${notice.room.name}`}
        </button>
      )}
      <button type="button" className="ghost" onClick={dismiss}>
        Dismiss
        <span className="visually-hidden">
          {notice.kind === 'invited' ? ` invitation to ${notice.room.name}` : ' notice'}
        </span>
      </button>
      {error && (
        <p role="alert" className="form-error notice-error">
          {error}
        </p>
      )}
    </div>
  );
}
