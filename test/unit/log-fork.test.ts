// Membership log forks: two admins appending at the same seq converge on one log (lowest entry hash
// wins at the first differing seq), the losing side re-applies what is still valid, max uses holds.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ed25519PrivateKey } from '../../src/crypto/index.js'
import { logEntryHash } from '../../src/room/genesis.js'
import { createInvite, signInviteUse } from '../../src/room/invite.js'
import { MembershipLog, forkWinner } from '../../src/room/membership.js'
import { decodeLogEntry, decodeSignedLogEntry, encodeSignedLogEntry, type RoleName } from '../../src/wire/membership.js'

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const key = (n: number) => Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(n))
const peer = (n: number) => new Uint8Array(38).fill(n)
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const copy = (log: MembershipLog) => MembershipLog.verifyAndLoad(log.toBytes())
const bodyOf = (entry: Uint8Array) => decodeLogEntry(decodeSignedLogEntry(entry).entry)
const authorOf = (entry: Uint8Array) => hex(bodyOf(entry).author)

/** Issues an invite as ADMIN and appends it; returns the invite key pair. */
function invite (log: MembershipLog, admin: Ed25519PrivateKey, opts: { role?: RoleName, maxUses?: number } = {}) {
  const inv = createInvite(log, admin, { role: opts.role ?? 'member', expiresMs: T0 + HOUR, maxUses: opts.maxUses ?? 5, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
  log.append(inv.entry)
  return Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
}

/** An Add entry for MEMBER, admitted by ADMIN with INVITEKEY (not appended). */
function addEntry (log: MembershipLog, admin: Ed25519PrivateKey, inviteKey: Ed25519PrivateKey, member: Ed25519PrivateKey, tsMs = T0 + 1000) {
  const peerId = peer(member.publicKey[0]!)
  return log.createEntry(admin, {
    type: 'add', member: member.publicKey, name: 'm', role: log.invite(inviteKey.publicKey)!.role, peerId,
    inviteKey: inviteKey.publicKey, inviteProof: signInviteUse(inviteKey, log.roomId, member.publicKey, peerId)
  }, tsMs)
}

/** A room with two admins: alice (the creator) and bob, both holding the same log. */
function twoAdmins () {
  const alice = key(1); const bob = key(2)
  const log = MembershipLog.create(alice, { name: 'ops', creatorName: 'alice', creatorPeerId: peer(1), nonce: new Uint8Array(16), createdMs: T0 })
  const adminInv = invite(log, alice, { role: 'admin', maxUses: 1 })
  log.append(addEntry(log, alice, adminInv, bob))
  return { alice, bob, log }
}

/**
 * Runs SCENARIO (which returns the side whose entry won) with signing times T0 + 1000, + 1001, …
 * until both sides have won at least once: each test covers the winner being either admin.
 */
function onBothSides (scenario: (tsMs: number) => 'a' | 'b'): void {
  const seen = new Set<string>()
  for (let i = 0; i < 64 && seen.size < 2; i++) seen.add(scenario(T0 + 1000 + i))
  assert.equal(seen.size, 2, 'both sides won in some run')
}

/** Which of two logs that differ first at seq K holds the winning entry. */
function winnerAt (k: number, a: MembershipLog, b: MembershipLog): 'a' | 'b' {
  return forkWinner(logEntryHash(b.toBytes()[k]!), logEntryHash(a.toBytes()[k]!)) === 'theirs' ? 'b' : 'a'
}

function adds (log: MembershipLog): string[] {
  return log.toBytes().map(bodyOf).filter(e => e.body.type === 'add').map(e => hex((e.body as { member: Uint8Array }).member))
}

/** Alice admits carol and bob admits dave with one ticket, at the same seq, on copies of one log. */
function concurrentAdmits (maxUses: number, tsMs: number) {
  const { alice, bob, log } = twoAdmins()
  const ticket = invite(log, alice, { maxUses })
  const carol = key(3); const dave = key(4)
  const a = copy(log); const b = copy(log)
  a.append(addEntry(a, alice, ticket, carol, tsMs))
  b.append(addEntry(b, bob, ticket, dave, tsMs))
  const k = log.length
  return { alice, bob, carol, dave, ticket, a, b, k }
}

describe('membership log forks: lowest entry hash wins', () => {
  it('max_uses 1, both merge orders: byte-identical logs, one Add survives, the loser\'s reapply is skipped', () => {
    for (const order of ['a-first', 'b-first'] as const) onBothSides(ts => {
      const { alice, bob, ticket, a, b, k } = concurrentAdmits(1, ts)
      const aBefore = a.toBytes(); const bBefore = b.toBytes()
      const win = winnerAt(k, a, b)
      if (order === 'a-first') {
        const ra = a.merge(bBefore)
        const rb = b.merge(a.toBytes())
        assert.deepEqual(win === 'b' ? ra : rb, { added: 1, dropped: [(win === 'b' ? aBefore : bBefore)[k]] })
        assert.deepEqual(win === 'b' ? rb : ra, { added: 0, dropped: [] })
      } else {
        const rb = b.merge(aBefore)
        const ra = a.merge(bBefore)
        assert.deepEqual(win === 'b' ? ra : rb, { added: 1, dropped: [(win === 'b' ? aBefore : bBefore)[k]] })
        assert.deepEqual(win === 'b' ? rb : ra, { added: 0, dropped: [] })
      }
      assert.deepEqual(a.toBytes(), b.toBytes(), order)
      assert.deepEqual(a.toBytes()[k], (win === 'a' ? aBefore : bBefore)[k])
      assert.equal(adds(a).length, 2, 'bob and exactly one of the two joiners')
      assert.equal(a.invite(ticket.publicKey)!.uses, 1)
      // the loser re-applies its Add: the ticket is used up, so nothing is appended
      const [loserLog, loserKey, lost] = win === 'a' ? [b, bob, bBefore[k]!] : [a, alice, aBefore[k]!]
      assert.deepEqual(loserLog.reapply(loserKey, [lost]), [])
      assert.deepEqual(a.toBytes(), b.toBytes())
      assert.equal(loserLog.invite(ticket.publicKey)!.uses, 1)
      assert.equal(loserLog.inviteStatus(ticket.publicKey, T0), 'used-up')
      // the merged state is what a fresh verification of the same bytes gives
      const fresh = MembershipLog.verifyAndLoad(a.toBytes())
      assert.deepEqual(fresh.members(), a.members())
      assert.deepEqual(fresh.invite(ticket.publicKey), a.invite(ticket.publicKey))
      return win
    })
  })

  it('max_uses 2: the loser\'s reapply succeeds and both joiners end as members in both logs', () => onBothSides(ts => {
    const { alice, bob, carol, dave, ticket, a, b, k } = concurrentAdmits(2, ts)
    const win = winnerAt(k, a, b)
    const [winner, loser, loserKey] = win === 'a' ? [a, b, bob] : [b, a, alice]
    const r = loser.merge(winner.toBytes())
    assert.equal(r.added, 1)
    assert.equal(r.dropped.length, 1)
    assert.deepEqual(winner.merge(loser.toBytes()), { added: 0, dropped: [] })
    const again = loser.reapply(loserKey, r.dropped)
    assert.equal(again.length, 1)
    assert.equal(bodyOf(again[0]!).seq, k + 1)
    assert.deepEqual(bodyOf(again[0]!).body, bodyOf(r.dropped[0]!).body, 'the same body, on top of the winner')
    // the winner hears the re-applied entry (a broadcast of what reapply returned)
    assert.deepEqual(winner.merge(again), { added: 1, dropped: [] })
    assert.deepEqual(a.toBytes(), b.toBytes())
    for (const log of [a, b]) {
      assert.equal(log.roleOf(carol.publicKey), 'member')
      assert.equal(log.roleOf(dave.publicKey), 'member')
      assert.equal(log.invite(ticket.publicKey)!.uses, 2)
    }
    // a second reapply of the same dropped entries adds nothing (the member is already in)
    assert.deepEqual(loser.reapply(loserKey, r.dropped), [])
    return win
  }))

  it('a losing branch of several entries is dropped whole (listed in order), even when the winner is shorter', () => onBothSides(ts => {
    const { alice, bob, log } = twoAdmins()
    const ticket = invite(log, alice, { maxUses: 5 })
    const k = log.length
    // candidates at seq k: alice revokes the ticket, bob admits carol; pick the loser to grow
    const a = copy(log); const b = copy(log)
    a.append(a.createEntry(alice, { type: 'revoke-invite', inviteKey: ticket.publicKey }, ts))
    b.append(addEntry(b, bob, ticket, key(3), ts))
    const win = winnerAt(k, a, b)
    const [winner, loser, loserKey, otherKey] = win === 'a' ? [a, b, bob, alice] : [b, a, alice, bob]
    const second = invite(loser, loserKey, { maxUses: 3 })
    loser.append(addEntry(loser, loserKey, second, key(5)))
    loser.append(loser.createEntry(loserKey, { type: 'set-role', member: key(5).publicKey, role: 'poster' }, T0 + 20))
    const losing = loser.toBytes().slice(k)
    assert.equal(losing.length, 4)
    // a third member holding the losing branch, and the loser itself, both drop it all
    const carolsCopy = copy(loser)
    for (const holder of [carolsCopy, loser]) {
      const r = holder.merge(winner.toBytes())
      assert.deepEqual(r, { added: 1, dropped: losing })
      assert.deepEqual(holder.toBytes(), winner.toBytes())
      assert.equal(holder.length, k + 1)
    }
    // only the author re-applies its entries: carol's copy re-applies nothing of someone else's
    assert.deepEqual(carolsCopy.reapply(key(3), losing), [])
    assert.deepEqual(carolsCopy.toBytes(), winner.toBytes())
    const again = loser.reapply(loserKey, losing)
    assert.ok(again.every(e => authorOf(e) === hex(loserKey.publicKey)))
    assert.deepEqual(loser.reapply(otherKey, losing), [], 'no entry of the other admin was on the losing branch')
    // what is still valid came back on top of the winner; the winner accepts it as a plain extension
    assert.deepEqual(winner.merge(loser.toBytes()), { added: again.length, dropped: [] })
    assert.deepEqual(winner.toBytes(), loser.toBytes())
    assert.equal(winner.roleOf(key(5).publicKey), 'poster', 'the second invite, its Add and the demotion were re-applied')
    if (win === 'a') assert.equal(winner.isMember(key(3).publicKey), false, 'the ticket was revoked first: carol\'s Add is skipped')
    else assert.equal(winner.invite(ticket.publicKey)!.revoked, true, 'the revoke was re-applied after carol\'s Add')
    return win
  }))

  it('merge order does not matter: pairwise in both directions, and three branches in every order', () => {
    const { alice, bob, log } = twoAdmins()
    const ticket = invite(log, alice, { maxUses: 5 })
    const a = copy(log); const b = copy(log); const c = copy(log)
    a.append(addEntry(a, alice, ticket, key(3)))
    a.append(a.createEntry(alice, { type: 'set-role', member: key(3).publicKey, role: 'admin' }, T0 + 30))
    b.append(addEntry(b, bob, ticket, key(4)))
    c.append(c.createEntry(alice, { type: 'remove', member: bob.publicKey, reason: 'kick' }, T0 + 40))
    // A merges B's then B merges A's result, and the reverse
    const a1 = copy(a); const b1 = copy(b)
    a1.merge(b1.toBytes()); b1.merge(a1.toBytes())
    const a2 = copy(a); const b2 = copy(b)
    b2.merge(a2.toBytes()); a2.merge(b2.toBytes())
    assert.deepEqual(a1.toBytes(), b1.toBytes())
    assert.deepEqual(a2.toBytes(), b2.toBytes())
    assert.deepEqual(a1.toBytes(), a2.toBytes())
    // every order of three branches gives the branch whose entry at k has the lowest hash
    const k = log.length
    const branches = [a, b, c]
    const best = [...branches].sort((x, y) => Buffer.compare(logEntryHash(x.toBytes()[k]!), logEntryHash(y.toBytes()[k]!)))[0]!
    const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
    for (const order of orders) {
      const m = copy(log)
      for (const i of order) m.merge(branches[i]!.toBytes())
      assert.deepEqual(m.toBytes(), best.toBytes(), `order ${order.join(',')}`)
      // and merging into a branch holder instead of a bystander gives the same
      const holder = copy(branches[order[0]!]!)
      for (const i of order.slice(1)) holder.merge(branches[i]!.toBytes())
      assert.deepEqual(holder.toBytes(), best.toBytes(), `holder ${order.join(',')}`)
    }
  })

  it('a kick on the losing branch: the epoch goes back, then forward again when re-applied', () => onBothSides(ts => {
    const { alice, bob, log } = twoAdmins()
    const ticket = invite(log, alice)
    const carol = key(3)
    log.append(addEntry(log, alice, ticket, carol))
    const k = log.length
    const a = copy(log); const b = copy(log)
    a.append(a.createEntry(alice, { type: 'remove', member: carol.publicKey, reason: 'kick' }, ts))
    b.append(b.createEntry(bob, { type: 'set-role', member: carol.publicKey, role: 'admin' }, ts))
    const win = winnerAt(k, a, b)
    const [winner, loser, loserKey] = win === 'a' ? [a, b, bob] : [b, a, alice]
    const r = loser.merge(winner.toBytes())
    assert.equal(loser.epoch, win === 'a' ? 1 : 0)
    loser.reapply(loserKey, r.dropped)
    winner.merge(loser.toBytes())
    assert.deepEqual(a.toBytes(), b.toBytes())
    // either way carol was promoted and kicked, or kicked (and the promotion of a non-member skipped)
    assert.equal(a.epoch, 1)
    assert.equal(a.isRevoked(carol.publicKey), true)
    const fresh = MembershipLog.verifyAndLoad(a.toBytes())
    assert.equal(fresh.epoch, a.epoch)
    assert.deepEqual(fresh.epochEnd(0), a.epochEnd(0))
    assert.deepEqual(fresh.members(0), a.members(0))
    assert.deepEqual(fresh.members(1), a.members(1))
    return win
  }))
})

describe('membership log forks: what is refused', () => {
  it('a fork entry with a bad signature throws and changes nothing, whether its hash would win or lose', () => {
    const { alice, bob, log } = twoAdmins()
    const a = copy(log); const b = copy(log)
    const k = log.length
    a.append(a.createEntry(alice, { type: 'revoke-invite', inviteKey: inviteKeyOf(a) }, T0 + 5))
    b.append(b.createEntry(bob, { type: 'revoke-invite', inviteKey: inviteKeyOf(b) }, T0 + 6))
    const ours = logEntryHash(a.toBytes()[k]!)
    const signed = decodeSignedLogEntry(b.toBytes()[k]!)
    const seen = new Set<string>()
    for (let i = 0; i < 64 && seen.size < 2; i++) {
      const sig = signed.signature.slice(); sig[i]! ^= 1
      const forged = encodeSignedLogEntry({ entry: signed.entry, signature: sig })
      const side = forkWinner(logEntryHash(forged), ours)
      if (seen.has(side)) continue
      seen.add(side)
      const before = a.toBytes()
      assert.throws(() => a.merge([...b.toBytes().slice(0, k), forged]), (err: any) => {
        assert.equal(err.name, 'MembershipLogError'); assert.equal(err.message, `membership log entry ${k} rejected: bad signature`); return true
      }, side)
      assert.deepEqual(a.toBytes(), before, `${side}: a refused merge changes nothing`)
    }
    assert.equal(seen.size, 2, 'found forged entries on both sides of the comparison')
  })

  it('a winning branch with a bad entry later on is refused whole', () => {
    const { alice, bob, log } = twoAdmins()
    const ticket = invite(log, alice)
    const k = log.length
    // find two entries at k where bob's wins, then add an invalid entry after it
    let tsMs = T0 + 100
    let a: MembershipLog; let b: MembershipLog
    do {
      a = copy(log); b = copy(log)
      a.append(addEntry(a, alice, ticket, key(3), tsMs))
      b.append(addEntry(b, bob, ticket, key(4), tsMs++))
    } while (winnerAt(k, a, b) !== 'b')
    const bad = b.createEntry(bob, { type: 'remove', member: key(9).publicKey, reason: '' }, T0)
    const before = a.toBytes()
    assert.throws(() => a.merge([...b.toBytes(), bad]), (err: any) => {
      assert.equal(err.message, `membership log entry ${k + 1} rejected: the member is not in the room`); return true
    })
    assert.deepEqual(a.toBytes(), before)
    // without it, bob's branch wins
    assert.deepEqual(a.merge(b.toBytes()), { added: 1, dropped: [before[k]] })
  })

  it('a run that starts past the fork point cannot be decided: LogForkError, nothing changes', () => {
    const { alice, bob, log } = twoAdmins()
    const ticket = invite(log, alice)
    const k = log.length
    const a = copy(log); const b = copy(log)
    a.append(addEntry(a, alice, ticket, key(3)))
    b.append(addEntry(b, bob, ticket, key(4)))
    b.append(addEntry(b, bob, ticket, key(5)))
    b.append(addEntry(b, bob, ticket, key(6)))
    const before = a.toBytes()
    // b's entries after k: the first is at a's length but follows b's entry k, not a's
    assert.throws(() => a.merge(b.entriesAfter(k)), (err: any) => {
      assert.equal(err.name, 'LogForkError'); assert.equal(err.message, `membership log fork before seq ${k + 1}: entry ${k + 1} does not follow ours`); return true
    })
    assert.throws(() => a.merge(b.entriesAfter(k + 1)), { name: 'MembershipLogError', message: `membership log entry ${k + 2} rejected: entries ${k + 1}..${k + 1} are missing` })
    assert.deepEqual(a.toBytes(), before)
    // with the entries from the fork on, it is decided
    const r = a.merge(b.entriesAfter(k - 1))
    assert.ok(r.added === 3 || r.added === 0)
    assert.equal(a.length, r.added === 3 ? k + 3 : k + 1)
  })
})

/** Some invite key known to LOG (the first one), for RevokeInvite entries. */
function inviteKeyOf (log: MembershipLog): Uint8Array {
  for (const e of log.toBytes().map(bodyOf)) if (e.body.type === 'invite') return e.body.inviteKey
  throw new Error('no invite')
}

describe('a settled fork at rest', () => {
  it('the stored log is rewritten from the fork on, so it reloads as the log in memory', async () => {
    const { Room } = await import('../../src/room/room.js')
    onBothSides(tsMs => {
      const { alice, bob, log } = twoAdmins()
      const inv = invite(log, alice, { maxUses: 2 })
      const theirs = copy(log)
      const stored = new Map<number, Uint8Array>(log.toBytes().map((e, i) => [i, e]))
      // what a store does with the statements (only the log's)
      const tables = {
        logStatements: (_r: Uint8Array, entries: Uint8Array[], from: number) => entries.map((e, i) => ['put', [from + i, e]]),
        deleteLogFromStatement: (_r: Uint8Array, seq: number) => ['cut', [seq]]
      }
      const run = (statements: any[]): void => {
        for (const [op, [seq, e]] of statements) {
          if (op === 'cut') for (const k of [...stored.keys()]) { if (k >= seq) stored.delete(k) } else stored.set(seq, e)
        }
      }
      const room = new Room({ log, me: alice.publicKey, joinedAt: T0, persistedLogLength: log.length })
      log.append(addEntry(log, alice, inv, key(7), tsMs))
      log.append(addEntry(log, alice, inv, key(8), tsMs))
      run(room.logStatements(tables as any))
      theirs.append(addEntry(theirs, bob, inv, key(9), tsMs))
      const { dropped } = log.merge(theirs.toBytes())
      run(room.logStatements(tables as any))
      const reloaded = MembershipLog.verifyAndLoad([...stored.entries()].sort((x, y) => x[0] - y[0]).map(([, e]) => e))
      assert.deepEqual(reloaded.toBytes().map(hex), log.toBytes().map(hex))
      return dropped.length > 0 ? 'b' : 'a'
    })
  })
})
