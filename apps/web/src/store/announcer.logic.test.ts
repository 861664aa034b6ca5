import { describe, expect, it } from 'vitest';
import {
  BURST_MAX,
  BURST_WINDOW_MS,
  initialAnnouncerState,
  KEPT_MAX,
  SPOKEN_TEXT_MAX,
  spokenMessage,
  withArrival,
  withRoomOpened,
  type AnnouncerState,
} from './announcer.logic';

const texts = (s: AnnouncerState) => s.announcements.map((a) => a.text);

describe('announcer: what the live region beside the log says', () => {
  it('says each message from someone else once, with its author, at a human pace', () => {
    let s = initialAnnouncerState;
    s = withArrival(s, 'bob', 'hello', 0);
    s = withArrival(s, 'carol', 'hi  there\nall', BURST_WINDOW_MS + 1);
    expect(texts(s)).toEqual(['bob: hello', 'carol: hi there all']);
    expect(new Set(s.announcements.map((a) => a.id)).size).toBe(2);
  });

  it('sums a burst up in one sentence instead of reading a flood', () => {
    let s = initialAnnouncerState;
    for (let i = 0; i < 50; i++) s = withArrival(s, 'bob', `m${i}`, i * 10);
    const said = texts(s);
    expect(said.filter((t) => t.startsWith('bob:'))).toHaveLength(BURST_MAX);
    expect(said.filter((t) => t === 'More new messages in this room')).toHaveLength(1);
    // A new burst after a pause is read again.
    s = withArrival(s, 'bob', 'later', 10_000);
    expect(texts(s).at(-1)).toBe('bob: later');
  });

  it('cuts long texts and keeps only the last few sentences in the region', () => {
    expect(spokenMessage('bob', 'x'.repeat(1000))).toHaveLength('bob: '.length + SPOKEN_TEXT_MAX);
    let s = initialAnnouncerState;
    for (let i = 0; i < 20; i++) s = withArrival(s, 'bob', `m${i}`, i * BURST_WINDOW_MS * 2);
    expect(s.announcements).toHaveLength(KEPT_MAX);
    expect(texts(s).at(-1)).toBe('bob: m19');
  });

  it('names the room just opened and its kind, and starts a fresh burst', () => {
    let s = initialAnnouncerState;
    for (let i = 0; i < 5; i++) s = withArrival(s, 'bob', `m${i}`, i);
    s = withRoomOpened(s, 'bob', 'dm');
    s = withArrival(s, 'bob', 'in the dm', 10);
    expect(texts(s).slice(-2)).toEqual(['bob, direct message', 'bob: in the dm']);
    expect(texts(withRoomOpened(initialAnnouncerState, 'plans', 'private'))).toEqual(['plans, private room']);
  });
});
