import type { Storage } from '../storage/storage.js';
import { AccountService } from './account.service.js';
import { AuthService, type PasswordHasher, type SessionPolicy } from './auth.service.js';
import type { Clock } from './clock.js';
import { FilesService } from './files.service.js';
import type { IdGenerator } from './ids.js';
import { MessagesService } from './messages.service.js';
import type { PresenceDirectory } from './presence.directory.js';
import { PresenceService } from './presence.service.js';
import { PresenceTracker } from './presence.tracker.js';
import { ReadsService } from './reads.service.js';
import { RoomsService } from './rooms.service.js';
import { SearchService } from './search.service.js';
import { TypingTracker } from './typing.tracker.js';

export type Services = {
  auth: AuthService;
  account: AccountService;
  rooms: RoomsService;
  messages: MessagesService;
  files: FilesService;
  search: SearchService;
  reads: ReadsService;
  presence: PresenceDirectory;
  /** P4–P6: what others see of people, over `presence`. */
  presenceViews: PresenceService;
  typing: TypingTracker;
};

/** Wires the domain together; no transport in sight. */
export function createServices(deps: {
  storage: Storage;
  clock: Clock;
  newId: IdGenerator;
  hasher: PasswordHasher;
  sessionPolicy: SessionPolicy;
  presenceGraceMs: number;
  /** B2: the cap on one uploaded file. */
  maxUploadBytes: number;
  /** Shared by several nodes (REDIS_URL); by default this process's connections only. */
  presence?: PresenceDirectory;
}): Services {
  const { storage, clock, newId } = deps;
  const presence = deps.presence ?? new PresenceTracker(clock, deps.presenceGraceMs);
  const presenceViews = new PresenceService({ directory: presence, storage, clock });
  const rooms = new RoomsService({ storage, clock, newId, viewsOf: (ids) => presenceViews.viewsOf(ids) });
  return {
    presence,
    presenceViews,
    rooms,
    typing: new TypingTracker(clock),
    messages: new MessagesService({ storage, clock, newId }),
    files: new FilesService({ storage, clock, newId, maxUploadBytes: deps.maxUploadBytes }),
    search: new SearchService({ storage }),
    reads: new ReadsService({ storage }),
    account: new AccountService({ storage, hasher: deps.hasher, clock }),
    auth: new AuthService({
      storage,
      clock,
      newId,
      hasher: deps.hasher,
      policy: deps.sessionPolicy,
      autoJoinRoomIds: () => rooms.autoJoinRoomIds(),
    }),
  };
}
