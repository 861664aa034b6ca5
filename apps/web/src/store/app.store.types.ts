import type { StateCreator } from 'zustand/vanilla';
import type { AnnouncerSlice } from './announcer.slice';
import type { ConnectionSlice } from './connection.slice';
import type { MessagesSlice } from './messages.slice';
import type { OutboxSlice } from './outbox.slice';
import type { PresenceSlice } from './presence.slice';
import type { RoomsSlice } from './rooms.slice';
import type { SearchSlice } from './search.slice';
import type { SessionSlice } from './session.slice';
import type { TypingSlice } from './typing.slice';
import type { UiSlice } from './ui.slice';
import type { UploadsSlice } from './uploads.slice';

/** The whole store: one object made of slices, each with its actions beside its data. */
export type AppState = SessionSlice &
  ConnectionSlice &
  RoomsSlice &
  MessagesSlice &
  OutboxSlice &
  PresenceSlice &
  TypingSlice &
  UiSlice &
  SearchSlice &
  AnnouncerSlice &
  UploadsSlice;

/** A slice sees the whole store (actions may touch a neighbour in the same update). */
export type AppSlice<T> = StateCreator<AppState, [], [], T>;
