// Two admins admit different people at the same moment (issue 14, requirement 2), with real room
// services on 127.0.0.1: both Add entries take the same seq, the log forks, and every member ends
// with the same log — the lowest entry hash wins, the other admin re-applies its Add on top (the
// invite allows two uses), so both joiners end as members everywhere.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Room } from '../../src/room/room.js'
import { tempDir } from '../helpers/cli.js'
import { type Member, startMember, stopMembers } from '../fixtures/room-member.js'
import { loopbackAddr, waitFor } from '../fixtures/transport-helpers.js'


describe('two admins admitting at once', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-two-admins-')
  const members: Member[] = []

  async function member (name: string): Promise<Member> {
    const m = await startMember(dir, name)
    members.push(m)
    return m
  }

  let alice: Member
  let bob: Member

  before(async () => {
    alice = await member('alice')
    alice.room = alice.service.createRoom('ops')
    const t = await alice.service.invite(alice.room, { role: 'admin', expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
    bob = await member('bob')
    bob.room = await bob.service.join(t, { timeoutMs: 20_000 })
    await waitFor(() => alice.service.readers(alice.room!) === 1 && bob.service.readers(bob.room!) === 1, 'alice and bob connected', 10_000)
    await alice.service.exchangeWithConnected(alice.room)
  })

  after(async () => {
    await stopMembers(members)
    cleanup()
  })

  it('carol through alice and dave through bob, at the same moment: one log everywhere, both in it', async () => {
    // one invite each, issued while both see each other's entries (so they share a head)
    const ta = await alice.service.invite(alice.room!, { role: 'member', expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
    await waitFor(() => bob.room!.log.length === alice.room!.log.length, "bob to have alice's invite", 10_000)
    const tb = await bob.service.invite(bob.room!, { role: 'member', expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [loopbackAddr(bob.transport)] })
    await waitFor(() => alice.room!.log.length === bob.room!.log.length, "alice to have bob's invite", 10_000)
    const headBefore = alice.room!.log.head.seq
    const carol = await member('carol')
    const dave = await member('dave')
    const [carolRoom, daveRoom] = await Promise.all([carol.service.join(ta, { timeoutMs: 20_000 }), dave.service.join(tb, { timeoutMs: 20_000 })])
    const logs = (): string[] => [alice.room!, bob.room!].map(r => r.log.entryHashes().join(','))
    await waitFor(() => new Set(logs()).size === 1 && alice.room!.log.members().length === 4, 'alice and bob on one log with all four', 15_000)
    const names = alice.room!.log.members().map(m => m.name).sort()
    assert.deepEqual(names, ['alice', 'bob', 'carol', 'dave'])
    assert.ok(alice.room!.log.head.seq >= headBefore + 2)
    // the joiners converge too once they exchange keys with the admins
    await waitFor(() => [carolRoom, daveRoom].every(r => r.log.entryHashes().join(',') === logs()[0]), 'carol and dave on the same log', 15_000)
  })
})
