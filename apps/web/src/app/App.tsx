import { useEffect } from 'react';
import { checkSession } from '../features/auth/auth.actions';
import { SignInScreen } from '../features/auth/SignInScreen';
import { selectSessionStatus } from '../store/session.selectors';
import { useAppStore } from '../store/use-app-store';
import { ChatScreen } from './ChatScreen';

/** The session decides the screen; GET /api/auth/me answers it on load. */
export function App() {
  const status = useAppStore(selectSessionStatus);

  useEffect(() => {
    void checkSession();
  }, []);

  if (status === 'checking') return <div className="splash">Parley</div>;
  return status === 'signedIn' ? <ChatScreen /> : <SignInScreen />;
}
