// Turns results/latest.json into RESULTS.md (tables, targets met or missed) and
// results/latency.svg (p99 against inbound rate for scenario C, one line per server).
// Text between the notes markers of an existing RESULTS.md is kept across runs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { INITIAL_JS_LIMIT_BYTES, initialJs } from '../../scripts/initial-js.mjs';
import { join } from 'node:path';

const NAMES = { s0: "S0 guide's Socket.IO", s1: 'S1 Parley', s2: 'S2 raw ws', s1x2: 'S1×2 Parley, 2 nodes' };
const KINDS = ['s0', 's1', 's2'];
/** Scenario C also knows S1×2: two Parley nodes on PostgreSQL + Redis (`--servers=s1,s1x2`). */
const C_KINDS = [...KINDS, 's1x2'];
const NOTES_START = '<!-- notes:start (hand-written; kept when the bench rewrites this file) -->';
const NOTES_END = '<!-- notes:end -->';

const fmt = (x, d = 1) =>
  x === null || x === undefined || Number.isNaN(x)
    ? '–'
    : typeof x === 'number'
      ? x.toLocaleString('en-US', { maximumFractionDigits: d })
      : String(x);
const pct = (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(r === 1 ? 0 : 3)} %`);
const validMark = (g) => (!g || g.valid ? '' : g.quiet === false ? ' ⚠busy' : ' ⚠gen');

function stepAt(results, scenario, kind, rate) {
  return results.scenarios?.[scenario]?.[kind]?.steps?.find((s) => s.targetRate === rate) ?? null;
}

/** Each target with its number, met (true), missed (false) or not measured (null). */
export function evaluateTargets(results) {
  const S = results.scenarios ?? {};
  const t = [];
  const add = (id, text, met, value, note) => t.push({ id, text, met, value, ...(note ? { note } : {}) });

  const a = S.A?.s1?.levels?.at(-1);
  add(
    'A1',
    `S1 RSS per idle connection at ${a?.connections ?? '10k'} ≤ 20 KB`,
    a ? a.rssPerConnKB <= 20 : null,
    a ? `${a.rssPerConnKB} KB/conn (${a.rssMB} MB at ${a.connected} connections)` : 'not run',
  );
  add(
    'A2',
    'S1 idle CPU at 10k connections ≤ 5 %',
    a ? a.idleCpuPct <= 5 : null,
    a ? `${a.idleCpuPct} % over ${a.idleWindowS} s` : 'not run',
  );

  const b0 = S.B?.s0;
  const b1 = S.B?.s1;
  if (b0?.kneeDeliveriesPerSec !== undefined && b1?.kneeDeliveriesPerSec !== undefined) {
    const ratio = b0.kneeDeliveriesPerSec > 0 ? b1.kneeDeliveriesPerSec / b0.kneeDeliveriesPerSec : null;
    // Cross-check that does not depend on where the generator gives out: deliveries per
    // server CPU-second, S1 over S0, on the steps both took validly with a busy server.
    const eff = [];
    for (const s1 of b1.steps ?? []) {
      const s0 = b0.steps?.find((x) => x.targetRate === s1.targetRate);
      if (
        s0 &&
        s0.generator.valid &&
        s1.generator.valid &&
        s0.serverCpuPct >= 25 &&
        s1.serverCpuPct >= 25 &&
        s0.deliveriesPerCpuSec &&
        s1.deliveriesPerCpuSec
      ) {
        eff.push(s1.deliveriesPerCpuSec / s0.deliveriesPerCpuSec);
      }
    }
    const effRatio = eff.length ? eff.reduce((a, x) => a + x, 0) / eff.length : null;
    add(
      'B',
      "S1 deliveries/s at the knee ≥ 0.8 × S0's",
      ratio === null ? null : ratio >= 0.8 && (effRatio === null || effRatio >= 0.8),
      `knee ${fmt(b1.kneeDeliveriesPerSec, 0)} vs ${fmt(b0.kneeDeliveriesPerSec, 0)} deliveries/s = ${ratio === null ? '–' : ratio.toFixed(2)}×; deliveries per server CPU-second ${effRatio === null ? '–' : effRatio.toFixed(2)}× S0's (mean of ${eff.length} common valid steps)`,
      b0.lowerBound
        ? "S0's knee is a lower bound (the generator reached its limit before S0 broke), so the CPU-efficiency ratio is the fairer comparison"
        : undefined,
    );
    add(
      'B2',
      "S1 deliveries per server CPU-second in B ≥ 1.2 × S0's",
      effRatio === null ? null : effRatio >= 1.2,
      effRatio === null
        ? 'no step both servers took validly with a busy server'
        : `${effRatio.toFixed(2)}× (mean of ${eff.length} common valid steps with ≥ 25 % server CPU: ${eff.map((x) => x.toFixed(2)).join(', ')})`,
    );
  } else add('B', "S1 deliveries/s at the knee ≥ 0.8 × S0's", null, 'not run');

  const cStep = (rate) => stepAt(results, 'C', 's1', rate);
  const cOk = (s) =>
    s &&
    s.latencyMs.p99 !== null &&
    s.latencyMs.p99 <= 100 &&
    s.deliveredRatio === 1 &&
    s.ackErrors === 0 &&
    !s.unacked;
  const cVal = (s) =>
    s
      ? `p99 ${s.latencyMs.p99} ms, delivered ${pct(s.deliveredRatio)}, ${s.ackErrors} errors, ${fmt(s.deliveriesPerSec, 0)} deliveries/s${s.generator.valid ? '' : ' (step flagged by the validity guards)'}`
      : 'not run';
  // The same step is taken again by the tuning comparison and the profile: report the spread.
  const repeats = (rate) =>
    [
      ...(results.tuning?.nativeAddons ?? []).flatMap((v) => v.steps.filter((x) => x.targetRate === rate)),
      ...[...(results.tuning?.socketWrites ?? []), ...(results.tuning?.sqliteWriter ?? [])]
        .filter((v) => v.shipped)
        .flatMap((v) => v.steps.filter((x) => x.targetRate === rate)),
      ...(results.profile?.steps ?? []).filter((x) => x.targetRate === rate),
    ].map((x) => x.latencyMs.p99);
  const spread = (rate) => {
    const xs = repeats(rate);
    if (!xs.length) return '';
    const sorted = [...xs].sort((a, b) => a - b);
    return `; the same step repeated ${xs.length}× later in this run (tuning, profile): p99 ${xs.join(', ')} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms`;
  };
  add(
    'C1',
    'S1 ≥ 1,000 msg/s inbound in 20-member rooms (20k deliveries/s), persisted: p99 ≤ 100 ms, 100 % delivered',
    cStep(1000) ? cOk(cStep(1000)) : null,
    cVal(cStep(1000)) + spread(1000),
  );
  add(
    'C2',
    'stretch: the same at 2,000 msg/s',
    cStep(2000) ? cOk(cStep(2000)) : null,
    cVal(cStep(2000)) + spread(2000),
  );
  // Issue 14: CPU per delivery at C1's rate, S1 over S0, in this run.
  const c0 = results.scenarios?.C?.s0?.steps?.find((x) => x.targetRate === 1000);
  const c1 = cStep(1000);
  const cpuRatio =
    c0?.deliveriesPerCpuSec && c1?.deliveriesPerCpuSec ? c0.deliveriesPerCpuSec / c1.deliveriesPerCpuSec : null;
  add(
    'C4',
    "S1 server CPU per delivery in C at 1,000 msg/s ≤ 1.0 × S0's",
    cpuRatio === null ? null : cpuRatio <= 1,
    cpuRatio === null
      ? 'not run'
      : `${cpuRatio.toFixed(2)}× (${(1e6 / c1.deliveriesPerCpuSec).toFixed(1)} µs against ${(1e6 / c0.deliveriesPerCpuSec).toFixed(1)} µs of server CPU per delivery)`,
  );
  const low = results.scenarios?.C?.s1?.steps?.[0];
  add(
    'C3',
    `S1 low load (${low?.targetRate ?? 50} msg/s): p50 ≤ 3 ms, p99 ≤ 20 ms`,
    low ? low.latencyMs.p50 <= 3 && low.latencyMs.p99 <= 20 : null,
    low ? `p50 ${low.latencyMs.p50} ms, p99 ${low.latencyMs.p99} ms` : 'not run',
  );

  const d = S.D?.s1;
  add(
    'D1',
    `S1 ${d?.connect?.clients ?? '10k'} connections with 0 errors within 15 s`,
    d?.connect ? d.connect.errors === 0 && d.connect.connected === d.connect.clients && d.connect.seconds <= 15 : null,
    d?.connect
      ? `${d.connect.connected}/${d.connect.clients} in ${d.connect.seconds} s, ${d.connect.errors} errors`
      : 'not run',
  );
  add(
    'D2',
    'S1 99 % back within 30 s after kill -9',
    d?.reconnect ? d.reconnect.secondsTo99 !== null && d.reconnect.secondsTo99 <= 30 : null,
    d?.reconnect
      ? `99 % in ${d.reconnect.secondsTo99 ?? '>' + 60} s, all in ${d.reconnect.secondsTo100 ?? '–'} s (${d.reconnect.back}/${d.reconnect.clients}; restart took ${d.reconnect.restartSeconds} s)`
      : 'not run',
  );
  const e = S.E?.s1;
  const g = S.G?.s1;
  add(
    'G',
    'S1 at C1 with edits (1 per 10 messages) and reactions (1 per 5): messages p99 ≤ 100 ms, 100 % delivered, no errors',
    g?.latencyMs ? cOk(g) && g.changes.errors === 0 : null,
    g?.latencyMs
      ? `${cVal(g)}; ${fmt(g.changes.edits, 0)} edits and ${fmt(g.changes.reactions, 0)} reactions, ack p99 ${fmt(g.changes.ackLatencyMs?.p99)} ms, ${g.changes.errors} errors`
      : 'not run',
  );
  add(
    'E',
    'S1 history (newest 50 of 10k) p99 ≤ 50 ms under 100 concurrent fetches',
    e?.latencyMs ? e.latencyMs.p99 <= 50 && e.errors === 0 : null,
    e?.latencyMs ? `p99 ${e.latencyMs.p99} ms, p50 ${e.latencyMs.p50} ms, ${e.ok}/${e.fetches} ok` : 'not run',
  );
  return t;
}

