import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_HOSTS, loadConfig, tokenStrengthBits } from './config.js';

describe('configuration from the environment', () => {
  it('defaults to durable commits on the writer thread', () => {
    const config = loadConfig({});
    expect(config.sqliteSynchronous).toBe('FULL');
    expect(config.sqliteWriter).toBe('thread');
    expect(config.sqliteCommitIntervalMs).toBe(5);
    expect(config.socketWrites).toBe('direct');
    expect(config.handshakesPerIpPerMinute).toBe(600);
    expect(loadConfig({ HANDSHAKES_PER_IP_PER_MINUTE: '5' }).handshakesPerIpPerMinute).toBe(5);
  });

  it('SOCKET_WRITES takes stock, coalesced or direct and refuses anything else', () => {
    expect(loadConfig({ SOCKET_WRITES: 'stock' }).socketWrites).toBe('stock');
    expect(loadConfig({ SOCKET_WRITES: 'Coalesced' }).socketWrites).toBe('coalesced');
    expect(() => loadConfig({ SOCKET_WRITES: 'fast' })).toThrow(
      /SOCKET_WRITES must be one of stock, coalesced, direct, got "fast"/,
    );
  });

  it('SQLITE_COMMIT_INTERVAL_MS takes 0 to 50 ms and refuses anything else', () => {
    expect(loadConfig({ SQLITE_COMMIT_INTERVAL_MS: '0' }).sqliteCommitIntervalMs).toBe(0);
    expect(() => loadConfig({ SQLITE_COMMIT_INTERVAL_MS: '51' })).toThrow(
      /SQLITE_COMMIT_INTERVAL_MS must be an integer from 0 to 50/,
    );
    expect(() => loadConfig({ SQLITE_COMMIT_INTERVAL_MS: 'soon' })).toThrow(/got "soon"/);
  });

  it('NODE_ID names the node for the balancer cookie; unset means none; anything not cookie-safe is refused', () => {
    expect(loadConfig({}).nodeId).toBeNull();
    expect(loadConfig({ NODE_ID: 'node-1' }).nodeId).toBe('node-1');
    for (const bad of ['node 1', 'a;b=c', 'x'.repeat(33), 'nøde']) {
      expect(() => loadConfig({ NODE_ID: bad })).toThrow(/NODE_ID must be 1 to 32 letters/);
    }
  });

  it('S8, S9: STORAGE_MIN_FREE_MB defaults to 64 (0 turns it off); SQLITE_QUICK_CHECK is 1 or 0', () => {
    expect(loadConfig({}).storageMinFreeMb).toBe(64);
    expect(loadConfig({ STORAGE_MIN_FREE_MB: '0' }).storageMinFreeMb).toBe(0);
    expect(() => loadConfig({ STORAGE_MIN_FREE_MB: '-1' })).toThrow(/STORAGE_MIN_FREE_MB must be an integer/);
    expect(loadConfig({}).sqliteQuickCheck).toBe(true);
    expect(loadConfig({ SQLITE_QUICK_CHECK: '0' }).sqliteQuickCheck).toBe(false);
    expect(() => loadConfig({ SQLITE_QUICK_CHECK: 'no' })).toThrow(/SQLITE_QUICK_CHECK must be 1 or 0, got "no"/);
  });

  it('SQLITE_WRITER chooses where commits run, in any case', () => {
    expect(loadConfig({ SQLITE_WRITER: 'main' }).sqliteWriter).toBe('main');
    expect(loadConfig({ SQLITE_WRITER: 'Thread' }).sqliteWriter).toBe('thread');
  });

  it('refuses an unknown SQLITE_WRITER or SQLITE_SYNCHRONOUS with a message naming it', () => {
    expect(() => loadConfig({ SQLITE_WRITER: 'worker' })).toThrow(/SQLITE_WRITER must be thread or main, got "worker"/);
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/SQLITE_SYNCHRONOUS must be FULL or NORMAL/);
  });

  it('DATABASE_URL: unset or empty keeps SQLite; a postgres:// or postgresql:// URL selects PostgreSQL', () => {
    expect(loadConfig({}).databaseUrl).toBeNull();
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeNull();
    const url = 'postgres://parley:secret@db.internal:5432/parley?sslmode=require';
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/parley' }).databaseUrl).toBe('postgresql://db/parley');
  });

  it('DATABASE_URL of another kind refuses to start, without echoing the URL (it may hold a password)', () => {
    for (const bad of ['mysql://root:hunter2@db/parley', 'sqlite:///data/parley.sqlite', 'https://db.example.com']) {
      expect(() => loadConfig({ DATABASE_URL: bad }), bad).toThrow(
        /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
      );
    }
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/parley' })).toThrow(/not mysql:\/\//);
    expect(() => loadConfig({ DATABASE_URL: 'root:hunter2@db/parley' })).toThrow(/it is not a URL/);
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/parley' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('hunter2');
  });

  it('REDIS_URL: unset or empty means one node without Redis; a redis:// or rediss:// URL is kept', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ REDIS_URL: ' ' }).redisUrl).toBeNull();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe('redis://127.0.0.1:6379/2');
    const tls = 'rediss://default:secret@cache.internal:6380';
    expect(loadConfig({ REDIS_URL: tls }).redisUrl).toBe(tls);
  });

  it('REDIS_URL of another kind refuses to start, without echoing the URL (it may hold a password)', () => {
    for (const bad of ['http://cache:6379', 'valkey://cache', 'postgres://db/parley']) {
      expect(() => loadConfig({ REDIS_URL: bad }), bad).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    }
    expect(() => loadConfig({ REDIS_URL: 'cache.internal:6379' })).toThrow(/it is not a URL/);
    expect(() => loadConfig({ REDIS_URL: 'tcp://user:hunter2@cache:6379' })).toThrow(/not tcp:\/\//);
    let message = '';
    try {
      loadConfig({ REDIS_URL: 'tcp://user:hunter2@cache:6379' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('hunter2');
  });

  it('DATABASE_POOL_MAX defaults to 10 and takes 1 to 100', () => {
    expect(loadConfig({}).databasePoolMax).toBe(10);
    expect(loadConfig({ DATABASE_POOL_MAX: '1' }).databasePoolMax).toBe(1);
    expect(loadConfig({ DATABASE_POOL_MAX: '100' }).databasePoolMax).toBe(100);
    for (const bad of ['0', '101', '2.5', 'many']) {
      expect(() => loadConfig({ DATABASE_POOL_MAX: bad }), bad).toThrow(
        /DATABASE_POOL_MAX must be an integer from 1 to 100/,
      );
    }
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

  it('S6, S10: SHUTDOWN_GRACE_MS, MAX_SEND_BUFFER_BYTES and SLOW_CONSUMER_MS have defaults and refuse nonsense', () => {
    const config = loadConfig({});
    expect(config.shutdownGraceMs).toBe(3000);
    expect(config.maxSendBufferBytes).toBe(1024 * 1024);
    expect(config.slowConsumerMs).toBe(5000);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '0' }).shutdownGraceMs).toBe(0);
    expect(loadConfig({ MAX_SEND_BUFFER_BYTES: '262144' }).maxSendBufferBytes).toBe(262_144);
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: '-1' })).toThrow(
      /SHUTDOWN_GRACE_MS must be an integer from 0 to 60000/,
    );
    expect(() => loadConfig({ MAX_SEND_BUFFER_BYTES: '1000' })).toThrow(
      /MAX_SEND_BUFFER_BYTES must be an integer from 65536/,
    );
    expect(() => loadConfig({ SLOW_CONSUMER_MS: 'soon' })).toThrow(/SLOW_CONSUMER_MS must be an integer/);
  });

  it('O1: metrics are off by default; METRICS_TOKEN must carry 128 bits, like ADMIN_TOKEN', () => {
    const config = loadConfig({});
    expect(config.metricsToken).toBeNull();
    expect(config.metricsPort).toBeNull();
    expect(config.metricsHost).toBe('127.0.0.1');
    const token = '0123456789abcdef0123456789abcdef';
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
    for (const weak of ['0123456789abcdef', 'metrics', 'ab'.repeat(40)]) {
      expect(() => loadConfig({ METRICS_TOKEN: weak }), weak).toThrow(/METRICS_TOKEN must carry at least 128 bits/);
    }
  });

  it('O1: METRICS_PORT takes 1 to 65535 and must differ from PORT; METRICS_HOST says where it binds', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(loadConfig({ METRICS_PORT: '' }).metricsPort).toBeNull();
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metricsHost).toBe('10.0.0.5');
    for (const bad of ['0', '65536', 'nine']) {
      expect(() => loadConfig({ METRICS_PORT: bad }), bad).toThrow(/METRICS_PORT must be an integer from 1 to 65535/);
    }
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from PORT \(3000\)/);
  });
});
