import type { User } from '@parley/shared-types';
import type { AppState } from './app.store.types';
import type { SessionStatus } from './session.slice';

export const selectSessionStatus = (s: AppState): SessionStatus => s.sessionStatus;
export const selectUser = (s: AppState): User | null => s.user;