// ------------------------------------------------------------------ SVG

/** p99 latency against inbound rate for scenario C, log–log, one polyline per server. */
export function latencySvg(results) {
  const W = 760;
  const H = 440;
  const m = { l: 70, r: 170, t: 40, b: 60 };
  const colors = { s0: '#1f77b4', s1: '#d62728', s2: '#2ca02c', s1x2: '#9467bd' };
  const series = C_KINDS.map((k) => ({
    k,
    steps: (results.scenarios?.C?.[k]?.steps ?? []).filter((s) => s.latencyMs.p99 !== null),
  })).filter((s) => s.steps.length);
  const rates = series.flatMap((s) => s.steps.map((x) => x.targetRate));
  const p99s = series.flatMap((s) => s.steps.map((x) => x.latencyMs.p99));
  if (rates.length === 0)
    return '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">no scenario C data</text></svg>\n';
  const x0 = Math.log10(Math.min(...rates) / 1.3);
  const x1 = Math.log10(Math.max(...rates) * 1.3);
  const yMin = Math.max(0.1, Math.min(...p99s) / 1.5);
  const yMax = Math.max(200, Math.max(...p99s) * 1.5);
  const y0 = Math.log10(yMin);
  const y1 = Math.log10(yMax);
  const X = (r) => m.l + ((Math.log10(r) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (v) => H - m.b - ((Math.log10(v) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(
    `<text x="${m.l}" y="22" font-size="15" font-weight="bold">Scenario C: p99 delivery latency vs inbound rate (rooms of 20)</text>`,
  );
  // grid and axes
  for (let e = Math.floor(y0); e <= Math.ceil(y1); e++) {
    for (const mul of [1, 2, 5]) {
      const v = mul * 10 ** e;
      if (v < yMin || v > yMax) continue;
      const y = Y(v).toFixed(1);
      out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
      out.push(`<text x="${m.l - 6}" y="${Number(y) + 4}" text-anchor="end">${v >= 1 ? v : v.toFixed(1)}</text>`);
    }
  }
  for (const r of [...new Set(rates)].sort((a, b) => a - b)) {
    const x = X(r).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${H - m.b + 16}" text-anchor="middle">${r}</text>`);
  }
  const y100 = Y(100).toFixed(1);
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y100}" y2="${y100}" stroke="#888" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${W - m.r - 4}" y="${Number(y100) - 5}" text-anchor="end" fill="#555">target p99 100 ms</text>`);
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`,
  );
  out.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 18}" text-anchor="middle">inbound messages/s (log scale; deliveries/s = 20×)</text>`,
  );
  out.push(
    `<text transform="translate(18 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">p99 latency, ms (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.steps.map((x) => `${X(x.targetRate).toFixed(1)},${Y(x.latencyMs.p99).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${colors[s.k]}" stroke-width="2.5"/>`);
    for (const x of s.steps) {
      const filled = x.generator.valid && x.deliveredRatio === 1;
      out.push(
        `<circle cx="${X(x.targetRate).toFixed(1)}" cy="${Y(x.latencyMs.p99).toFixed(1)}" r="4" fill="${filled ? colors[s.k] : 'white'}" stroke="${colors[s.k]}" stroke-width="2"/>`,
      );
    }
    const ly = m.t + 14 + i * 20;
    out.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colors[s.k]}" stroke-width="2.5"/>`,
    );
    out.push(`<text x="${W - m.r + 42}" y="${ly}">${NAMES[s.k]}</text>`);
  });
  const ny = m.t + 14 + series.length * 20 + 10;
  out.push(`<text x="${W - m.r + 12}" y="${ny}" fill="#555" font-size="11">hollow point: step flagged</text>`);
  out.push(`<text x="${W - m.r + 12}" y="${ny + 14}" fill="#555" font-size="11">(guards) or not 100 %</text>`);
  out.push(`<text x="${W - m.r + 12}" y="${ny + 28}" fill="#555" font-size="11">delivered</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

// ------------------------------------------------------------------ markdown

function table(head, rows) {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
const lat = (l) =>
  l && l.p99 !== null
    ? `${fmt(l.p50, 2)} / ${fmt(l.p90, 1)} / ${fmt(l.p99, 1)} / ${fmt(l.p999, 1)} / ${fmt(l.max, 1)}`
    : '–';

export function markdown(results, notes) {
  const S = results.scenarios ?? {};
  const mc = results.machine;
  const L = [];
  L.push('# Parley performance results');
  L.push('');
  L.push(
    `Generated by \`pnpm bench\` (${results.mode} mode) on ${mc.date.slice(0, 10)} in ${Math.round(results.durationSeconds / 60)} min, one run, three servers side by side.`,
  );
  L.push('');
  L.push(
    `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${mc.ramGiB} GiB RAM, Node ${mc.node}, Linux ${mc.kernel}. Each server pinned to core 0, the load generator to core 1 (\`taskset\`).`,
  );
  L.push('Absolute numbers drift between runs and machines: compare the servers within this run.');
  L.push('');
  L.push(
    `Validity guards per step: generator CPU ≤ ${results.guard.maxCpuPct} % and its event-loop delay p99 ≤ ${results.guard.maxEldP99Ms} ms; other processes on the machine ≤ ${results.guard.maxForeignCpuPct} % of a core. ` +
      'A step that breaks a guard is marked ⚠gen (generator saturated) or ⚠busy (machine shared); its numbers are reported, but do not count as a measurement of the server.',
  );
  L.push('');
  L.push('## Targets (S1, Parley)');
  L.push('');
  L.push(
    table(
      ['target', 'result', 'measured'],
      (results.targets ?? []).map((t) => [
        `**${t.id}** ${t.text}`,
        t.met === true ? '✅ met' : t.met === false ? '❌ missed' : 'n/a',
        `${t.value}${t.note ? ` — ${t.note}` : ''}`,
      ]),
    ),
  );
  L.push('');

  if (S.A) {
    L.push('## A. Idle connections: memory and CPU');
    L.push('');
    L.push(
      'RSS of the server process after connecting and the idle window (KB per connection = (RSS − RSS before any connection) / connections; the target is read from this column), then again after a GC forced through the inspector, with the V8 heap in use; idle CPU of the server over the window (a 25 s window covers one Engine.IO ping interval).',
    );
    L.push('');
    const rows = [];
    for (const k of KINDS) {
      const a = S.A[k];
      if (!a?.levels) continue;
      for (const l of a.levels)
        rows.push([
          NAMES[k],
          fmt(l.connections, 0),
          `${fmt(l.connected, 0)}${l.errors ? ` (${l.errors} errors)` : ''}`,
          fmt(a.baselineRssMB),
          fmt(l.rssMB),
          `**${fmt(l.rssPerConnKB)}**`,
          fmt(l.rssAfterGcPerConnKB),
          fmt(l.heapPerConnKB),
          `${fmt(l.idleCpuPct)} % (${l.idleWindowS} s)`,
        ]);
    }
    L.push(
      table(
        [
          'server',
          'connections',
          'connected',
          'RSS before any, MB',
          'RSS, MB',
          'RSS KB / connection',
          'after a forced GC: RSS KB / conn',
          'V8 heap KB / conn',
          'idle CPU',
        ],
        rows,
      ),
    );
    L.push('');
  }

  if (S.B) {
    L.push('## B. Broadcast to everyone');
    L.push('');
    L.push(
      "Every message goes to every connected client (S0: the guide's `io.emit`; S1: one room holding every user, each message persisted; S2: one room). The inbound rate steps up until p99 > 100 ms, delivery < 99.9 % or the sender falls behind; the knee is the last step before that.",
    );
    L.push('');
    const rows = [];
    for (const k of KINDS) {
      const b = S.B[k];
      if (!b?.steps) {
        if (b?.error) rows.push([NAMES[k], 'error', b.error, '', '', '', '']);
        continue;
      }
      for (const s of b.steps)
        rows.push([
          NAMES[k],
          `${s.targetRate}${s.ok ? '' : ' ✗'}`,
          fmt(s.deliveriesPerSec, 0),
          lat(s.latencyMs),
          pct(s.deliveredRatio),
          `${fmt(s.serverCpuPct)} %`,
          fmt(s.deliveriesPerCpuSec, 0),
          `${fmt(s.generator.cpuPct)} %${validMark(s.generator)}`,
        ]);
    }
    L.push(
      table(
        [
          'server',
          'msg/s in (✗ = broke)',
          'deliveries/s',
          'latency ms p50 / p90 / p99 / p99.9 / max',
          'delivered',
          'server CPU',
          'deliveries per server CPU-s',
          'generator CPU',
        ],
        rows,
      ),
    );
    L.push('');
    L.push(
      table(
        [
          'server',
          'clients',
          'knee: deliveries/s',
          'knee msg/s',
          'broke at msg/s',
          'conformance (socket.io-client = thin probe)',
        ],
        KINDS.filter((k) => S.B[k]?.steps).map((k) => {
          const b = S.B[k];
          return [
            NAMES[k],
            fmt(b.clients, 0),
            `${fmt(b.kneeDeliveriesPerSec, 0)}${b.lowerBound ? ' (lower bound)' : ''}`,
            fmt(b.kneeRate, 0),
            b.brokeAt === null ? 'not reached' : `${b.brokeAt}${b.breakValid ? '' : ' (generator-bound)'}`,
            conf(b.conformance),
          ];
        }),
      ),
    );
    L.push('');
  }

  if (S.C) {
    L.push('## C. Rooms of 20: latency against inbound rate');
    L.push('');
    L.push(
      'Open-loop schedule (latency from the intended send time), each message to a room of 20 (the sender included), so deliveries/s = 20 × msg/s. S1 persists every message (SQLite, synchronous=FULL, group commit) before it broadcasts and acks.',
    );
    L.push('');
    const rates = [...new Set(C_KINDS.flatMap((k) => (S.C[k]?.steps ?? []).map((s) => s.targetRate)))].sort(
      (a, b) => a - b,
    );
    const rows = [];
    for (const r of rates) {
      for (const k of C_KINDS) {
        const s = stepAt(results, 'C', k, r);
        if (!s) continue;
        rows.push([
          `${r}`,
          NAMES[k],
          fmt(s.achievedRate),
          lat(s.latencyMs),
          s.ackLatencyMs ? fmt(s.ackLatencyMs.p99) : '–',
          `${pct(s.deliveredRatio)}${s.ackErrors ? ` (${s.ackErrors} errors)` : ''}${s.unacked ? ` (${s.unacked} unacked)` : ''}`,
          `${fmt(s.serverCpuPct)} %`,
          fmt(s.deliveriesPerCpuSec, 0),
          `${fmt(s.generator.cpuPct)} % / ${fmt(s.generator.eldP99Ms)} ms${validMark(s.generator)}`,
        ]);
      }
    }
    L.push(
      table(
        [
          'msg/s',
          'server',
          'sent/s',
          'latency ms p50 / p90 / p99 / p99.9 / max',
          'ack p99 ms',
          'delivered',
          'server CPU',
          'deliveries per server CPU-s',
          'generator CPU / ELD p99',
        ],
        rows,
      ),
    );
    L.push('');
    L.push('![p99 latency against inbound rate](results/latency.svg)');
    L.push('');
    L.push(
      `Conformance (socket.io-client probes received exactly what the thin probe of their room received): ${C_KINDS.filter(
        (k) => S.C[k]?.conformance,
      )
        .map((k) => `${NAMES[k]} ${conf(S.C[k].conformance)}`)
        .join('; ')}.`,
    );
    L.push('');
    if (S.C.s1x2?.steps) L.push(...clusterPart(results), '');
  }

  if (S.D) {
    L.push('## D. Connect storm and reconnect storm');
    L.push('');
    L.push(
      'Connect storm: the clients open at once (at most 1,000 handshakes in flight). Then the server gets `kill -9` and is started again at once (as a supervisor would); clients reconnect as socket.io-client does (1 s doubling to 5 s, ±50 % jitter).',
    );
    L.push('');
    L.push(
      table(
        [
          'server',
          'clients',
          'connected',
          'seconds',
          'errors',
          'restart s',
          '99 % back, s',
          '100 % back, s',
          'refused attempts',
        ],
        KINDS.filter((k) => S.D[k]?.connect).map((k) => {
          const d = S.D[k];
          return [
            NAMES[k],
            fmt(d.connect.clients, 0),
            fmt(d.connect.connected, 0),
            fmt(d.connect.seconds, 2),
            fmt(d.connect.errors, 0),
            fmt(d.reconnect.restartSeconds, 2),
            fmt(d.reconnect.secondsTo99, 2),
            fmt(d.reconnect.secondsTo100, 2),
            fmt(d.reconnect.failedAttempts, 0),
          ];
        }),
      ),
    );
    L.push('');
  }

  if (S.E) {
    L.push('## E. History under concurrent fetches');
    L.push('');
    const e = S.E.s1;
    if (e?.latencyMs) {
      L.push(
        `S1: ${e.clients} clients fetch the newest page (50 of ${fmt(e.messagesInRoom, 0)} messages, \`message:history\`) all at once every 250 ms (100 concurrent fetches, 4 per user per second, inside the per-user limit).`,
      );
      L.push('');
      L.push(
        table(
          ['server', 'fetches', 'ok', 'fetches/s', 'latency ms p50 / p90 / p99 / p99.9 / max', 'server CPU', 'page'],
          [
            [
              NAMES.s1,
              fmt(e.fetches, 0),
              fmt(e.ok, 0),
              fmt(e.fetchesPerSec, 0),
              lat(e.latencyMs),
              `${fmt(e.serverCpuPct)} %`,
              e.page ? `${e.page.messages} messages, hasMore ${e.page.hasMore}` : '–',
            ],
          ],
        ),
      );
    } else L.push(`S1: ${e?.error ?? 'not run'}`);
    L.push('');
    L.push(`S0: n/a (${S.E.s0?.na ?? 'no storage'}). S2: n/a (${S.E.s2?.na ?? 'no storage'}).`);
    L.push('');
  }

  if (S.F) {
    L.push('## F. Typing and join/leave churn on top of C');
    L.push('');
    L.push(
      "Scenario C's rooms at one rate, plus typing (one `typing:start` per two messages, each user well inside 1 per 2 s) and one extra user per room that joins and leaves it in turn (one action per room every 4 s; S1 writes each to SQLite).",
    );
    L.push('');
    L.push(
      table(
        [
          'server',
          'msg/s',
          'latency ms p50 / p90 / p99 / p99.9 / max',
          'delivered',
          'typing sent',
          'typing delivered',
          'churn ops',
          'churn errors',
          'churn ack p99 ms',
          'server CPU',
          'generator',
        ],
        KINDS.filter((k) => S.F[k]?.latencyMs).map((k) => {
          const f = S.F[k];
          return [
            NAMES[k],
            fmt(f.achievedRate),
            lat(f.latencyMs),
            pct(f.deliveredRatio),
            fmt(f.typing.sent, 0),
            pct(f.typing.deliveredRatio),
            fmt(f.churn.ops, 0),
            fmt(f.churn.errors, 0),
            fmt(f.churn.ackLatencyMs?.p99),
            `${fmt(f.serverCpuPct)} %`,
            `${fmt(f.generator.cpuPct)} %${validMark(f.generator)}`,
          ];
        }),
      ),
    );
    L.push('');
  }

  if (S.G?.s1?.latencyMs) {
    const g = S.G.s1;
    const c = stepAt(results, 'C', 's1', g.targetRate);
    L.push('## G. Edits and reactions mixed into C');
    L.push('');
    L.push(
      `Scenario C's rooms at ${fmt(g.targetRate, 0)} msg/s, plus an edit for every ten messages (by the message's author) and a reaction for every five (by another member), each of a recent message: every change takes the room's next seq in the transaction that stores it and goes to the room's 20 members as \`message:changed\`. Only Parley has them. C at the same rate, earlier in this run, is the baseline.`,
    );
    L.push('');
    L.push(
      table(
        [
          'step',
          'msg/s',
          'messages: latency ms p50 / p90 / p99 / p99.9 / max',
          'delivered',
          'edits + reactions',
          'change ack p50 / p99 ms',
          'changes delivered (per change)',
          'errors',
          'server CPU',
          'deliveries per CPU-s',
          'generator',
        ],
        [
          ...(c
            ? [
                [
                  `C${fmt(c.targetRate, 0)}`,
                  fmt(c.achievedRate),
                  lat(c.latencyMs),
                  pct(c.deliveredRatio),
                  '–',
                  '–',
                  '–',
                  fmt(c.ackErrors, 0),
                  `${fmt(c.serverCpuPct)} %`,
                  fmt(c.deliveriesPerCpuSec, 0),
                  `${fmt(c.generator.cpuPct)} %${validMark(c.generator)}`,
                ],
              ]
            : []),
          [
            `G${fmt(g.targetRate, 0)}`,
            fmt(g.achievedRate),
            lat(g.latencyMs),
            pct(g.deliveredRatio),
            `${fmt(g.changes.edits, 0)} + ${fmt(g.changes.reactions, 0)}`,
            `${fmt(g.changes.ackLatencyMs?.p50)} / ${fmt(g.changes.ackLatencyMs?.p99)}`,
            `${fmt(g.changes.delivered, 0)} (${fmt(g.changes.deliveredPerChange)})`,
            fmt(g.ackErrors + g.changes.errors, 0),
            `${fmt(g.serverCpuPct)} %`,
            fmt(g.deliveriesPerCpuSec, 0),
            `${fmt(g.generator.cpuPct)} %${validMark(g.generator)}`,
          ],
        ],
      ),
    );
    L.push('');
  }

  if (results.tuning) {
    L.push('## Tuning measured on S1 (scenario C, A B A B in the same run)');
    L.push('');
    const tu = results.tuning;
    const rows = [];
    for (const v of [...(tu.socketWrites ?? []), ...(tu.nativeAddons ?? []), ...(tu.sqliteWriter ?? [])]) {
      for (const s of v.steps)
        rows.push([
          v.variant,
          `${v.round + 1}`,
          `${s.targetRate}`,
          lat(s.latencyMs),
          `${fmt(s.serverCpuPct)} %`,
          fmt(s.deliveriesPerCpuSec, 0),
          `${pct(s.deliveredRatio)}${validMark(s.generator)}`,
        ]);
    }
    L.push(
      table(
        [
          'S1 variant (scenario C)',
          'round',
          'msg/s',
          'latency ms p50 / p90 / p99 / p99.9 / max',
          'server CPU',
          'deliveries per CPU-s',
          'delivered',
        ],
        rows,
      ),
    );
    L.push('');
    if (tu.perMessageDeflate)
      L.push(
        `perMessageDeflate: a client offering \`permessage-deflate\` gets back \`Sec-WebSocket-Extensions: ${tu.perMessageDeflate.accepted ?? '(none)'}\`, so compression is off (Engine.IO's default; Parley does not turn it on).`,
      );
    L.push('');
  }

  if (results.profile?.functions) {
    const p = results.profile;
    L.push('## Profile of S1 under scenario C');
    L.push('');
    L.push(
      `\`node --cpu-prof\` on S1 during scenario C at ${p.steps.map((s) => s.targetRate).join(' and ')} msg/s: ${fmt(p.busyMs, 0)} ms busy of ${fmt(p.totalMs, 0)} ms profiled. Self time, busy time = 100 %.`,
    );
    L.push('');
    L.push('The event loop (main thread):');
    L.push('');
    L.push(
      table(
        ['package / area', 'self ms', '% of busy'],
        p.packages.map((x) => [x.name, fmt(x.selfMs, 0), `${x.pctBusy} %`]),
      ),
    );
    L.push('');
    L.push(
      table(
        ['function (top 15 by self time)', 'self ms', '% of busy'],
        p.functions.slice(0, 15).map((x) => [`\`${x.name}\``, fmt(x.selfMs, 0), `${x.pctBusy} %`]),
      ),
    );
    L.push('');
    if (p.writerThread) {
      const w = p.writerThread;
      L.push(
        `The SQLite writer thread: ${fmt(w.busyMs, 0)} ms busy of ${fmt(w.totalMs, 0)} ms; top by self time: ${w.functions.map((x) => `\`${x.name}\` ${x.pctBusy} %`).join(', ')}.`,
      );
      L.push('');
    }
  }

  if (results.web?.markdown) {
    L.push('## Web app');
    L.push('');
    L.push(
      '`pnpm bench:web` (Playwright driving Chromium against the production build; scripting time from the DevTools protocol (Performance.getMetrics ScriptDuration), long tasks from a PerformanceObserver; keeping the scroll position while older pages load is asserted in `e2e/long-history.spec.ts`):',
    );
    L.push('');
    L.push(results.web.markdown);
    L.push('');
  }

  L.push('## Notes');
  L.push('');
  L.push(NOTES_START);
  L.push(notes ?? '');
  L.push(NOTES_END);
  L.push('');
  return L.join('\n');
}

/**
 * Scenario C on one node against two: S1 (SQLite) beside S1×2 (two nodes, PostgreSQL,
 * Redis), with where S1×2's CPU goes and what its engines did per message.
 */
export function clusterPart(results) {
  const C = results.scenarios.C;
  const L = [];
  L.push('### C on two nodes: S1 (one node, SQLite) against S1×2 (two nodes, PostgreSQL + Redis)');
  L.push('');
  L.push(
    "S1×2: two Parley nodes (`DATABASE_URL` → PostgreSQL, `REDIS_URL` → Socket.IO's Redis streams adapter), PostgreSQL and Redis started by the bench in a throwaway folder on loopback ports, the grid's users seeded into PostgreSQL through the storage layer. The generator's clients connect straight to the nodes, client i to node i mod 2 (no nginx: this measures Parley, not the balancer), so every room has 10 members on each node and every message crosses Redis. " +
      '**On this 2-core machine both nodes, PostgreSQL and Redis share core 0** (the generator has core 1), the same single core S1 has alone: these figures compare CPU per delivery on one core (what the cluster machinery costs), they are not a scale-out measurement. ' +
      "CPU per delivery counts every process of the server side over the step and its drain (S1: its process; S1×2: both nodes, the postmaster with its backends, Redis). PostgreSQL: commits/s from `pg_stat_database.xact_commit` (every transaction, reads included; backends report them up to a second late), write transactions from the transaction-id counter (exact), messages per write transaction = acked messages ÷ write transactions (the batch size). Redis: commands from INFO (`total_commands_processed`) ÷ acked messages, background traffic (presence heartbeats, the adapter's stream reads) included.",
  );
  L.push('');
  const rates = [...new Set(['s1', 's1x2'].flatMap((k) => (C[k]?.steps ?? []).map((s) => s.targetRate)))].sort(
    (a, b) => a - b,
  );
  const rows = [];
  for (const r of rates) {
    for (const k of ['s1', 's1x2']) {
      const s = stepAt(results, 'C', k, r);
      if (!s) continue;
      const c = s.cluster;
      rows.push([
        `${r}`,
        NAMES[k],
        fmt(s.deliveriesPerSec, 0),
        `${pct(s.deliveredRatio)}`,
        `${fmt(s.latencyMs.p50, 2)} / ${fmt(s.latencyMs.p99, 1)}`,
        `${fmt(s.ackErrors, 0)}${s.unacked ? ` (${fmt(s.unacked, 0)} unacked after the drain)` : ''}`,
        c
          ? `${fmt(s.serverCpuPct)} % (nodes ${fmt(c.cpuPct.nodes)}, PG ${fmt(c.cpuPct.postgres)}, Redis ${fmt(c.cpuPct.redis)})`
          : `${fmt(s.serverCpuPct)} %`,
        c
          ? `${fmt(c.cpuUsPerDelivery.total)} (${fmt(c.cpuUsPerDelivery.nodes)} + ${fmt(c.cpuUsPerDelivery.postgres)} + ${fmt(c.cpuUsPerDelivery.redis)})`
          : fmt(s.cpuUsPerDelivery ?? (s.deliveriesPerCpuSec ? 1e6 / s.deliveriesPerCpuSec : null)),
        fmt(s.deliveriesPerCpuSec, 0),
        c ? fmt(c.postgres.commitsPerSec, 0) : '–',
        c ? `${fmt(c.postgres.writeTransactionsPerSec, 0)} / ${fmt(c.postgres.messagesPerWriteTransaction, 2)}` : '–',
        c ? fmt(c.postgres.walBytesPerMessage, 0) : '–',
        c ? fmt(c.redis.commandsPerMessage, 2) : '–',
        `${fmt(s.generator.cpuPct)} %${validMark(s.generator)}`,
      ]);
    }
  }
  L.push(
    table(
      [
        'msg/s',
        'server',
        'deliveries/s',
        'delivered',
        'p50 / p99 ms',
        'errors',
        'core 0 CPU',
        'CPU µs per delivery (nodes + PG + Redis)',
        'deliveries per CPU-s',
        'PG commits/s',
        'PG write tx/s / msgs per tx',
        'WAL bytes per msg',
        'Redis commands per msg',
        'generator CPU',
      ],
      rows,
    ),
  );
  L.push('');
  const top = (C.s1x2.steps ?? []).filter((s) => s.cluster).at(-1);
  if (top) {
    L.push(
      `Redis commands per message at ${top.targetRate} msg/s, by command: ${top.cluster.redis.byCommand.map((x) => `\`${x.command}\` ${fmt(x.perMessage, 2)}`).join(', ')}; Redis traffic ${fmt(top.cluster.redis.netBytesPerMessage, 0)} bytes per message${top.cluster.redis.netInBytesPerMessage === undefined ? ' (in + out)' : ` (${fmt(top.cluster.redis.netInBytesPerMessage, 0)} in, ${fmt(top.cluster.redis.netOutBytesPerMessage, 0)} out)`}.`,
    );
    L.push('');
  }
  const idle = C.s1x2.cluster?.idle;
  if (idle) {
    L.push(
      `S1×2 idle with ${fmt(C.s1x2.clients, 0)} clients connected (${fmt(idle.seconds)} s, nobody sending): nodes ${fmt(idle.cpuPct.nodes)} %, PostgreSQL ${fmt(idle.cpuPct.postgres)} %, Redis ${fmt(idle.cpuPct.redis)} % of a core; ${fmt(idle.redis.commandsPerSec, 0)} Redis commands/s, ${fmt(idle.postgres.commitsPerSec, 0)} PostgreSQL commits/s.`,
    );
    L.push('');
  }
  return L;
}

function conf(c) {
  if (!c || c.probes === 0) return 'no probes';
  return `${c.ok ? 'ok' : 'MISMATCH'} (${c.rooms.map((r) => `${r.sio}/${r.thin}`).join(', ')})`;
}

/**
 * The web targets, from `pnpm bench:web` (results/web.json, measured in Chromium through
 * Playwright) and the built app's initial JS (apps/web/dist, as CI checks it).
 */
function webPart(benchDir) {
  const file = join(benchDir, 'results', 'web.json');
  const web = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  let js = null;
  try {
    js = initialJs(join(benchDir, '..', 'apps', 'web', 'dist'));
  } catch {
    // Not built: the row says so.
  }
  const targets = [];
  const add = (id, text, met, value) => targets.push({ id, text, met, value });
  add(
    'W1',
    `initial JS ≤ ${INITIAL_JS_LIMIT_BYTES / 1024} KB gzipped (also checked in CI)`,
    js ? js.totalGzipBytes <= INITIAL_JS_LIMIT_BYTES : null,
    js
      ? `${(js.totalGzipBytes / 1024).toFixed(1)} KB (${js.files.map((f) => f.ref).join(', ')})`
      : 'apps/web/dist not built',
  );
  const o = web?.openRoom;
  const st = web?.stream;
  add(
    'W2',
    'a room holding 10k messages opens with ≤ 100 ms of scripting',
    o ? o.bigColdScriptMs <= 100 : null,
    o
      ? `${o.bigColdScriptMs} ms (median of ${o.samples}; all: ${o.bigColdScriptMsAll.join(', ')} ms)`
      : 'not run (pnpm bench:web)',
  );
  const rows = st
    ? [
        o.articlesInDom,
        ...Object.values(st)
          .filter((x) => x && typeof x === 'object' && 'articles' in x)
          .map((x) => x.articles),
      ]
    : [];
  add(
    'W3',
    'at most 150 message rows in the DOM (virtualized)',
    rows.length ? Math.max(...rows) <= 150 : null,
    rows.length ? `at most ${Math.max(...rows)} rows across every measurement` : 'not run',
  );
  const streams = st ? ['streamBig', 'streamBigAfter10OlderPages'].map((k) => st[k]).filter(Boolean) : [];
  add(
    'W4',
    `no long task over ${st?.targetLongestTaskMs ?? 50} ms with ${st?.ratePerS ?? 50} msg/s arriving in the open 10k room`,
    streams.length ? streams.every((x) => x.longTasksOver50Ms === 0) && st.longTaskObserverVerified === true : null,
    streams.length
      ? `longest task ${Math.max(...streams.map((x) => x.longestTaskMs))} ms, ${streams.reduce((n, x) => n + x.longTasksOver50Ms, 0)} over 50 ms (long-task observer verified: ${st.longTaskObserverVerified ? 'yes' : 'no'})`
      : 'not run',
  );
  return { web, targets };
}

export function writeReport(results, benchDir, { resultsName = 'RESULTS.md', svgName = 'latency.svg' } = {}) {
  const web = webPart(benchDir);
  results = { ...results, web: web.web, targets: [...(results.targets ?? []), ...web.targets] };
  const mdPath = join(benchDir, resultsName);
  let notes = '';
  const keepFrom = existsSync(mdPath) ? mdPath : join(benchDir, 'RESULTS.md');
  if (existsSync(keepFrom)) {
    const old = readFileSync(keepFrom, 'utf8');
    const a = old.indexOf(NOTES_START);
    const b = old.indexOf(NOTES_END);
    if (a >= 0 && b > a) notes = old.slice(a + NOTES_START.length, b).trim();
  }
  const svg = latencySvg(results);
  writeFileSync(join(benchDir, 'results', svgName), svg);
  let md = markdown(results, notes);
  if (svgName !== 'latency.svg') md = md.replace('(results/latency.svg)', `(results/${svgName})`);
  writeFileSync(mdPath, md);
}

// `node src/report.mjs [results.json]` re-renders the report from saved results.
if (process.argv[1] && process.argv[1].endsWith('report.mjs')) {
  const benchDir = join(new URL('.', import.meta.url).pathname, '..');
  const file = process.argv[2] ?? join(benchDir, 'results', 'latest.json');
  const results = JSON.parse(readFileSync(file, 'utf8'));
  results.targets = evaluateTargets(results);
  writeReport(results, benchDir);
  console.log(`wrote RESULTS.md and results/latency.svg from ${file}`);
}
