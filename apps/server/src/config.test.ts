import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('defaults to durable commits on the writer thread', () => {
    const config = loadConfig({});
    expect(config.sqliteSynchronous).toBe('FULL');
    expect(config.sqliteWriter).toBe('thread');
  });

  it('SQLITE_WRITER chooses where commits run, in any case', () => {
    expect(loadConfig({ SQLITE_WRITER: 'main' }).sqliteWriter).toBe('main');
    expect(loadConfig({ SQLITE_WRITER: 'Thread' }).sqliteWriter).toBe('thread');
  });

  it('refuses an unknown SQLITE_WRITER or SQLITE_SYNCHRONOUS with a message naming it', () => {
    expect(() => loadConfig({ SQLITE_WRITER: 'worker' })).toThrow(/SQLITE_WRITER must be thread or main, got "worker"/);
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/SQLITE_SYNCHRONOUS must be FULL or NORMAL/);
  });
});
