import { useState } from 'react';
import { enableNotifications, notificationPermission } from '../../realtime/notifications';

/**
 * N3: `Enable notifications` asks the browser for permission, on this click and never on
 * load. Shown only while the browser has not been asked; once granted, notifications
 * simply work.
 */
export function EnableNotifications() {
  const [permission, setPermission] = useState(notificationPermission);
  if (permission !== 'default') return null;
  return (
    <button
      type="button"
      className="ghost enable-notifications"
      onClick={() => void enableNotifications().then(setPermission)}
    >
      Enable notifications
    </button>
  );
}
