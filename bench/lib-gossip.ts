// Harness for multi-process gossip benchmarks (raw gossipsub now, rooms later): spawn peers, drive one publisher, measure latency, loss, CPU.
//
// Shape: the parent spawns N worker processes on 127.0.0.1 (worker 0 is the hub, the others
// bootstrap to it: a star, as members who share one bootstrap peer), talks to them with JSON lines
// over stdin/stdout, makes the LAST worker (a leaf, so most copies take two hops through the hub)
// publish `rate` messages/s of `size` bytes for `seconds`, and collects one-way latencies measured
// on the machine-wide monotonic clock (process.hrtime, CLOCK_MONOTONIC on Linux) and the CPU time
// (process.cpuUsage) each worker spent from `begin` to `report`.
//
// A benchmark supplies a WorkerAdapter (how to start a peer, publish a payload, get payloads back);
// the payload (sequence number, send time, padding) is the harness's own and must come back intact.
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { PerformanceObserver } from 'node:perf_hooks'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { cleanEnv, percentile, round } from './lib.js'

export interface BenchConfig {
  /** Name in the JSON line, e.g. 'gossip-raw'. */
  bench: string
  peers: number
  seconds: number
  /** Messages per second from the one publisher. */
  rate: number
  /** Payload bytes per message (at least PAYLOAD_HEADER_BYTES). */
  size: number
  /** The worker command: [script, ...args]; run as `node --import tsx script args --worker`. */
  worker: string[]
  /** How long peers get to connect and form the mesh. */
  setupTimeoutMs?: number
  /** Unmeasured messages before the run: `rate`/s for `seconds` (default none). */
  warmup?: { seconds: number, rate: number }
}

export interface BenchResult {
  bench: string
  peers: number
  seconds: number
  rate: number
  size: number
  sent: number
  received: number
  p50_ms: number
  p99_ms: number
  max_ms: number
  loss: number
  cpu_ms_per_msg: number
  /** Garbage-collection pauses of all peers per message (included in cpu_ms_per_msg). */
  gc_ms_per_msg: number
  /**
   * p50 per receiving peer: the hub first (one hop), then the leaves (two hops), fastest first.
   * The hub forwards to the leaves one after another and, on a shared box, the later ones also
   * wait for a CPU: the spread between leaves grows with the work each does per message.
   */
  receivers_p50_ms: number[]
}

/** seq (u32) + send time in ns (u64, monotonic) */
export const PAYLOAD_HEADER_BYTES = 12

/**
 * seq ‖ send time ‖ random printable ASCII up to `size` bytes: a text message of about that many
 * bytes for a room (see bench/room.ts, which carries it as a Latin-1 string), opaque bytes for gossipsub.
 */
export function makePayload (seq: number, size: number): Uint8Array {
  const buf = Buffer.alloc(Math.max(size, PAYLOAD_HEADER_BYTES))
  buf.write(randomBytes(buf.length).toString('base64url'), PAYLOAD_HEADER_BYTES, 'latin1')
  buf.writeUInt32BE(seq, 0)
  buf.writeBigUInt64BE(process.hrtime.bigint(), 4)
  return buf
}

export function readPayload (data: Uint8Array): { seq: number, latencyMs: number } | undefined {
  if (data.byteLength < PAYLOAD_HEADER_BYTES) return undefined
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const sentAt = buf.readBigUInt64BE(4)
  return { seq: buf.readUInt32BE(0), latencyMs: Number(process.hrtime.bigint() - sentAt) / 1e6 }
}

// ---------------------------------------------------------------- worker side

