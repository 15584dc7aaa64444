// Junk costs the sender (issue 15, requirement 5): a member far above a sane message rate is IGNOREd
// (never relayed) by the first node; chain gaps spend a per-chain budget; skipped keys are rows of
// their own, so an accepted message writes the chain's small state, not the whole skipped window.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ed25519PrivateKey } from '../../src/crypto/index.js'
import { sealEnvelope, validateEnvelope } from '../../src/room/envelope.js'
import { createInvite, signInviteUse } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import { Room, SENDER_BURST, SENDER_RATE_PER_SECOND } from '../../src/room/room.js'
import { signSenderKey } from '../../src/room/key-signing.js'
import { GAP_BUDGET, GAP_REFILL_PER_SECOND, InboundSenderChain, MAX_GAP, OutboundSenderChain } from '../../src/room/sender-keys.js'
import type { RoomTables, SqlStatement } from '../../src/store/index.js'

const T0 = 1_750_000_000_000
const key = (n: number): Ed25519PrivateKey => Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(n))
const peer = (n: number): Uint8Array => new Uint8Array(38).fill(n)
const tables = {
  chainStatement: (): SqlStatement => ['-', []],
  skippedStatements: (): SqlStatement[] => [],
  deleteChainStatement: (): SqlStatement[] => [['-', []]]
} as unknown as RoomTables

