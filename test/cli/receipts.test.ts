// send --wait N: signed receipts from distinct members come back along the gossip path (carol
// reaches bob only through alice) and do not flood the room; fewer than N within --timeout is
// exit 3. A receipt is counted once per member, never for the sender itself.
import assert from 'node:assert/strict'
import { after, it } from 'node:test'
import { runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

it('send --wait counts signed receipts of distinct members', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir('conclave-receipts-')
  const procs: Proc[] = []
  after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })
  const home = { a: `${dir}/a`, b: `${dir}/b`, c: `${dir}/c` }
  for (const [k, name] of [['a', 'alice'], ['b', 'bob'], ['c', 'carol']] as const) await runBinary(['init', '--name', name, '--home', home[k]])
  const port = await freePort()
  const peerA = JSON.parse((await runBinary(['id', '--json', '--home', home.a])).stdout).peerId
  const viaA = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`]
  await runBinary(['create', 'ops', '--home', home.a])
  const ticket = (await runBinary(['invite', 'ops', '--uses', '2', '--home', home.a, '--listen', `/ip4/127.0.0.1/tcp/${port}`])).stdout.trim()
  const alice = new Proc(['listen', 'ops', '-vv', '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
  procs.push(alice)
  await alice.waitForStderr(/listening to ops/)
  for (const k of ['b', 'c'] as const) assert.equal((await runBinary(['join', ticket, '--home', home[k], '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])).code, 0)
  const bob = new Proc(['listen', 'ops', '-v', '--home', home.b, ...viaA])
  procs.push(bob)
  await bob.waitForStderr(/keys exchanged with/)

  const two = await runBinary(['send', 'ops', 'please confirm', '--wait', '2', '--timeout', '15s', '-v', '--home', home.c, ...viaA])
  assert.equal(two.code, 0, two.stderr)
  assert.match(two.stderr, /2 member\(s\) confirmed receipt/)
  await bob.waitFor('the message', () => bob.stdout.some(l => l.includes('please confirm')))

  const three = await runBinary(['send', 'ops', 'and again', '--wait', '3', '--timeout', '5s', '--home', home.c, ...viaA])
  assert.equal(three.code, 3, three.stderr)
  assert.equal(three.stderr, "conclave: error: only 2 of 3 member(s) confirmed receipt within 5s\nconclave: hint: the others may be offline; raise --timeout or lower --wait\n")

  const bad = await runBinary(['send', 'ops', '--wait', '1', '--home', home.c, ...viaA], { input: 'a\nb\n' })
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /^conclave: error: --wait works with one message: give TEXT or --whole/)
})