/** Polls COND every 50 ms (running TICK first, if given) until it holds; throws after TIMEOUTMS. */
export async function until (cond: () => boolean, what: string, timeoutMs = 30_000, tick?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    if (tick !== undefined) await tick()
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

export interface WorkerStart {
  index: number
  peers: number
  /** Multiaddrs to bootstrap to (empty for the hub). */
  bootstrap: string[]
  /** What the hub's start returned as `info` (e.g. an invite ticket), for the leaves. */
  hub?: string
}

/** What a benchmark implements for one peer process. */
export interface WorkerAdapter {
  /** Start the peer; returns the addresses others may dial. */
  start: (opts: WorkerStart, onPayload: (payload: Uint8Array) => void) => Promise<{ addrs: string[], info?: string }>
  /** Resolves when this peer is ready for the run (the hub: meshed with every leaf; a leaf: can publish). */
  ready: (opts: WorkerStart) => Promise<void>
  publish: (payload: Uint8Array) => Promise<void>
  stop: () => Promise<void>
}

type Command =
  | { cmd: 'start', opts: WorkerStart }
  | { cmd: 'ready' }
  | { cmd: 'begin' }
  | { cmd: 'publish', seconds: number, rate: number, size: number }
  | { cmd: 'report' }
  | { cmd: 'stop' }

/**
 * BENCH_CPU_PROF=DIR: a V8 CPU profile of each worker from `begin` to `report` (the measured run
 * only, not start-up), written to DIR/<pid>-<index>.cpuprofile.
 */
function profiler (dir: string | undefined): { start: () => Promise<void>, stop: (index: number) => Promise<void> } {
  if (dir === undefined) return { start: async () => {}, stop: async () => {} }
  const session = new Session()
  return {
    async start () {
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
    },
    async stop (index) {
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(join(dir, `${process.pid}-${index}.cpuprofile`), JSON.stringify(profile))
      session.disconnect()
    }
  }
}

/** Run this process as a worker: obey commands on stdin, answer one JSON line each on stdout. */
export async function runWorker (adapter: WorkerAdapter): Promise<void> {
  const reply = (msg: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(msg) + '\n') }
  const latencies: number[] = []
  const seen = new Set<number>()
  let cpuStart = process.cpuUsage()
  let gcMs = 0
  new PerformanceObserver(list => { for (const e of list.getEntries()) gcMs += e.duration }).observe({ entryTypes: ['gc'] })
  let opts: WorkerStart | undefined
  const profile = profiler(process.env.BENCH_CPU_PROF)
  const onPayload = (payload: Uint8Array): void => {
    const p = readPayload(payload)
    if (p === undefined || seen.has(p.seq)) return
    seen.add(p.seq)
    latencies.push(p.latencyMs)
  }
  for await (const line of createInterface({ input: process.stdin })) {
    const c = JSON.parse(line) as Command
    try {
      switch (c.cmd) {
        case 'start': opts = c.opts; reply({ ok: true, ...(await adapter.start(c.opts, onPayload)) }); break
        case 'ready': await adapter.ready(opts!); reply({ ok: true }); break
        case 'begin': latencies.length = 0; seen.clear(); await profile.start(); cpuStart = process.cpuUsage(); gcMs = 0; reply({ ok: true }); break
        case 'publish': reply({ ok: true, sent: await publishFor(adapter, c.seconds, c.rate, c.size) }); break
        case 'report': {
          const cpu = process.cpuUsage(cpuStart)
          await profile.stop(opts?.index ?? 0)
          reply({ ok: true, latencies, cpuMs: (cpu.user + cpu.system) / 1000, gcMs })
          break
        }
        case 'stop': await adapter.stop(); reply({ ok: true }); process.exit(0)
      }
    } catch (err) {
      reply({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) })
    }
  }
}

/** Publish at `rate`/s for `seconds` on a drift-free schedule; returns how many were published. */
async function publishFor (adapter: WorkerAdapter, seconds: number, rate: number, size: number): Promise<number> {
  const total = Math.round(seconds * rate)
  const intervalMs = 1000 / rate
  const t0 = performance.now()
  for (let seq = 0; seq < total; seq++) {
    const due = t0 + seq * intervalMs
    const wait = due - performance.now()
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    await adapter.publish(makePayload(seq, size))
  }
  return total
}

// ---------------------------------------------------------------- parent side

class WorkerHandle {
  readonly #child: ChildProcessWithoutNullStreams
  readonly #pending: Array<(msg: Record<string, unknown>) => void> = []
  stderr = ''

