// Kick to new keys: time from `kick` (the admin appends the Remove) to the moment every remaining
// member holds the new epoch's chain of every other remaining member, in a 5- and a 20-member
// room of in-process room services on 127.0.0.1 (members meet through the admin, as they do when
// they join with its ticket). Baseline in the same run and room: the time for one message of the
// admin to reach every remaining member. Repetitions alternate the two; the median ratio is
// reported with its IQR. Prints ONE JSON line. Env: BENCH_RUNS (default 5).
import '../src/polyfill.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IdentityVault } from '../src/room/identity.js'
import type { Room } from '../src/room/room.js'
import { RoomService } from '../src/room/service.js'
import { History, MIGRATIONS, RoomTables, Store, loadSqlJs } from '../src/store/index.js'
import { createTransport, type Transport } from '../src/transport/index.js'
import { emit, median, percentile, round } from './lib.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
process.setMaxListeners(0) // every in-process store adds an exit listener
interface Member { service: RoomService, transport: Transport, store: Store, room: Room, key: Uint8Array }

async function until (cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 1))
  }
}

async function member (dir: string, name: string): Promise<Omit<Member, 'room'>> {
  const identity = await new IdentityVault({}, { path: join(dir, name, 'identity.json') }).create({ name })
  const store = await Store.open({ sqlJs: await loadSqlJs() }, { path: join(dir, name, 'conclave.db'), migrations: MIGRATIONS })
  const transport = await createTransport({ privateKey: await identity.peerPrivateKey() }, { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
  const service = new RoomService({ identity, tables: new RoomTables({ store }), history: new History({ store }), transport })
  await service.start()
  return { service, transport, store, key: identity.memberPublicKey }
}

/** One room of SIZE members plus one to kick per repetition; returns the per-repetition figures. */
async function roomOf (size: number): Promise<{ kickMs: number[], messageMs: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-bench-kick-'))
  const all: Member[] = []
  try {
    const first = await member(dir, 'admin')
    const room = first.service.createRoom('ops')
    const admin: Member = { ...first, room }
    all.push(admin)
    const addr = `${admin.transport.multiaddrs()[0]!}`
    const join = async (name: string): Promise<Member> => {
      const ticket = await admin.service.invite(room, { role: 'member', expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [addr] })
      const m = await member(dir, name)
      const joined = { ...m, room: await m.service.join(ticket, { timeoutMs: 30_000 }) }
      all.push(joined)
      return joined
    }
    for (let i = 1; i < size; i++) await join(`m${i}`)
    const kickMs: number[] = []
    const messageMs: number[] = []
    for (let run = 0; run < RUNS; run++) {
      const victim = await join(`victim${run}`)
      const remaining = all.filter(m => m !== victim && m.room.log.isMember(m.key))
      await until(() => remaining.every(m => m.room.log.isMember(victim.key)), 'everyone knows the newcomer')
      // baseline: one message of the admin to every remaining member
      const got = new Set<Member>()
      const text = `run ${run}`
      const listeners = remaining.filter(m => m !== admin).map(m => {
        const on = (s: { text: string }): void => { if (s.text === text) got.add(m) }
        m.service.on('message', on)
        return () => m.service.off('message', on)
      })
      await admin.service.waitForReaders(room, 10_000)
      let t = performance.now()
      await admin.service.send(room, { text })
      await until(() => got.size === listeners.length, 'the message at every member')
      messageMs.push(performance.now() - t)
      for (const off of listeners) off()
      // the kick: until every remaining member holds every other remaining member's new chain
      t = performance.now()
      const change = await admin.service.kick(room, victim.service.identity.memberId)
      await until(() => remaining.every(m => m.room.log.epoch === change.epoch &&
        remaining.every(o => o === m || m.room.hasInbound(o.key, change.epoch))), 'every new chain at every member')
      kickMs.push(performance.now() - t)
    }
    return { kickMs, messageMs }
  } finally {
    for (const m of all) { await m.service.stop(); await m.transport.stop(); await m.store.close() }
    rmSync(dir, { recursive: true, force: true })
  }
}

function summary (r: { kickMs: number[], messageMs: number[] }): Record<string, unknown> {
  const ratios = r.kickMs.map((k, i) => k / r.messageMs[i]!).sort((a, b) => a - b)
  return {
    kick_to_new_chains_ms_median: round(median(r.kickMs), 1),
    kick_to_new_chains_ms: r.kickMs.map(x => round(x, 1)),
    message_to_all_ms_median: round(median(r.messageMs), 1),
    ratio_median: round(median(ratios), 2),
    ratio_iqr: [round(percentile(ratios, 25), 2), round(percentile(ratios, 75), 2)]
  }
}

const five = await roomOf(5)
const twenty = await roomOf(20)
emit({ bench: 'kick', runs: RUNS, members_5: summary(five), members_20: summary(twenty) })
process.exit(0)
