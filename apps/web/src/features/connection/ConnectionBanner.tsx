import { selectConnectionBanner } from '../../store/connection.selectors';
import { useAppStore } from '../../store/use-app-store';

/** "Connecting…", "Reconnecting…" or "Offline" while not connected; absent when connected. */
export function ConnectionBanner() {
  const text = useAppStore(selectConnectionBanner);
  if (!text) return null;
  return (
    <div role="status" className={text === 'Offline' ? 'connection-banner offline' : 'connection-banner'}>
      {text}
    </div>
  );
}
