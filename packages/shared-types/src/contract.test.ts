import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_COMMAND_SCHEMAS,
  CHAT_COMMAND_SCHEMAS,
  ERROR_CODES,
  ERROR_MESSAGES,
  MESSAGE_TEXT_MAX,
  charCount,
  isErrorCode,
} from './index.js';

describe('shared contract', () => {
  it('W2: commands are named domain:verb', () => {
    for (const name of [...Object.keys(CHAT_COMMAND_SCHEMAS), ...Object.keys(ADMIN_COMMAND_SCHEMAS)]) {
      expect(name).toMatch(/^[a-z]+:[a-z-]+$/);
    }
  });

  it('W3: every command payload refuses unknown keys and non-objects', () => {
    for (const [name, schema] of Object.entries(CHAT_COMMAND_SCHEMAS)) {
      const check = TypeCompiler.Compile(schema);
      expect(check.Check({ __proto__: null, unexpected: 1 }), name).toBe(false);
      for (const bad of [null, 'x', 7, [], true]) expect(check.Check(bad), `${name} ${String(bad)}`).toBe(false);
    }
  });

  it('W5: every error code has a message, and only those are codes', () => {
    expect(ERROR_CODES.length).toBe(Object.keys(ERROR_MESSAGES).length);
    for (const code of ERROR_CODES) expect(ERROR_MESSAGES[code].length).toBeGreaterThan(0);
    expect(isErrorCode('internal')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('__proto__')).toBe(false);
  });

  it('M5: lengths count code points, so an emoji is one character', () => {
    expect(charCount('abc')).toBe(3);
    expect(charCount('🦜🦜')).toBe(2);
    expect(charCount('é')).toBe(1);
    expect(MESSAGE_TEXT_MAX).toBe(4000);
  });
});
