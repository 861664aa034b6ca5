import { appStore } from '../../store/app.store';
import { selectNotices } from '../../store/ui.selectors';
import { useAppStore } from '../../store/use-app-store';

/**
 * Server-wide notices (N1), each dismissible. A plain live region, deliberately not
 * role=status: that role belongs to the typing line and the connection banner.
 */
export function Notices() {
  const notices = useAppStore(selectNotices);
  return (
    <section aria-label="Notices" aria-live="polite" className="notices">
      {notices.map((notice) => (
        <div key={notice.id} className="notice">
          <p className="notice-text">{notice.text}</p>
          <button
            type="button"
            className="ghost"
            onClick={() => appStore.getState().noticeDismissed(notice.id)}
          >
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}
