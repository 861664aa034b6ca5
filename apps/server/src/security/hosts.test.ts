import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostNameOf, hostPolicy } from './hosts.js';

describe('served host names (A10)', () => {
  it('A10: the name of a Host header is lower case, without its port; brackets stay on IPv6', () => {
    expect(hostNameOf('LocalHost:3000')).toBe('localhost');
    expect(hostNameOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostNameOf('[::1]:3000')).toBe('[::1]');
    expect(hostNameOf('[::1]')).toBe('[::1]');
    for (const bad of [undefined, '', '[::1', '[::1]x', 'a:b:c', 'host:port'])
      expect(hostNameOf(bad), String(bad)).toBeNull();
  });

  it('A10: only listed names pass, whatever the port', () => {
    const policy = hostPolicy(['chat.example.com', '[::1]']);
    const req = (host?: string) => ({ headers: host === undefined ? {} : { host } }) as IncomingMessage;
    expect(policy.isAllowed(req('chat.example.com:443'))).toBe(true);
    expect(policy.isAllowed(req('CHAT.example.com'))).toBe(true);
    expect(policy.isAllowed(req('[::1]:80'))).toBe(true);
    expect(policy.isAllowed(req('chat.example.com.evil.test'))).toBe(false);
    expect(policy.isAllowed(req('localhost'))).toBe(false);
    expect(policy.isAllowed(req())).toBe(false);
  });
});
