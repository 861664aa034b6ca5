import { randomUUID } from 'node:crypto';

/** Ids are random UUIDs: no coordination between nodes, and they fit TEXT and uuid columns. */
export type IdGenerator = () => string;
export const randomId: IdGenerator = () => randomUUID();