describe('a member far above a sane rate', () => {
  it('gets SENDER_BURST envelopes accepted at once, then SENDER_RATE_PER_SECOND; the rest are IGNOREd as rate-limited', () => {
    const alice = key(1); const bob = key(2)
    const log = MembershipLog.create(alice, { name: 'ops', creatorName: 'alice', creatorPeerId: peer(1), nonce: new Uint8Array(16), createdMs: T0 })
    const inv = createInvite(log, alice, { role: 'member', expiresMs: T0 + 3_600_000, maxUses: 5, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
    log.append(inv.entry)
    const invKey = Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
    log.append(log.createEntry(alice, { type: 'add', member: bob.publicKey, name: 'bob', role: 'member', peerId: peer(2), inviteKey: invKey.publicKey, inviteProof: signInviteUse(invKey, log.roomId, bob.publicKey, peer(2)) }, T0 + 1000))
    const alicesRoom = new Room({ log, me: alice.publicKey, joinedAt: T0, persistedLogLength: 0 })
    const chain = OutboundSenderChain.create({ roomId: alicesRoom.roomId, epoch: 0, sender: bob.publicKey })
    alicesRoom.installSenderKeys(tables, [signSenderKey(chain.exportKey(), bob, T0 + 2000)], bob.publicKey)
    const verdicts = (n: number, now: number): Record<string, number> => {
      const out: Record<string, number> = {}
      for (let i = 0; i < n; i++) {
        const env = sealEnvelope({ roomId: alicesRoom.roomId, epoch: 0, senderKey: bob, chain, tsMs: now, payload: { message: { text: 'flood' } } }).bytes
        const r = validateEnvelope(env, alicesRoom.validationContext(now))
        out[`${r.verdict}:${r.reason}`] = (out[`${r.verdict}:${r.reason}`] ?? 0) + 1
      }
      return out
    }
    assert.deepEqual(verdicts(SENDER_BURST + 100, T0 + 5000), { 'accept:ok': SENDER_BURST, 'ignore:rate-limited': 100 })
    assert.deepEqual(verdicts(SENDER_RATE_PER_SECOND + 50, T0 + 6000), { 'accept:ok': SENDER_RATE_PER_SECOND, 'ignore:rate-limited': 50 })
  })
})

describe('chain gaps', () => {
  it('are charged to a budget: jumps of MAX_GAP are refused once it is spent, and allowed again as it refills', () => {
    const out = OutboundSenderChain.create({ roomId: new Uint8Array(32).fill(1), epoch: 0, sender: key(2).publicKey })
    const chain = InboundSenderChain.fromSenderKey(out.exportKey())
    let index = 0
    const jump = (now: number): string => {
      const r = chain.keyFor(index + MAX_GAP, now)
      if (r.ok) index += MAX_GAP + 1
      return r.ok ? 'ok' : r.reason
    }
    const jumps = Math.floor(GAP_BUDGET / MAX_GAP)
    for (let i = 0; i < jumps; i++) assert.equal(jump(T0), 'ok')
    assert.equal(jump(T0), 'too-far', 'the budget is spent')
    assert.equal(chain.keyFor(index, T0).ok, true, 'the next message in order costs nothing')
    index++
    assert.equal(jump(T0 + Math.ceil(MAX_GAP / GAP_REFILL_PER_SECOND * 1000)), 'ok', 'refilled')
  })
})

describe('skipped keys at rest', () => {
  it('are rows apart from the chain: a jump adds them, using one deletes it, the core state stays small, and a reload gets them back', () => {
    const out = OutboundSenderChain.create({ roomId: new Uint8Array(32).fill(1), epoch: 0, sender: key(2).publicKey })
    const chain = InboundSenderChain.fromSenderKey(out.exportKey())
    chain.trackSkipped()
    const core = chain.toCoreState().length
    assert.equal(chain.keyFor(500, T0).ok, true)
    const first = chain.takeSkippedChanges()
    assert.equal(first.added.length, 500)
    assert.deepEqual(first.removed, [])
    assert.equal(chain.toCoreState().length, core, 'the core state does not grow with the window')
    assert.ok(chain.toState().length > core + 500 * 32)
    assert.equal(chain.keyFor(7, T0).ok, true)
    assert.deepEqual(chain.takeSkippedChanges(), { added: [], removed: [7] })
    assert.equal(chain.keyFor(501, T0).ok, true)
    assert.deepEqual(chain.takeSkippedChanges(), { added: [], removed: [] }, 'an in-order message changes no row')
    // reload: the core state plus the stored rows is the same chain
    const rows = first.added.filter(([i]) => i !== 7)
    const reloaded = InboundSenderChain.fromStateAndSkipped(chain.toCoreState(), rows)
    assert.deepEqual(reloaded.toState(), chain.toState())
    assert.equal(reloaded.keyFor(7, T0).ok, false)
    assert.equal(reloaded.keyFor(8, T0).ok, true)
    assert.throws(() => InboundSenderChain.fromStateAndSkipped(chain.toCoreState(), [[600, new Uint8Array(32)]]), { name: 'CorruptFileError' })
  })
})

describe('skipped keys in a real store', () => {
  it('survive a reload from the sql.js file (migration 5), and a key used before the stop stays used', async () => {
    const { Store, MIGRATIONS, RoomTables, loadSqlJs } = await import('../../src/store/index.js')
    const { tempDir, removeDir } = await import('../fixtures/store-helpers.js')
    const dir = tempDir()
    try {
      const sqlJs = await loadSqlJs()
      const path = `${dir}/conclave.db`
      const alice = key(1); const bob = key(2)
      const log = MembershipLog.create(alice, { name: 'ops', creatorName: 'alice', creatorPeerId: peer(1), nonce: new Uint8Array(16), createdMs: T0 })
      const inv = createInvite(log, alice, { role: 'member', expiresMs: T0 + 3_600_000, maxUses: 5, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
      log.append(inv.entry)
      const invKey = Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
      log.append(log.createEntry(alice, { type: 'add', member: bob.publicKey, name: 'bob', role: 'member', peerId: peer(2), inviteKey: invKey.publicKey, inviteProof: signInviteUse(invKey, log.roomId, bob.publicKey, peer(2)) }, T0 + 1000))
      const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
      const t = new RoomTables({ store })
      const room = new Room({ log, me: alice.publicKey, joinedAt: T0, persistedLogLength: 0 })
      const chain = OutboundSenderChain.create({ roomId: room.roomId, epoch: 0, sender: bob.publicKey })
      t.batch([...t.saveRoomStatements({ roomId: room.roomId, name: room.name, topic: room.topic, joinedAt: T0 }, log.toBytes()), ...room.installSenderKeys(t, [signSenderKey(chain.exportKey(), bob, T0 + 2000)], bob.publicKey)])
      const envs = Array.from({ length: 40 }, (_, i) => sealEnvelope({ roomId: room.roomId, epoch: 0, senderKey: bob, chain, tsMs: T0 + 5000 + i, payload: { message: { text: `m${i}` } } }).bytes)
      // the last one first (39 skipped keys become rows), then #3: one row deleted
      for (const i of [39, 3]) {
        const r = validateEnvelope(envs[i]!, room.validationContext(T0 + 6000))
        assert.equal(r.verdict, 'accept')
        t.batch(room.inboundStatements(t, r.chain!))
      }
      assert.equal(store.all('SELECT idx FROM skipped_keys').length, 38)
      const state = store.all<{ state: Uint8Array }>('SELECT state FROM sender_chains WHERE outbound = 0')[0]!.state
      assert.ok(state.length < 200, `the chain row holds no skipped keys (${state.length} bytes)`)
      store.close()
      const again = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
      const reloaded = Room.load(new RoomTables({ store: again }), { roomId: room.roomId, joinedAt: T0 }, alice.publicKey)
      const verdict = (i: number): string => { const r = validateEnvelope(envs[i]!, reloaded.validationContext(T0 + 6000)); return `${r.verdict}:${r.reason}` }
      assert.equal(verdict(3), 'ignore:duplicate', 'used before the stop')
      assert.equal(verdict(7), 'accept:ok', 'a skipped key read back from its row')
      assert.equal(verdict(39), 'ignore:duplicate')
      again.close()
    } finally {
      removeDir(dir)
    }
  })
})
