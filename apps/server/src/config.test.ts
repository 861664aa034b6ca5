import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('defaults to durable commits on the writer thread', () => {
    const config = loadConfig({});
    expect(config.sqliteSynchronous).toBe('FULL');
    expect(config.sqliteWriter).toBe('thread');
    expect(config.sqliteCommitIntervalMs).toBe(2);
    expect(config.handshakesPerIpPerMinute).toBe(600);
    expect(loadConfig({ HANDSHAKES_PER_IP_PER_MINUTE: '5' }).handshakesPerIpPerMinute).toBe(5);
  });

  it('SQLITE_COMMIT_INTERVAL_MS takes 0 to 50 ms and refuses anything else', () => {
    expect(loadConfig({ SQLITE_COMMIT_INTERVAL_MS: '0' }).sqliteCommitIntervalMs).toBe(0);
    expect(() => loadConfig({ SQLITE_COMMIT_INTERVAL_MS: '51' })).toThrow(/SQLITE_COMMIT_INTERVAL_MS must be an integer from 0 to 50/);
    expect(() => loadConfig({ SQLITE_COMMIT_INTERVAL_MS: 'soon' })).toThrow(/got "soon"/);
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
