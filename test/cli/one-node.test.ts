// One home = one node: whichever long-running command of a home starts first (daemon, listen,
// chat) owns the node and serves conclave.sock; every other command of that home goes through it
// and none fails with "store in use"; when the owner exits, an attached listen or chat takes over
// and goes on, each stored message shown once.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { runBinary } from '../helpers/cli.js'
import { Proc, aliceAndBob, freePort } from '../helpers/proc.js'

interface Shown { id: string, text: string, fromName: string }

describe('one node per home', { timeout: 300_000 }, () => {
  let env: Awaited<ReturnType<typeof aliceAndBob>>
  let bob: Proc
  let bobAddr = ''
  /** alice's network options: her fixed port (the ticket's), and bob as bootstrap (so a new owner finds him again). */
  let netA: string[] = []

  before(async () => {
    env = await aliceAndBob('conclave-one-node-')
    const bobPort = await freePort()
    const bobPeer = JSON.parse((await runBinary(['id', '--json', '--home', env.home.b])).stdout).peerId as string
    bobAddr = `/ip4/127.0.0.1/tcp/${bobPort}/p2p/${bobPeer}`
    netA = ['--home', env.home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${env.port}`]
    // bob joins while a listen of alice's runs her node
    const first = new Proc(['listen', 'ops', ...netA])
    env.procs.push(first)
    await first.waitForStderr(/listening to ops/)
    const joined = await runBinary(['join', '-', '--home', env.home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { input: env.ticket + '\n' })
    assert.equal(joined.code, 0, joined.stderr)
    await first.stop()
    bob = new Proc(['chat', 'ops', '--json', '-v', '--home', env.home.b, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${bobPort}`])
    env.procs.push(bob)
    await bob.waitForStderr(/chatting in 'ops'/)
  })
  after(async () => { await env.cleanup() })

  /** Every command a user runs beside an owner: all go through it, none hits the store lock. */
  async function sideBySide (owner: Proc, label: string): Promise<void> {
    const home = ['--home', env.home.a]
    const checks: Array<[string[], RegExp | undefined, string?]> = [
      [['rooms'], /^ops\t/m],
      [['members', 'ops'], /^alice \(you\)\tadmin/m],
      [['history', 'ops', '--json'], undefined],
      [['create', `room-${label}`], /^[a-z2-7]{52}$/m],
      [['invite', 'ops', '--expires', '1h'], /^conclave1:/],
      [['status', '--json'], /"owner":\{"command":"/],
      [['send', 'ops', `hello from ${label}`], undefined]
    ]
    for (const [args, stdout] of checks) {
      const r = await runBinary([...args, ...home, '-v'])
      assert.equal(r.code, 0, `${label}: ${args.join(' ')}: ${r.stderr}`)
      assert.doesNotMatch(r.stderr, /in use/, `${label}: ${args.join(' ')}`)
      assert.match(r.stderr, /using the node at /, `${label}: ${args.join(' ')} went through the owner`)
      if (stdout !== undefined) assert.match(r.stdout, stdout, `${label}: ${args.join(' ')}`)
    }
    await bob.waitFor(`hello from ${label}`, () => bob.json<Shown>().some(m => m.text === `hello from ${label}`))
    // a second listen attaches to the owner
    const second = new Proc(['listen', 'ops', '--count', '1', '--json', ...home])
    await second.waitForStderr(/listening to ops through the home's node/)
    bob.write(`to the second listen of ${label}`)
    const done = await second.exited
    assert.equal(done.code, 0, second.stderr.join('\n'))
    assert.deepEqual(second.json<Shown>().map(m => m.text), [`to the second listen of ${label}`])
    assert.ok(owner.child.exitCode === null, `${label}: the owner still runs`)
  }

  it('a daemon owns the node: every other command goes through it; a second daemon is refused', async () => {
    const daemon = new Proc(['daemon', ...netA, '--bootstrap', bobAddr])
    env.procs.push(daemon)
    await daemon.waitForStderr(/daemon for alice on/)
    await sideBySide(daemon, 'daemon')
    // join goes through the node too: bob's own node (his chat) makes a room and a ticket, and
    // alice's daemon runs the handshake with it
    const bobs = await runBinary(['create', 'bobs', '--home', env.home.b, '-v'])
    assert.equal(bobs.code, 0, bobs.stderr)
    assert.match(bobs.stderr, /using the node at /)
    const ticket = await runBinary(['invite', 'bobs', '--home', env.home.b])
    assert.equal(ticket.code, 0, ticket.stderr)
    const joined = await runBinary(['join', '-', '--home', env.home.a, '-v'], { input: ticket.stdout })
    assert.equal(joined.code, 0, joined.stderr)
    assert.match(joined.stderr, /using the node at /)
    assert.match(joined.stdout, /^bobs [a-z2-7]{52}\n$/)
    const second = await runBinary(['daemon', ...netA])
    assert.equal(second.code, 1)
    assert.match(second.stderr, new RegExp(`^conclave: error: a daemon is already running for .*a \\(pid ${daemon.child.pid}\\)\\nconclave: hint: stop it first`))
    assert.equal((await daemon.stop()).code, 0)
  })

  it('a listen owns the node: every other command goes through it', async () => {
    const listen = new Proc(['listen', 'ops', ...netA, '--bootstrap', bobAddr])
    env.procs.push(listen)
    await listen.waitForStderr(/listening to ops$/)
    await sideBySide(listen, 'listen')
    // a daemon started now waits and takes over when the listen exits
    const daemon = new Proc(['daemon', ...netA, '--bootstrap', bobAddr])
    env.procs.push(daemon)
    await daemon.waitForStderr(/a 'listen' process \(pid \d+\) runs this home's node: the daemon takes over when it exits/)
    await listen.stop()
    await daemon.waitForStderr(/daemon for alice on/, 20_000)
    const r = await runBinary(['send', 'ops', 'after the daemon took over', '--home', env.home.a])
    assert.equal(r.code, 0, r.stderr)
    await bob.waitFor('after the daemon took over', () => bob.json<Shown>().some(m => m.text === 'after the daemon took over'))
    assert.equal((await daemon.stop()).code, 0)
  })

  it('a chat owns the node: every other command goes through it', async () => {
    const chat = new Proc(['chat', 'ops', '--json', ...netA, '--bootstrap', bobAddr])
    env.procs.push(chat)
    await chat.waitForStderr(/chatting in 'ops'/)
    await sideBySide(chat, 'chat')
    await chat.stop()
  })

  it('without a node, two one-shot commands side by side both succeed (the second waits for the store)', async () => {
    const [one, two] = await Promise.all([
      runBinary(['send', 'ops', 'one-shot 1', ...netA.slice(0, 3), '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', bobAddr]),
      runBinary(['send', 'ops', 'one-shot 2', ...netA.slice(0, 3), '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', bobAddr])
    ])
    assert.equal(one.code, 0, one.stderr)
    assert.equal(two.code, 0, two.stderr)
    await bob.waitFor('both one-shots', () => ['one-shot 1', 'one-shot 2'].every(t => bob.json<Shown>().some(m => m.text === t)))
  })

  it('when the owner exits, an attached listen or chat takes over; nothing stored is lost or shown twice', async () => {
    const owner = new Proc(['listen', 'ops', '--json', ...netA, '--bootstrap', bobAddr])
    env.procs.push(owner)
    await owner.waitForStderr(/listening to ops$/)
    const listen = new Proc(['listen', 'ops', '--json', ...netA, '--bootstrap', bobAddr])
    const chat = new Proc(['chat', 'ops', '--json', ...netA, '--bootstrap', bobAddr])
    env.procs.push(listen, chat)
    await listen.waitForStderr(/listening to ops through the home's node/)
    await chat.waitForStderr(/chatting in 'ops'/)
    bob.write('before the takeover')
    for (const p of [owner, listen, chat]) await p.waitFor('before', () => p.json<Shown>().some(m => m.text === 'before the takeover'))

    assert.equal((await owner.stop()).code, 0)
    // one of them runs the node now, the other attached to it
    const took = (p: Proc): boolean => p.stderr.some(l => /this process runs it now/.test(l))
    const moved = (p: Proc): boolean => p.stderr.some(l => /attached to it/.test(l))
    await listen.waitFor('takeover', () => (took(listen) || moved(listen)), 20_000)
    await chat.waitFor('takeover', () => (took(chat) || moved(chat)), 20_000)
    assert.equal([took(listen), took(chat)].filter(Boolean).length, 1, `${listen.stderr.join('\n')}\n--\n${chat.stderr.join('\n')}`)

    // the new owner finds bob again (bootstrap) and messages flow both ways
    const deadline = Date.now() + 20_000
    for (;;) {
      const s = await runBinary(['status', '--json', '--home', env.home.a])
      if (s.code === 0 && JSON.parse(s.stdout).rooms.find((r: { name: string }) => r.name === 'ops').membersOnline.length > 0) break
      assert.ok(Date.now() < deadline, `bob never came back: ${s.stdout} ${s.stderr}`)
      await new Promise(resolve => setTimeout(resolve, 300))
    }
    bob.write('after the takeover')
    chat.write('from the chat after the takeover')
    await listen.waitFor('after', () => listen.json<Shown>().some(m => m.text === 'after the takeover'))
    await chat.waitFor('after', () => chat.json<Shown>().some(m => m.text === 'after the takeover'))
    await bob.waitFor("the chat's line", () => bob.json<Shown>().some(m => m.text === 'from the chat after the takeover'))
    await listen.waitFor("the chat's line", () => listen.json<Shown>().some(m => m.text === 'from the chat after the takeover'))
    await new Promise(resolve => setTimeout(resolve, 500))
    for (const [name, p] of [['listen', listen], ['chat', chat]] as const) {
      const ids = p.json<Shown>().map(m => m.id)
      assert.equal(new Set(ids).size, ids.length, `${name} showed a message twice: ${p.stdout.join('\n')}`)
    }

    // the new owner crashes (kill -9: stale lock, stale socket): the other one takes over
    const [crashed, survivor] = took(listen) ? [listen, chat] : [chat, listen]
    crashed.child.kill('SIGKILL')
    await crashed.exited
    await survivor.waitFor('second takeover', () => survivor.stderr.filter(l => /this process runs it now/.test(l)).length === 1, 20_000)
    const deadline2 = Date.now() + 20_000
    for (;;) {
      const s = await runBinary(['status', '--json', '--home', env.home.a])
      if (s.code === 0 && JSON.parse(s.stdout).rooms.find((r: { name: string }) => r.name === 'ops').membersOnline.length > 0) break
      assert.ok(Date.now() < deadline2, `bob never came back after the crash: ${s.stdout} ${s.stderr}`)
      await new Promise(resolve => setTimeout(resolve, 300))
    }
    bob.write('after the crash')
    await survivor.waitFor('after the crash', () => survivor.json<Shown>().some(m => m.text === 'after the crash'))
    const ids = survivor.json<Shown>().map(m => m.id)
    assert.equal(new Set(ids).size, ids.length, `shown twice after the crash: ${survivor.stdout.join('\n')}`)
    await survivor.stop()
  })
})
