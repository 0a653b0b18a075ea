// `npx vitest run --project bench bench/sip-fuzz.bench.ts`: the long run of
// issue #15's fuzzing. 20,000 seeded INVITE mutations per seed, for a few
// seeds, all sent to one main UA (Registration: sip.js behind the SIP gate)
// over one WebSocket from a registrar of our own on 127.0.0.1 (the rig in
// test/harness/sip-fuzz-rig.ts; CI runs 2,000 of one seed in
// test/integration/sip-fuzz.test.ts). Checks: no uncaught exception or
// unhandled rejection, one connection that never closes, every answer a
// 4xx-6xx, and a valid INVITE (486) and OPTIONS (200) answered after each
// seed. Writes bench/results/sip-fuzz.{json,md}.
// SIP_FUZZ_COUNT / SIP_FUZZ_SEEDS (comma-separated) shorten or change a run;
// a run that is not the default one prints its results and leaves the files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { SipFuzzRig, describeOutcome, statusHistogram, type FuzzOutcome } from '../test/harness/sip-fuzz-rig.js';

const DEFAULT_COUNT = 20_000;
const DEFAULT_SEEDS = [4475, 0x5eed, 20261207];
const COUNT = Number(process.env.SIP_FUZZ_COUNT ?? DEFAULT_COUNT);
const SEEDS = process.env.SIP_FUZZ_SEEDS ? process.env.SIP_FUZZ_SEEDS.split(',').map(Number) : DEFAULT_SEEDS;
const DEFAULT_RUN = COUNT === DEFAULT_COUNT && SEEDS.join() === DEFAULT_SEEDS.join();

const rig = new SipFuzzRig();
const crashes: string[] = [];
const onUncaught = (error: unknown) => crashes.push(`uncaughtException: ${String(error)}`);
const onUnhandled = (reason: unknown) => crashes.push(`unhandledRejection: ${String(reason)}`);
type Row = Omit<FuzzOutcome, 'unanswered' | 'handlerFailures' | 'gateFailures' | 'samples'> & {
  unanswered: number;
  handlerFailures: number;
  gateFailures: number;
  after: { invite?: number; options?: number; offered: boolean };
  rssMb: number;
  heapMb: number;
};
const rows: Row[] = [];
const rssMb = () => Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
/** Heap in use, after a full GC when run with NODE_OPTIONS=--expose-gc (otherwise as it stands). */
const heapMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
};
const startRss = rssMb();

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  await rig.start('Focusline fuzz bench');
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
  const closes = rig.closes;
  await rig.stop();
  await writeResults(closes);
});

describe('SIP fuzzing, long run (issue #15)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${COUNT} mutations`, async () => {
      const outcome = await rig.fuzz(seed, COUNT);
      console.log(describeOutcome(outcome));
      const after = await rig.stillWorks(`bench-${seed}`);
      const { samples, ...rest } = outcome;
      if (samples.length) console.log(`first unanswered with Via intact:\n${JSON.stringify(samples[0])}`);
      rows.push({
        ...rest,
        unanswered: outcome.unanswered.length,
        handlerFailures: outcome.handlerFailures.length,
        gateFailures: outcome.gateFailures.length,
        after,
        rssMb: rssMb(),
        heapMb: heapMb(),
      });
      expect(crashes).toEqual([]);
      expect(rig.connections).toBe(1);
      expect(rig.closes).toBe(0);
      expect(outcome.unexpected).toEqual([]);
      expect(after).toEqual({ invite: 486, options: 200, offered: true });
    });
  }
});

async function writeResults(closesBeforeStop: number): Promise<void> {
  const doc = {
    stamp: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch },
    count: COUNT,
    seeds: SEEDS,
    crashes,
    connections: rig.connections,
    closes: closesBeforeStop,
    startRssMb: startRss,
    rows,
  };
  const md = toMarkdown(doc);
  console.log(md);
  if (!DEFAULT_RUN) {
    console.log(`Not the default run (SIP_FUZZ_COUNT/SIP_FUZZ_SEEDS): bench/results/sip-fuzz.* left as they were.`);
    return;
  }
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL('sip-fuzz.json', dir), JSON.stringify(doc, null, 2) + '\n');
  await writeFile(new URL('sip-fuzz.md', dir), md);
}

function toMarkdown(doc: {
  stamp: string;
  machine: { node: string; platform: string; arch: string };
  crashes: string[];
  connections: number;
  closes: number;
  startRssMb: number;
  rows: Row[];
}): string {
  const hist = statusHistogram;
  const lines = [
    `# SIP fuzzing: long run (${doc.stamp})`,
    '',
    `Node ${doc.machine.node} on ${doc.machine.platform}/${doc.machine.arch}. ${COUNT.toLocaleString('en-US')} seeded INVITE mutations per seed (test/harness/sip-mutations.ts: byte flips, truncations, 64 KB headers, bad Content-Length, CR/LF in display names, duplicated once-only headers, bad Request-URIs, deleted headers, unicode, and two of these at once) sent in batches of 25 to one main UA over one WebSocket on 127.0.0.1; calls offered are rejected 486 by the test's onInvite.`,
    '',
    `Crashes (uncaught exceptions, unhandled rejections): **${doc.crashes.length}**. WebSocket connections: **${doc.connections}**, closed: **${doc.closes}**. RSS at start: ${doc.startRssMb} MB; heap ${(globalThis as { gc?: unknown }).gc ? 'after a full GC' : 'without a forced GC (run with NODE_OPTIONS=--expose-gc for a GC first)'}.`,
    '',
    '"no answer": dropped without a response (legal for a request without Via, a malformed ACK or response; otherwise a gap to look at). "sip.js threw": messages the gate passed on that sip.js threw on, dropped by guardIncoming. "after": the final status of a valid INVITE / OPTIONS sent after the seed.',
    '',
    '| seed | mutations | s | answered | no answer | final statuses | calls offered | outside 4xx-6xx | sip.js threw | gate failed | after | RSS (MB) | heap (MB) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...doc.rows.map(
      (r) =>
        `| ${r.seed} | ${r.count} | ${(r.ms / 1000).toFixed(1)} | ${r.count - r.unanswered} | ${r.unanswered} | ${hist(r.statuses)} | ${r.offered} | ${r.unexpected.length} | ${r.handlerFailures} | ${r.gateFailures} | ${r.after.invite ?? '-'} / ${r.after.options ?? '-'} | ${r.rssMb} | ${r.heapMb} |`,
    ),
    '',
    '## By mutation kind (all seeds)',
    '',
    '| kind | sent | answered | no answer | statuses |',
    '|---|---|---|---|---|',
  ];
  const kinds = new Map<string, { sent: number; answered: number; unanswered: number; statuses: Record<string, number> }>();
  for (const r of doc.rows) {
    for (const [kind, v] of Object.entries(r.byKind)) {
      const k = kinds.get(kind) ?? { sent: 0, answered: 0, unanswered: 0, statuses: {} };
      k.sent += v.sent;
      k.answered += v.answered;
      k.unanswered += v.unanswered;
      for (const [s, n] of Object.entries(v.statuses)) k.statuses[s] = (k.statuses[s] ?? 0) + n;
      kinds.set(kind, k);
    }
  }
  for (const [kind, k] of [...kinds.entries()].sort()) lines.push(`| ${kind} | ${k.sent} | ${k.answered} | ${k.unanswered} | ${hist(k.statuses)} |`);
  return lines.join('\n') + '\n';
}
