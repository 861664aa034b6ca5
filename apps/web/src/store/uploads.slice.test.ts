import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import { selectUploads } from './uploads.selectors';

describe('uploads slice (SPEC B1)', () => {
  const item = (key: string, name: string) => ({ key, name, size: 10, loaded: 0, status: 'uploading' as const });

  it('B1: files are kept per room in the order chosen, with progress, completion and refusal', () => {
    const store = createAppStore();
    store.getState().uploadStarted('r1', item('a', 'a.txt'));
    store.getState().uploadStarted('r1', item('b', 'b.png'));
    store.getState().uploadStarted('r2', item('c', 'c.txt'));
    store.getState().uploadChanged('r1', 'a', { loaded: 5 });
    const file = { id: 'f-b', name: 'b.png', size: 10, contentType: 'image/png' };
    store.getState().uploadChanged('r1', 'b', { status: 'uploaded', loaded: 10, file });
    expect(selectUploads('r1')(store.getState()).map((u) => [u.name, u.status, u.loaded])).toEqual([
      ['a.txt', 'uploading', 5],
      ['b.png', 'uploaded', 10],
    ]);
    expect(selectUploads('r2')(store.getState())).toHaveLength(1);
    expect(selectUploads('nowhere')(store.getState())).toEqual([]);
  });

  it('B4: sending takes the finished files out of the composer and leaves one still going up', () => {
    const store = createAppStore();
    store.getState().uploadStarted('r1', item('a', 'a.txt'));
    store.getState().uploadStarted('r1', item('b', 'b.txt'));
    store.getState().uploadsSent('r1', ['b']);
    expect(selectUploads('r1')(store.getState()).map((u) => u.key)).toEqual(['a']);
    store.getState().uploadRemoved('r1', 'a');
    expect(selectUploads('r1')(store.getState())).toEqual([]);
  });

  it('signing out forgets them', () => {
    const store = createAppStore();
    store.getState().uploadStarted('r1', item('a', 'a.txt'));
    store.getState().signedOut();
    expect(selectUploads('r1')(store.getState())).toEqual([]);
  });
});
