#!/usr/bin/env node
/*
 * Upload throughput and server memory (SPEC B2: uploads are streamed, never held whole).
 *
 * Starts the production build (apps/server/dist/server.js, `pnpm run build` first) on a
 * fresh DATA_DIR, pinned to core 0, signs up, uploads a file of MAX_UPLOAD_BYTES (25 MB)
 * several times from this process (core 1) and samples the server's RSS every 10 ms. What it
 * shows: MB/s per upload, and the server's RSS before, at its peak during, and after each
 * upload, against the file's size. If the server held the file in memory, the peak would
 * rise by at least the file's size; streamed, it rises by a small constant (buffers).
 *
 *   node bench/src/upload.bench.mjs [--runs=3] [--mb=25] [--out=bench/results/upload.json]
 *
 * `--mb` sets the file size (and the server's MAX_UPLOAD_BYTES to it): a server that held
 * files would grow with it; one that streams grows by the same bounded amount whatever the
 * size. The first uploads also grow the process once, to a plateau of about 40 MB whatever
 * the file's size (25 MB or 100 MB alike: chunk buffers allocated faster than the collector
 * returns them, not the file). Two warm-up uploads of the file's size reach it; their growth
 * is reported (`warmupGrowthMb`), and the verdict is on the measured uploads after them.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { freePort, rssOf } from './proc.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const RUNS = Number(args.runs ?? 3);
const OUT = resolve(REPO, args.out ?? 'bench/results/upload.json');
const FILE_BYTES = Number(args.mb ?? 25) * 1024 * 1024;
const MB = 1024 * 1024;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Samples RSS until stopped; the peak seen. */
function sampleRss(pid) {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, rssOf(pid) || 0);
      await sleep(10);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return peak;
  };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-upload-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn('taskset', ['-c', '0', process.execPath, join(REPO, 'apps/server/dist/server.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      MAX_UPLOAD_BYTES: String(FILE_BYTES),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = server.pid;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 200) throw new Error('the server did not start');
      await sleep(50);
    }
    const registered = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bencher', password: 'correct horse battery' }),
    });
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
    const cookie = registered.headers.get('set-cookie').split(';')[0];
    const socket = io(`${base}/chat`, { transports: ['websocket'], extraHeaders: { cookie } });
    const rooms = await socket.timeout(5000).emitWithAck('room:list', {});
    socket.close();
    const roomId = rooms.data.find((r) => r.name === 'general').id;

    const upload = async (bytes, name) => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), name);
      const started = performance.now();
      const res = await fetch(`${base}/api/rooms/${roomId}/files`, { method: 'POST', headers: { cookie }, body: form });
      const ms = performance.now() - started;
      if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
      return ms;
    };

    const file = Buffer.alloc(FILE_BYTES);
    for (let i = 0; i < file.length; i += 4096) file[i] = i & 0xff;
    // Warm-up: code paths loaded, the allocator at its plateau.
    const fresh = rssOf(pid);
    await upload(file, 'warmup-1.bin');
    await upload(file, 'warmup-2.bin');
    await sleep(500);
    const warmupGrowthMb = Number(((rssOf(pid) - fresh) / MB).toFixed(1));

    const runs = [];
    for (let run = 1; run <= RUNS; run++) {
      const before = rssOf(pid);
      const stop = sampleRss(pid);
      const ms = await upload(file, `big-${run}.bin`);
      const peak = await stop();
      await sleep(300);
      const after = rssOf(pid);
      runs.push({
        run,
        ms: Math.round(ms),
        mbPerS: Number((FILE_BYTES / MB / (ms / 1000)).toFixed(1)),
        rssBeforeMb: Number((before / MB).toFixed(1)),
        rssPeakMb: Number((peak / MB).toFixed(1)),
        rssAfterMb: Number((after / MB).toFixed(1)),
        peakGrowthMb: Number(((peak - before) / MB).toFixed(1)),
        peakGrowthOfFile: Number(((peak - before) / FILE_BYTES).toFixed(3)),
      });
      console.log(runs.at(-1));
    }
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      storage: 'SQLite + files under DATA_DIR (default)',
      fileMb: FILE_BYTES / MB,
      warmupGrowthMb,
      runs,
      verdict: runs.every((r) => r.peakGrowthOfFile < 0.1)
        ? `flat: each ${FILE_BYTES / MB} MB upload grew the server's RSS by at most ` +
          `${Math.max(...runs.map((r) => r.peakGrowthMb))} MB (warm-up: +${warmupGrowthMb} MB once)`
        : 'NOT flat: the server RSS grew by a tenth of the file or more during an upload',
    };
    await mkdir(dirname(OUT), { recursive: true });
    await writeFile(OUT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`${result.verdict}; written to ${OUT}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
