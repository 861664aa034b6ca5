import type { AppState } from './app.store.types';
import type { Announcement } from './announcer.logic';

export const selectAnnouncements = (s: AppState): readonly Announcement[] => s.announcer.announcements;
