import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

/*
 * The README's configuration table is what operators read: it must name every variable
 * loadConfig reads, and nothing it does not. The variables read are found twice over: in
 * config.ts's source (`env.NAME`, `env['NAME']`, a helper called as `(env, 'NAME'` or
 * `('NAME', env.NAME`) and by running loadConfig on an environment that records every name
 * asked of it, so a read written some other way is still caught.
 */

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const CONFIG_SOURCE = fileURLToPath(new URL('../src/config.ts', import.meta.url));

/** The first column of the table under `## Configuration`. */
function readmeVariables(markdown: string): Set<string> {
  const section = /^## Configuration\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Configuration" section');
  const names = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!);
  return new Set(names);
}

function sourceReads(source: string): Set<string> {
  const patterns = [
    /\benv\.([A-Z][A-Z0-9_]*)\b/g,
    /\benv\[\s*'([A-Z][A-Z0-9_]*)'\s*\]/g,
    /\(\s*env\s*,\s*'([A-Z][A-Z0-9_]*)'/g,
    /\(\s*'([A-Z][A-Z0-9_]*)'\s*,\s*env\b/g,
  ];
  return new Set(patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]!)));
}

function runtimeReads(): Set<string> {
  const asked = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, key) {
      if (typeof key === 'string') asked.add(key);
      return undefined;
    },
  });
  loadConfig(env);
  return asked;
}

describe("README.md's configuration table and loadConfig", () => {
  it('lists every variable loadConfig reads', () => {
    const documented = readmeVariables(readFileSync(README, 'utf8'));
    const read = new Set([...sourceReads(readFileSync(CONFIG_SOURCE, 'utf8')), ...runtimeReads()]);
    expect(read.size).toBeGreaterThan(20);
    const missing = [...read].filter((name) => !documented.has(name)).sort();
    expect(missing, 'variables loadConfig reads that README.md does not list').toEqual([]);
  });

  it('lists no variable that loadConfig does not read', () => {
    const documented = readmeVariables(readFileSync(README, 'utf8'));
    const read = new Set([...sourceReads(readFileSync(CONFIG_SOURCE, 'utf8')), ...runtimeReads()]);
    const stale = [...documented].filter((name) => !read.has(name)).sort();
    expect(stale, 'variables README.md lists that loadConfig never reads').toEqual([]);
  });

  it('finds reads in each form config.ts uses (the checker itself)', () => {
    expect([
      ...sourceReads(`env.A_B; env['C']; int(env, 'D_1', 2); parseServiceUrl('E', env.E, x); parseToken(env, 'F')`),
    ]).toEqual(['A_B', 'E', 'C', 'D_1', 'F']);
    expect([
      ...readmeVariables(
        '## Configuration\n\n| variable | default |\n| --- | --- |\n| `PORT` | `3000` |\n\n## Next\n| `NOT` |',
      ),
    ]).toEqual(['PORT']);
  });
});