  constructor (readonly index: number, worker: string[]) {
    const [script, ...args] = worker
    this.#child = spawn(process.execPath, ['--import', 'tsx', script!, ...args, '--worker'], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
    this.#child.stderr.setEncoding('utf8').on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-4000) })
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const resolve = this.#pending.shift()
      resolve?.(JSON.parse(line) as Record<string, unknown>)
    })
    this.#child.on('exit', (code) => {
      for (const resolve of this.#pending.splice(0)) resolve({ ok: false, error: `worker ${index} exited ${String(code)}: ${this.stderr}` })
    })
  }

  async send (cmd: Command, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`worker ${this.index}: no answer to ${cmd.cmd} in ${timeoutMs} ms; stderr: ${this.stderr}`)) }, timeoutMs)
      this.#pending.push((msg) => { clearTimeout(timer); resolve(msg) })
    })
    this.#child.stdin.write(JSON.stringify(cmd) + '\n')
    const msg = await answer
    if (msg.ok !== true) throw new Error(`worker ${this.index} failed ${cmd.cmd}: ${String(msg.error)}`)
    return msg
  }

  /** Ends the worker: a moment to exit by itself (profiles are written at exit), then SIGKILL. */
  async kill (): Promise<void> {
    if (this.#child.exitCode !== null) return
    await new Promise<void>(resolve => {
      const timer = setTimeout(() => { this.#child.kill('SIGKILL'); resolve() }, 2000)
      this.#child.once('exit', () => { clearTimeout(timer); resolve() })
    })
  }
}

/** Run one benchmark: spawn, connect, publish, measure, tear down. */
export async function runBench (config: BenchConfig): Promise<BenchResult> {
  const setupTimeoutMs = config.setupTimeoutMs ?? 30_000
  const workers = Array.from({ length: config.peers }, (_, i) => new WorkerHandle(i, config.worker))
  try {
    const hub = workers[0]!
    const hubStart = await hub.send({ cmd: 'start', opts: { index: 0, peers: config.peers, bootstrap: [] } }, setupTimeoutMs)
    const bootstrap = (hubStart.addrs as string[]).filter(a => a.startsWith('/ip4/127.0.0.1/'))
    const hubInfo = typeof hubStart.info === 'string' ? { hub: hubStart.info } : {}
    await Promise.all(workers.slice(1).map(async w => await w.send({ cmd: 'start', opts: { index: w.index, peers: config.peers, bootstrap, ...hubInfo } }, setupTimeoutMs)))
    await Promise.all(workers.map(async w => await w.send({ cmd: 'ready' }, setupTimeoutMs)))
    const publisher = workers[workers.length - 1]!
    if (config.warmup !== undefined && config.warmup.seconds > 0) {
      // Not measured: brings every peer to its steady state (JIT-compiled code, warm caches and
      // buffers) before the run, as a member that has been running for a while. Same for both sides.
      await publisher.send({ cmd: 'publish', seconds: config.warmup.seconds, rate: config.warmup.rate, size: config.size }, config.warmup.seconds * 1000 + setupTimeoutMs)
      await new Promise(resolve => setTimeout(resolve, 1000)) // let the last warm-up messages land
    }
    await Promise.all(workers.map(async w => await w.send({ cmd: 'begin' })))
    const { sent } = await publisher.send({ cmd: 'publish', seconds: config.seconds, rate: config.rate, size: config.size },
      config.seconds * 1000 + setupTimeoutMs) as { sent: number }
    await new Promise(resolve => setTimeout(resolve, 1000)) // stragglers
    const reports = await Promise.all(workers.map(async w => await w.send({ cmd: 'report' }) as { latencies: number[], cpuMs: number, gcMs: number }))
    const receivers = reports.filter((_, i) => i !== workers.length - 1).map(r => r.latencies.sort((a, b) => a - b))
    const latencies = receivers.flat().sort((a, b) => a - b)
    const expected = sent * (config.peers - 1)
    const cpuMs = reports.reduce((sum, r) => sum + r.cpuMs, 0)
    const gcMs = reports.reduce((sum, r) => sum + r.gcMs, 0)
    await Promise.allSettled(workers.map(async w => await w.send({ cmd: 'stop' }, 10_000)))
    return {
      bench: config.bench,
      peers: config.peers,
      seconds: config.seconds,
      rate: config.rate,
      size: config.size,
      sent,
      received: latencies.length,
      p50_ms: round(percentile(latencies, 50), 3),
      p99_ms: round(percentile(latencies, 99), 3),
      max_ms: round(latencies[latencies.length - 1] ?? NaN, 3),
      loss: round(expected === 0 ? 1 : 1 - latencies.length / expected, 4),
      cpu_ms_per_msg: round(sent === 0 ? NaN : cpuMs / sent, 3),
      gc_ms_per_msg: round(sent === 0 ? NaN : gcMs / sent, 3),
      receivers_p50_ms: [receivers[0]!, ...receivers.slice(1).sort((a, b) => percentile(a, 50) - percentile(b, 50))].map(l => round(percentile(l, 50), 2))
    }
  } finally {
    await Promise.all(workers.map(async w => { await w.kill() }))
  }
}
