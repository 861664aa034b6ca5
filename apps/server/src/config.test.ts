import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_HOSTS, loadConfig, tokenStrengthBits } from './config.js';

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
    expect(() => loadConfig({ SQLITE_COMMIT_INTERVAL_MS: '51' })).toThrow(
      /SQLITE_COMMIT_INTERVAL_MS must be an integer from 0 to 50/,
    );
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

  it('ALLOWED_HOSTS defaults to this machine, takes names in any case, and refuses schemes, ports and junk', () => {
    expect(loadConfig({}).allowedHosts).toEqual([...DEFAULT_ALLOWED_HOSTS]);
    expect(loadConfig({ ALLOWED_HOSTS: 'Chat.Example.com, [::1]' }).allowedHosts).toEqual([
      'chat.example.com',
      '[::1]',
    ]);
    for (const bad of ['https://chat.example.com', 'chat.example.com:443', 'a b', '*.example.com']) {
      expect(() => loadConfig({ ALLOWED_HOSTS: bad }), bad).toThrow(/ALLOWED_HOSTS/);
    }
  });

  it('ADMIN_TOKEN strength: hex and base64url tokens of 128 bits pass, shorter or repetitive ones do not', () => {
    expect(tokenStrengthBits('0123456789abcdef0123456789abcdef')).toBe(128);
    expect(tokenStrengthBits('iKNr1TCU6f6B-RJCXhf66Q')).toBeGreaterThanOrEqual(128);
    expect(tokenStrengthBits('0123456789abcdef')).toBe(64);
    expect(tokenStrengthBits('ab'.repeat(40))).toBe(0);
  });
});
