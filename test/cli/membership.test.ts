// Membership that shrinks, end to end on the built binary in separate processes: alice (admin)
// kicks carol while everyone listens; the room moves to epoch 1, carol's node still receives the
// envelopes over gossipsub but opens none of them, and her posts are refused; bob leaves (epoch 2)
// and the room is gone from his `rooms`; a revoked ticket is refused with exit 2.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

interface Shown { text: string, fromName: string }

async function waitUntil (cond: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!await cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('kick, leave, revoke between real nodes', { timeout: 180_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-membership-')
  const home = { a: `${dir}/a`, b: `${dir}/b`, c: `${dir}/c`, d: `${dir}/d` }
  const procs: Proc[] = []
  let port = 0
  let net: string[] = []
  const listeners: Record<'a' | 'b' | 'c', Proc | undefined> = { a: undefined, b: undefined, c: undefined }

  const listen = (k: 'a' | 'b' | 'c'): Proc => {
    const args = k === 'a' ? ['--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`] : net
    const p = new Proc(['listen', 'ops', '--json', '-vv', '--home', home[k], ...args])
    procs.push(p)
    listeners[k] = p
    return p
  }
  const texts = (p: Proc | undefined): string[] => (p?.json<Shown>() ?? []).map(m => m.text)
  const run = async (k: keyof typeof home, args: string[], input?: string) => await runBinary([...args, '--home', home[k]], input === undefined ? {} : { input })

  before(async () => {
    for (const [k, name] of [['a', 'alice'], ['b', 'bob'], ['c', 'carol'], ['d', 'dave']] as const) await runBinary(['init', '--name', name, '--home', home[k]])
    port = await freePort()
    const peerA = JSON.parse((await run('a', ['id', '--json'])).stdout).peerId as string
    net = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`]
    await run('a', ['create', 'ops'])
    const ticket = (await run('a', ['invite', 'ops', '--uses', '2', '--listen', `/ip4/127.0.0.1/tcp/${port}`])).stdout.trim()
    const a = listen('a')
    await a.waitForStderr(/listening to ops/)
    for (const k of ['b', 'c'] as const) {
      const j = await runBinary(['join', '-', '--home', home[k], ...net], { input: ticket })
      assert.equal(j.code, 0, j.stderr)
    }
    for (const k of ['b', 'c'] as const) await listen(k).waitForStderr(/keys exchanged with/)
    const sent = await run('a', ['send', 'ops', 'before the kick'])
    assert.equal(sent.code, 0, sent.stderr)
    for (const k of ['b', 'c'] as const) await listeners[k]!.waitFor('the first message', () => texts(listeners[k]).includes('before the kick'))
  })
  after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })

  it('kick: a new epoch; the kicked node receives the envelopes but opens none, and its posts are refused', async () => {
    const k = await run('a', ['kick', 'ops', 'carol', '--json', '--reason', 'left the team'])
    assert.equal(k.code, 0, k.stderr)
    const r = JSON.parse(k.stdout)
    assert.equal(r.entry, 'remove')
    assert.equal(r.member.name, 'carol')
    assert.equal(r.epoch, 1)
    assert.ok(r.recipients >= 1, k.stdout)
    // bob's node learned the entry and has alice's chain of epoch 1
    await listeners.b!.waitForStderr(/epoch 1 began/)
    const members = (await run('a', ['members', 'ops', '--json'])).stdout.trim().split('\n').map(l => JSON.parse(l))
    assert.deepEqual(members.map(m => m.name).sort(), ['alice', 'bob'])
    const carolEnvelopesBefore = listeners.c!.stderr.filter(l => /room ops: \w+ [\w-]+ \(\d+ bytes\)/.test(l)).length

    assert.equal((await run('a', ['send', 'ops', 'after the kick'])).code, 0)
    const fromBob = await run('b', ['send', 'ops', 'bob after the kick'])
    assert.equal(fromBob.code, 0, fromBob.stderr)
    await listeners.b!.waitFor("alice's message in epoch 1", () => texts(listeners.b).includes('after the kick'))
    await listeners.a!.waitFor("bob's message in epoch 1", () => texts(listeners.a).includes('bob after the kick'))
    // carol's node is still on the topic: both envelopes reach it, and none opens
    await listeners.c!.waitFor('the two envelopes at carol', () => listeners.c!.stderr.filter(l => /room ops: \w+ [\w-]+ \(\d+ bytes\)/.test(l)).length >= carolEnvelopesBefore + 2)
    const verdicts = listeners.c!.stderr.filter(l => /room ops: \w+ [\w-]+ \(\d+ bytes\)/.test(l)).slice(carolEnvelopesBefore)
    assert.ok(verdicts.every(l => !/ accept /.test(l)), verdicts.join('\n'))
    assert.deepEqual(texts(listeners.c), ['before the kick'])

    const post = await run('c', ['send', 'ops', 'still here?'])
    assert.equal(post.code, 2, post.stderr)
    assert.match(post.stderr, /conclave: error: you are no longer a member of room 'ops'/)
  })

  it('members resolves names: an unknown one is exit 2, and nothing is appended', async () => {
    const r = await run('a', ['kick', 'ops', 'zed'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /conclave: error: no member of 'ops' is 'zed'/)
    const rooms = JSON.parse((await run('a', ['rooms', '--json'])).stdout.trim().split('\n')[0]!)
    assert.equal(rooms.epoch, 1)
  })

  it("role: a demoted admin's invites are refused (exit 2); a demotion to poster starts an epoch", async () => {
    const up = await run('a', ['role', 'ops', 'bob', 'admin', '--json'])
    assert.equal(up.code, 0, up.stderr)
    assert.equal(JSON.parse(up.stdout).epoch, 1) // a promotion starts none
    const bobRole = async (): Promise<string> => JSON.parse((await run('b', ['members', 'ops', '--json'])).stdout.trim().split('\n').find(l => l.includes('"bob"'))!).role
    await waitUntil(async () => await bobRole() === 'admin', "bob's node to know he is an admin")
    const ticket = (await run('b', ['invite', 'ops'])).stdout.trim()
    assert.match(ticket, /^conclave/)
    const down = await run('a', ['role', 'ops', 'bob', 'member', '--json'])
    assert.equal(down.code, 0, down.stderr)
    await waitUntil(async () => await bobRole() === 'member', "bob's node to know he is no admin any more")
    const j = await runBinary(['join', '-', '--home', home.d, ...net], { input: ticket })
    assert.equal(j.code, 2, j.stderr)
    assert.match(j.stderr, /conclave: error: .*revoked/)
    const poster = await run('a', ['role', 'ops', 'bob', 'poster', '--json'])
    assert.equal(poster.code, 0, poster.stderr)
    assert.equal(JSON.parse(poster.stdout).epoch, 2)
    await listeners.b!.waitForStderr(/epoch 2 began/)
    // and a send now has no reader left: bob, a poster, does not count as one (through alice's
    // node the message is kept for catch-up: "queued"; asking for a receipt is exit 3)
    const alone = await run('a', ['send', 'ops', 'for readers only', '--timeout', '1s'])
    assert.equal(alone.code, 0, alone.stderr)
    assert.match(alone.stderr, /nobody in 'ops' is reachable now: the message is stored/)
    assert.equal((await run('a', ['send', 'ops', 'for readers only', '--wait', '1', '--timeout', '1s'])).code, 3)
  })

  it('leave: a new epoch for the others, and the room is gone from `rooms`', async () => {
    await listeners.b!.stop()
    const l = await runBinary(['leave', 'ops', '--json', '--home', home.b, ...net])
    assert.equal(l.code, 0, l.stderr)
    assert.equal(JSON.parse(l.stdout).epoch, 3)
    assert.equal((await run('b', ['rooms', '--json'])).stdout.trim(), '')
    await listeners.a!.waitForStderr(/epoch 3 began/)
    const members = (await run('a', ['members', 'ops', '--json'])).stdout.trim().split('\n').map(m => JSON.parse(m).name)
    assert.deepEqual(members, ['alice'])
  })

  it('revoke: a revoked ticket is refused with exit 2', async () => {
    const ticket = (await run('a', ['invite', 'ops'])).stdout.trim()
    const r = await run('a', ['revoke', 'ops', '-', '--json', '--timeout', '1s'], ticket)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).revoked, 1)
    const j = await runBinary(['join', '-', '--home', home.d, ...net], { input: ticket })
    assert.equal(j.code, 2, j.stderr)
    assert.match(j.stderr, /conclave: error: .*revoked/)
  })
})
