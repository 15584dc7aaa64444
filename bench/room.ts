// Room benchmark: five members in five processes on 127.0.0.1, one sends 20 messages/s for 30 s;
// one-way latency p50/p99, loss and CPU ms per message — against raw gossipsub (same libp2p
// configuration, no app encryption, signing or storage) measured in the same run, and against
// the crypto floor (raw plus only the per-hop signature and AEAD SPEC mandates: gossip-raw.ts
// --floor), which shows how much of the gap is Ed25519 and ChaCha20-Poly1305 alone.
// Each member runs the real room service: identity, crash-safe store, sender keys, signed and
// encrypted envelopes, the SPEC 3.7 validator, a durable write per accepted message.
// Both sides first get an unmeasured warm-up (BENCH_WARMUP seconds at BENCH_WARMUP_RATE msg/s,
// default 10 s at 50/s): the figures are the steady state of members that have been running, with
// their code compiled by V8's optimizing tiers (BENCH_WARMUP=0 measures from a cold start).
// Env: BENCH_SECONDS (default 30), BENCH_RATE (20), BENCH_SIZE (200), BENCH_PEERS (5), BENCH_FLOOR=0 (skip the floor).
// Goals (issue 3): p50 <= 1.5x raw, p99 <= 25 ms, zero loss. Prints ONE JSON line.
import '../src/polyfill.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IdentityVault } from '../src/room/identity.js'
import type { Room } from '../src/room/room.js'
import { RoomService } from '../src/room/service.js'
import { History, MIGRATIONS, RoomTables, Store, loadSqlJs } from '../src/store/index.js'
import { createTransport, type Transport } from '../src/transport/index.js'
import { emit, round } from './lib.js'
import { runBench, runWorker, until, type WorkerAdapter, type WorkerStart } from './lib-gossip.js'

/** One member: a full room service in this process, with its own home directory. */
function roomAdapter (): WorkerAdapter {
  let transport: Transport | undefined
  let store: Store | undefined
  let service: RoomService | undefined
  let room: Room | undefined
  let home = ''
  return {
    async start (opts: WorkerStart, onPayload) {
      home = mkdtempSync(join(tmpdir(), 'conclave-bench-room-'))
      const identity = await new IdentityVault({}, { path: join(home, 'identity.json') }).create({ name: `m${opts.index}` })
      store = await Store.open({ sqlJs: await loadSqlJs() }, { path: join(home, 'conclave.db'), migrations: MIGRATIONS })
      transport = await createTransport({ privateKey: await identity.peerPrivateKey() }, { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: opts.bootstrap, mdns: false })
      service = new RoomService({ identity, tables: new RoomTables({ store }), history: new History({ store }), transport })
      // The harness payload travels as the message text, one character per byte (Latin-1): a
      // 200-byte payload is a 200-character message (212 bytes of UTF-8 at most: the 12-byte header
      // is binary), as a 200-byte log line would be. Base64 made it 268 bytes and a bigger bucket.
      service.on('message', m => { onPayload(Buffer.from(m.text, 'latin1')) })
      await service.start()
      if (opts.index === 0) {
        room = service.createRoom('bench')
        const ticket = await service.invite(room, { role: 'member', expiresMs: Date.now() + 600_000, maxUses: opts.peers - 1, addrs: transport.multiaddrs().filter(a => a.startsWith('/ip4/127.0.0.1/')) })
        return { addrs: transport.multiaddrs(), info: ticket }
      }
      room = await service.join(opts.hub!, { timeoutMs: 30_000 })
      return { addrs: transport.multiaddrs() }
    },
    async ready (opts: WorkerStart) {
      const t = transport!
      const s = service!
      const r = room!
      // everyone is in the log (joins are concurrent) and we hold every member's chain
      await until(() => r.log.members().length >= opts.peers, 'all members in the log', 30_000, async () => { await s.refreshKeys(r) })
      await until(() => s.missingSenders(r).length === 0, 'every member\'s sender key', 30_000, async () => { await s.refreshKeys(r) })
      if (opts.index === 0) await until(() => t.meshPeers(r.topic).length >= opts.peers - 1, 'the hub mesh to hold every leaf')
      else await until(() => t.writableSubscribers(r.topic).length >= 1, 'a writable subscriber')
    },
    async publish (payload: Uint8Array) {
      const { recipients } = await service!.send(room!, { text: Buffer.from(payload).toString('latin1') })
      if (recipients === 0) process.stderr.write('publish reached nobody\n')
    },
    async stop () {
      await service?.stop()
      await transport?.stop()
      store?.close()
      rmSync(home, { recursive: true, force: true })
    }
  }
}

if (process.argv.includes('--worker')) {
  await runWorker(roomAdapter())
} else {
  const env = (name: string, fallback: number): number => {
    const v = Number(process.env[name] ?? fallback)
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`)
    return v
  }
  const warmup = { seconds: Number(process.env.BENCH_WARMUP ?? 10), rate: env('BENCH_WARMUP_RATE', 50) }
  if (!Number.isFinite(warmup.seconds) || warmup.seconds < 0) throw new Error('BENCH_WARMUP must be a number of seconds (0: none)')
  const common = { peers: env('BENCH_PEERS', 5), seconds: env('BENCH_SECONDS', 30), rate: env('BENCH_RATE', 20), size: env('BENCH_SIZE', 200), warmup }
  const gossipWorker = fileURLToPath(new URL('./gossip-raw.ts', import.meta.url))
  const raw = await runBench({ bench: 'gossip-raw', ...common, worker: [gossipWorker] })
  const floor = process.env.BENCH_FLOOR === '0' ? undefined : await runBench({ bench: 'crypto-floor', ...common, worker: [gossipWorker, '--floor'] })
  const room = await runBench({ bench: 'room', ...common, worker: [fileURLToPath(import.meta.url)], setupTimeoutMs: 60_000 })
  const p50Ratio = room.p50_ms / raw.p50_ms
  emit({
    bench: 'room',
    peers: common.peers,
    seconds: common.seconds,
    warmup_seconds: warmup.seconds,
    rate: common.rate,
    size: common.size,
    room: { p50_ms: room.p50_ms, p99_ms: room.p99_ms, max_ms: room.max_ms, loss: room.loss, sent: room.sent, received: room.received, cpu_ms_per_msg: room.cpu_ms_per_msg, gc_ms_per_msg: room.gc_ms_per_msg, receivers_p50_ms: room.receivers_p50_ms },
    raw: { p50_ms: raw.p50_ms, p99_ms: raw.p99_ms, max_ms: raw.max_ms, loss: raw.loss, cpu_ms_per_msg: raw.cpu_ms_per_msg, gc_ms_per_msg: raw.gc_ms_per_msg, receivers_p50_ms: raw.receivers_p50_ms },
    ...(floor === undefined ? {} : { crypto_floor: { p50_ms: floor.p50_ms, p99_ms: floor.p99_ms, loss: floor.loss, cpu_ms_per_msg: floor.cpu_ms_per_msg, receivers_p50_ms: floor.receivers_p50_ms, p50_ratio: round(floor.p50_ms / raw.p50_ms, 2) } }),
    p50_ratio: round(p50Ratio, 2),
    cpu_ratio: round(room.cpu_ms_per_msg / raw.cpu_ms_per_msg, 2),
    goals: { p50_ratio_max: 1.5, p99_ms_max: 25, loss: 0 },
    ok: p50Ratio <= 1.5 && room.p99_ms <= 25 && room.loss === 0
  })
}
