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
