import type { RoomSummary } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { existingConversation, groupNameOf, peopleOptions } from './people.logic';

const bob = { id: 'u-bob', username: 'bob' };
const carol = { id: 'u-carol', username: 'Carol' };
const dave = { id: 'u-dave', username: 'dave_b' };
const abe = { id: 'u-abe', username: 'abe' };

describe('people.logic', () => {
  it('G7: options start with the names beginning with what was typed, then those containing it; @ and case ignored', () => {
    const people = [abe, bob, carol, dave];
    expect(peopleOptions(people, '', new Set()).map((p) => p.username)).toEqual(['abe', 'bob', 'Carol', 'dave_b']);
    expect(peopleOptions(people, '@B', new Set()).map((p) => p.username)).toEqual(['bob', 'abe', 'dave_b']);
    expect(peopleOptions(people, 'b', new Set([bob.id])).map((p) => p.username)).toEqual(['abe', 'dave_b']);
    expect(peopleOptions(people, 'zed', new Set())).toEqual([]);
  });

  it('G2: a group is named by the others, sorted ignoring case, as the server names it', () => {
    expect(groupNameOf([dave, carol, bob])).toBe('bob, Carol, dave_b');
  });

  it('G1: picking the people of a DM or group I already have finds it', () => {
    const dm = { id: 'dm', kind: 'dm', name: 'bob', peer: bob, lastSeq: 0 } satisfies RoomSummary;
    const group = { id: 'g', kind: 'group', name: 'bob, Carol', lastSeq: 0 } satisfies RoomSummary;
    const rooms = { dm, g: group };
    expect(existingConversation(rooms, [bob])).toBe(dm);
    expect(existingConversation(rooms, [carol, bob])).toBe(group);
    expect(existingConversation(rooms, [carol])).toBeUndefined();
    expect(existingConversation(rooms, [bob, carol, dave])).toBeUndefined();
  });
});
