// Store and forward with catch-up, on the built binary in separate processes: alice's node keeps
// what she sends while nobody is online (send exits 0, "queued", a warning); bob gets it when he
// comes back, marked as caught up in JSON and in human output. Without a running node, nobody
// to take a message is still exit 3, with a hint to run a daemon.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

interface Shown { text: string, caughtUp?: boolean }

describe('store and forward, catch-up on return', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-catchup-cli-')
  const home = { a: `${dir}/a`, b: `${dir}/b` }
  const procs: Proc[] = []
  let port = 0
  let net: string[] = []
  const run = async (k: keyof typeof home, args: string[], input?: string) => await runBinary([...args, '--home', home[k]], input === undefined ? {} : { input })

  before(async () => {
    for (const [k, name] of [['a', 'alice'], ['b', 'bob']] as const) await runBinary(['init', '--name', name, '--home', home[k]])
    port = await freePort()
    const peerA = JSON.parse((await run('a', ['id', '--json'])).stdout).peerId as string
    net = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`]
    await run('a', ['create', 'ops'])
    const ticket = (await run('a', ['invite', 'ops', '--listen', `/ip4/127.0.0.1/tcp/${port}`])).stdout.trim()
    const a = new Proc(['daemon', '-v', '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
    procs.push(a)
    await a.waitForStderr(/daemon|listening/)
    const j = await runBinary(['join', '-', '--home', home.b, ...net], { input: ticket })
    assert.equal(j.code, 0, j.stderr)
    // bob meets alice once (keys), then goes away
    const b = new Proc(['listen', 'ops', '--json', '-v', '--home', home.b, ...net])
    await b.waitForStderr(/keys exchanged with/)
    await b.stop()
  })
  after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })

  it('send through the running node while nobody is online: exit 0, queued, a warning; bob gets it when he is back', async () => {
    const sent = await run('a', ['send', 'ops', 'while you were away'])
    assert.equal(sent.code, 0, sent.stderr)
    assert.equal(sent.stderr, "conclave: warning: nobody in 'ops' is reachable now: the message is stored by this home's node and delivered when a member comes back\n")
    const b = new Proc(['listen', 'ops', '--json', '-v', '--home', home.b, ...net])
    procs.push(b)
    await b.waitFor('the queued message', () => (b.json<Shown>() ?? []).some(m => m.text === 'while you were away'))
    const got = b.json<Shown>().filter(m => m.text === 'while you were away')
    assert.equal(got.length, 1)
    assert.equal(got[0]!.caughtUp, true)
    await b.stop()
  })

  it('in human output a caught-up message is marked; through the node -v says it went to 0 members', async () => {
    const sent = await run('a', ['send', 'ops', 'second while away', '-v'])
    assert.equal(sent.code, 0, sent.stderr)
    assert.match(sent.stderr, /sent \w+ to 0 member\(s\) through the home's node/)
    const b = new Proc(['listen', 'ops', '-v', '--home', home.b, ...net])
    procs.push(b)
    await b.waitFor('the marked line', () => b.stdout.some(l => /^\d\d:\d\d:\d\d \(caught up\) alice: second while away$/.test(l)))
    await b.stop()
  })

  it('--wait N still means N receipts: nobody reachable is exit 3', async () => {
    const sent = await run('a', ['send', 'ops', 'must be confirmed', '--wait', '1', '--timeout', '1s'])
    assert.equal(sent.code, 3, sent.stderr)
  })

  it('a one-shot with no node running and nobody reachable still exits 3, with a hint to run a daemon', async () => {
    const sent = await run('b', ['send', 'ops', 'nobody holds this', '--timeout', '1s', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    assert.equal(sent.code, 3, sent.stderr)
    assert.match(sent.stderr, /conclave: hint: .*keep a node running \('conclave daemon'\)/)
  })
})

describe('a member offline for 1000 messages catches up from a member other than the sender', { timeout: 180_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-catchup-1000-')
  const home = { a: `${dir}/a`, b: `${dir}/b`, c: `${dir}/c` }
  const procs: Proc[] = []
  after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })

  it('bob comes back after alice (the sender) left, and gets all 1000 from carol, once each', async () => {
    for (const [k, name] of [['a', 'alice'], ['b', 'bob'], ['c', 'carol']] as const) await runBinary(['init', '--name', name, '--home', home[k]])
    const [portA, portC] = [await freePort(), await freePort()]
    const id = async (k: 'a' | 'c'): Promise<string> => JSON.parse((await runBinary(['id', '--json', '--home', home[k]])).stdout).peerId as string
    const [peerA, peerC] = [await id('a'), await id('c')]
    const viaA = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${portA}/p2p/${peerA}`]
    await runBinary(['create', 'ops', '--home', home.a])
    const ticket = (await runBinary(['invite', 'ops', '--uses', '2', '--home', home.a, '--listen', `/ip4/127.0.0.1/tcp/${portA}`])).stdout.trim()
    const alice = new Proc(['listen', 'ops', '-v', '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${portA}`])
    procs.push(alice)
    await alice.waitForStderr(/listening to ops/)
    for (const k of ['b', 'c'] as const) assert.equal((await runBinary(['join', ticket, '--home', home[k], ...viaA])).code, 0)
    const bob = new Proc(['listen', 'ops', '--json', '-v', '--home', home.b, ...viaA])
    procs.push(bob)
    await bob.waitForStderr(/keys exchanged with/)
    const carol = new Proc(['listen', 'ops', '--json', '-v', '--home', home.c, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${portC}`, '--bootstrap', `/ip4/127.0.0.1/tcp/${portA}/p2p/${peerA}`])
    procs.push(carol)
    await carol.waitForStderr(/keys exchanged with/)
    await bob.stop()
    const lines = Array.from({ length: 1000 }, (_, i) => `missed ${i}`).join('\n') + '\n'
    const sent = await runBinary(['send', 'ops', '--home', home.a], { input: lines })
    assert.equal(sent.code, 0, sent.stderr)
    await carol.waitFor('carol to have the 1000', () => carol.json<Shown>().filter(m => m.text.startsWith('missed ')).length === 1000, 60_000)
    await alice.stop()
    const bob2 = new Proc(['listen', 'ops', '--json', '-v', '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${portC}/p2p/${peerC}`])
    procs.push(bob2)
    await bob2.waitFor('bob to catch up the 1000', () => bob2.json<Shown>().filter(m => m.text.startsWith('missed ')).length >= 1000, 60_000)
    const got = bob2.json<Shown>().filter(m => m.text.startsWith('missed '))
    assert.equal(got.length, 1000)
    assert.equal(new Set(got.map(m => m.text)).size, 1000, 'no duplicates')
    assert.ok(got.every(m => m.caughtUp === true))
    const h = await runBinary(['history', 'ops', '--json', '--limit', '5000', '--home', home.b])
    assert.equal(h.stdout.trim().split('\n').filter(l => l.includes('"missed ')).length, 1000, 'stored once each')
  })
})
