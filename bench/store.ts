// Store benchmark: durable single-append latency at 1k / 100k / 1M stored messages, open time, last-100 query, RSS.
// Run: node --import tsx bench/store.ts   (BENCH_QUICK=1: 1k / 10k / 100k; BENCH_DIR=DIR: where the files go)
// Prints one JSON line. Messages: 300-byte envelope + ~100-character text, spread over 10 rooms.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Store, defaultSnapshotThreshold } from '../src/store/db.js'
import { History, type StoredMessage } from '../src/store/history.js'
import { MIGRATIONS } from '../src/store/schema.js'
import { loadSqlJs, type SqlJsStatic } from '../src/store/sqljs.js'
import { emit, percentile, round } from './lib.js'

const QUICK = process.env.BENCH_QUICK === '1'
const SIZES = QUICK ? [1_000, 10_000, 100_000] : [1_000, 100_000, 1_000_000]
const TIMED_APPENDS = 500
const PREFILL_BATCH = 10_000
const REPLAY_RECORDS = QUICK ? 2_000 : 10_000
const ROOMS = Array.from({ length: 10 }, () => randomBytes(32))
const SENDERS = Array.from({ length: 20 }, () => randomBytes(32))
const TEXT = 'The quick brown fox jumps over the lazy dog while the build pipeline reports all green. '
const NO_SNAPSHOTS = Number.MAX_SAFE_INTEGER

let seq = 0
function nextMessage (): StoredMessage {
  const i = seq++
  return {
    id: randomBytes(32),
    roomId: ROOMS[i % ROOMS.length]!,
    ts: 1_700_000_000_000 + i * 10,
    sender: SENDERS[i % SENDERS.length]!,
    epoch: 1,
    chainIndex: i,
    text: (TEXT + String(i)).slice(0, 100),
    envelope: randomBytes(300),
    receivedAt: 1_700_000_000_000 + i * 10 + 5
  }
}

const ms = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6

function time<T> (fn: () => T): [T, number] {
  const t = process.hrtime.bigint()
  const result = fn()
  return [result, ms(t)]
}

async function timeAsync<T> (fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint()
  const result = await fn()
  return [result, ms(t)]
}

function stats (sorted: number[]): { p50: number, p99: number, mean: number } {
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length }
}

interface SizeResult {
  messages: number
  prefill_s: number
  db_mb: number
  open_ms: number
  first_append_ms: number
  append_p50_ms: number
  append_p99_ms: number
  append_mean_ms: number
  append_max_ms: number
  snapshot_ms: number
  memfs_growth_ms: number
  append_mean_amortised_ms: number
  last100_p50_ms: number
  last100_cold_ms: number
  close_after_3_appends_ms: number
}

