// Catch-up of N missed messages (default 100,000) from one member, on the built binary in two
// processes: bob was away while alice's node stored them; bob's `listen` comes back and catches
// up. Figures: messages/s validated and stored at bob (to the last one printed), and the peak RSS
// growth of both processes (VmHWM − RSS when the catch-up started). Anchor, in the same run: the
// same envelopes validated and stored in-process by the room service's validator with no network
// (the floor); the ratio is catch-up rate / floor rate. Goals: ≥ 5,000 msg/s, ≤ 200 MB each.
import '../src/polyfill.ts'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IdentityVault } from '../src/room/identity.js'
import { RoomService } from '../src/room/service.js'
import { validateEnvelope } from '../src/room/envelope.js'
import { History, MIGRATIONS, RoomTables, Store, loadSqlJs } from '../src/store/index.js'
import { BINARY, Bg, makeRoom, run } from './lib-conclave.js'
import { emit, round } from './lib.js'

const N = Number(process.env.BENCH_SYNC_MESSAGES ?? 100_000)
const FLOOR_SAMPLE = Math.min(N, 20_000)

const kb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? 0 : Number(m[1])
}

async function openHome (home: string): Promise<{ service: RoomService, store: Store, history: History, tables: RoomTables }> {
  const identity = await new IdentityVault({}, { path: join(home, 'identity.json') }).load({ get: async () => { throw new Error('no passphrase') } })
  const store = await Store.open({ sqlJs: await loadSqlJs() }, { path: join(home, 'conclave.db'), migrations: MIGRATIONS })
  const tables = new RoomTables({ store })
  const history = new History({ store })
  // No transport: seal() needs none. A stub satisfies the constructor.
  const service = new RoomService({ identity, tables, history, transport: undefined as never }, { retain: { messages: N + 1000 } })
  return { service, store, history, tables }
}

async function main (): Promise<void> {
  const { room, hubProc } = await makeRoom(2, r => new Bg(BINARY, ['listen', 'ops', '-v', '--home', r.homes[0]!, ...r.net(0)]))
  try {
    // bob met alice (join: keys), then alice's node goes down and bob is away
    hubProc.stop()
    await hubProc.exited
    // alice's messages while bob is away, sealed into her store
    const alice = await openHome(room.homes[0]!)
    const aliceRoom = alice.service.rooms()[0]!
    const t0 = performance.now()
    for (let i = 0; i < N; i++) alice.service.seal(aliceRoom, { text: `missed message ${i} `.padEnd(120, 'x') })
    await alice.service.stop()
    const sealMs = performance.now() - t0
    // the floor: the same envelopes validated and stored in-process at bob's (a copy of his home)
    const envelopes = alice.history.syncPage(aliceRoom.roomId, 0, FLOOR_SAMPLE).map(r => r.envelope)
    await alice.store.close()
    const floorRate = await floor(room.homes[1]!, envelopes)

    const a = new Bg(BINARY, ['daemon', '-v', '--home', room.homes[0]!, '--retain', String(N + 1000), ...room.net(0)])
    await a.until(/listening on|daemon/)
    const aBase = kb(a.child.pid!, 'VmRSS')
    const start = performance.now()
    const b = new Bg(BINARY, ['listen', 'ops', '--json', '-v', '--home', room.homes[1]!, '--retain', String(N + 1000), ...room.net(1)], { stdout: 'pipe' })
    let bBase = 0
    let got = 0
    let firstAt = 0
    b.child.stdout!.setEncoding('utf8')
    let rest = ''
    const done = new Promise<void>((resolve, reject) => {
      b.child.stdout!.on('data', (d: string) => {
        const lines = (rest + d).split('\n')
        rest = lines.pop()!
        for (const l of lines) if (l.includes('missed message')) { got++; if (got === 1) firstAt = performance.now() }
        if (got >= N) resolve()
      })
      void b.exited.then(code => reject(new Error(`bob exited ${code}: ${b.stderr.slice(-1000)}`)))
      setTimeout(() => reject(new Error(`timed out with ${got} of ${N}`)), 600_000).unref()
    })
    const sampler = setInterval(() => { if (bBase === 0 && /catching up/.test(b.stderr)) bBase = kb(b.child.pid!, 'VmRSS') }, 20)
    await done
    const end = performance.now()
    clearInterval(sampler)
    const aPeak = kb(a.child.pid!, 'VmHWM')
    const bPeak = kb(b.child.pid!, 'VmHWM')
    b.stop(); a.stop()
    await Promise.all([a.exited, b.exited])
    const rate = N / ((end - start) / 1000)
    const aGrowth = (aPeak - aBase) / 1024
    const bGrowth = (bPeak - (bBase === 0 ? aBase : bBase)) / 1024
    emit({
      bench: 'sync',
      messages: N,
      catchup_msgs_per_s: round(rate, 0),
      catchup_seconds: round((end - start) / 1000, 1),
      first_message_after_ms: round(firstAt - start, 0),
      floor_msgs_per_s: round(floorRate, 0),
      ratio_to_floor: round(rate / floorRate, 2),
      server_rss_growth_mb: round(aGrowth, 1),
      reader_rss_growth_mb: round(bGrowth, 1),
      seal_into_store_msgs_per_s: round(N / (sealMs / 1000), 0),
      goal: '>= 5000 msg/s, RSS growth <= 200 MB on both sides',
      ok: rate >= 5000 && aGrowth <= 200 && bGrowth <= 200
    })
    void run
  } finally {
    room.cleanup()
  }
}

/** Validate + store ENVELOPES in-process at the reader, as the validator and writer do (no network). */
async function floor (bobHome: string, envelopes: Uint8Array[]): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), 'conclave-bench-floor-'))
  cpSync(bobHome, home, { recursive: true })
  const { service, store, history, tables } = await openHome(home)
  const r = service.rooms()[0]!
  const t0 = performance.now()
  const batch = []
  for (const env of envelopes) {
    const v = validateEnvelope(env, r.catchUpContext(Date.now()))
    if (v.verdict !== 'accept') throw new Error(`floor: ${v.reason}`)
    batch.push(history.appendStatement({ id: v.id!, roomId: r.roomId, ts: v.header!.tsMs, sender: v.header!.sender, epoch: v.header!.epoch, chainIndex: v.header!.index, text: v.payload!.type === 'message' ? v.payload!.message.text : '', envelope: env, receivedAt: Date.now() }))
    if (batch.length === 256) tables.batch(batch.splice(0))
  }
  tables.batch(batch.splice(0))
  const ms = performance.now() - t0
  await store.close()
  rmSync(home, { recursive: true, force: true })
  return envelopes.length / (ms / 1000)
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1) })