async function measureSize (sqlJs: SqlJsStatic, dir: string, count: number): Promise<SizeResult> {
  const path = join(dir, `store-${count}.db`)
  // Pre-fill fast: big batches, no automatic snapshots, one snapshot at the end.
  const [, prefillMs] = await timeAsync(async () => {
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS, snapshotThresholdBytes: NO_SNAPSHOTS })
    const history = new History({ store })
    for (let done = 0; done < count; done += PREFILL_BATCH) {
      history.appendMany(Array.from({ length: Math.min(PREFILL_BATCH, count - done) }, nextMessage))
    }
    store.close()
  })
  const dbBytes = fs.statSync(path).size

  const [store, openMs] = await timeAsync(async () => Store.open({ sqlJs }, { path, migrations: MIGRATIONS }))
  const history = new History({ store })
  // The first write after open pays a one-off cost: sql.js grows its in-memory copy of the file.
  const [, firstAppendMs] = time(() => history.append(nextMessage()))
  const journalBefore = fs.statSync(`${path}.journal`).size
  const latencies: number[] = []
  for (let i = 0; i < TIMED_APPENDS; i++) latencies.push(time(() => history.append(nextMessage()))[1])
  const recordBytes = (fs.statSync(`${path}.journal`).size - journalBefore) / TIMED_APPENDS
  latencies.sort((a, b) => a - b)
  const append = stats(latencies)

  // A snapshot costs O(db size) and happens every `threshold` bytes of journal: amortise it per append.
  const [, snapshotMs] = time(() => store.snapshot())
  const threshold = defaultSnapshotThreshold(fs.statSync(path).size)
  // sql.js grows its in-memory copy of the file by 12.5% steps, each a full copy (the snapshot's
  // reserve of free pages keeps it out of the timed appends above): amortise the same copy too.
  const source = new Uint8Array(dbBytes).fill(1)
  const [, growthMs] = time(() => new Uint8Array(Math.floor(dbBytes * 1.125)).set(source))
  const amortised = append.mean + snapshotMs * recordBytes / threshold + growthMs / (0.125 * count)

  const [, cold] = time(() => history.last(ROOMS[3]!, 100))
  const queries: number[] = []
  for (let i = 0; i < 200; i++) {
    const [rows, t] = time(() => history.last(ROOMS[i % ROOMS.length]!, 100))
    if (rows.length !== Math.min(100, Math.ceil(count / ROOMS.length))) throw new Error(`last() returned ${rows.length} rows`)
    queries.push(t)
  }
  queries.sort((a, b) => a - b)
  // The one-shot CLI case: a few writes, then close (which snapshots only if cheap or due).
  for (let i = 0; i < 3; i++) history.append(nextMessage())
  const [, closeMs] = time(() => store.close())
  fs.rmSync(path)
  fs.rmSync(`${path}.journal`)
  return {
    messages: count,
    prefill_s: round(prefillMs / 1000, 1),
    db_mb: round(dbBytes / 2 ** 20, 1),
    open_ms: round(openMs, 1),
    first_append_ms: round(firstAppendMs, 2),
    append_p50_ms: round(append.p50, 3),
    append_p99_ms: round(append.p99, 3),
    append_mean_ms: round(append.mean, 3),
    append_max_ms: round(latencies[latencies.length - 1]!, 1),
    snapshot_ms: round(snapshotMs, 1),
    memfs_growth_ms: round(growthMs, 1),
    append_mean_amortised_ms: round(amortised, 3),
    last100_p50_ms: round(percentile(queries, 50), 3),
    last100_cold_ms: round(cold, 3),
    close_after_3_appends_ms: round(closeMs, 1)
  }
}

/** Replay cost at open after a crash: REPLAY_RECORDS single-message records in the journal of a 10k store. */
async function measureReplay (sqlJs: SqlJsStatic, dir: string): Promise<{ replay_us_per_record: number, record_bytes: number }> {
  const path = join(dir, 'store-replay.db')
  const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS, snapshotThresholdBytes: NO_SNAPSHOTS })
  const history = new History({ store })
  history.appendMany(Array.from({ length: 10_000 }, nextMessage))
  store.snapshot()
  const [, baseOpen] = await timeAsync(async () => Store.open({ sqlJs }, { path: `${path}`, migrations: MIGRATIONS, readOnly: true }).then(s => s.close()))
  for (let i = 0; i < REPLAY_RECORDS; i++) history.append(nextMessage())
  const recordBytes = (fs.statSync(`${path}.journal`).size - 24) / REPLAY_RECORDS
  const [, replayOpen] = await timeAsync(async () => Store.open({ sqlJs }, { path, migrations: MIGRATIONS, readOnly: true }).then(s => s.close()))
  store.close()
  return { replay_us_per_record: round((replayOpen - baseOpen) * 1000 / REPLAY_RECORDS, 1), record_bytes: Math.round(recordBytes) }
}

async function main (): Promise<void> {
  const base = process.env.BENCH_DIR ?? tmpdir()
  const dir = fs.mkdtempSync(join(base, 'conclave-bench-store-'))
  try {
    const sqlJs = await loadSqlJs()
    const results: SizeResult[] = []
    for (const count of SIZES) results.push(await measureSize(sqlJs, dir, count))
    const replay = await measureReplay(sqlJs, dir)
    const small = results[0]!
    const large = results[results.length - 1]!
    const largeThreshold = defaultSnapshotThreshold(large.db_mb * 2 ** 20)
    emit({
      bench: 'store',
      quick: QUICK,
      message_bytes: 'envelope 300 B + text 100 chars, 10 rooms',
      sizes: results,
      ratio_p50_largest_vs_smallest: round(large.append_p50_ms / small.append_p50_ms, 2),
      open_ms_largest: large.open_ms,
      last100_ms_largest: large.last100_p50_ms,
      ...replay,
      worst_open_after_crash_ms_largest: round(large.open_ms + largeThreshold / replay.record_bytes * replay.replay_us_per_record / 1000, 0),
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 0),
      goals: { ratio_p50_max: 2, open_ms_max: 1500, last100_ms_max: 5 }
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

await main()
