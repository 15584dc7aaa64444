// `conclave status`: JSON with the node's peer id, addresses, peers and per-room state; exit 1
// without peers, 0 with one.
import assert from 'node:assert/strict'
import { after, it } from 'node:test'
import { runBinary } from '../helpers/cli.js'
import { Proc, aliceAndBob } from '../helpers/proc.js'

it('status reports peers and rooms, and exits 1 when nobody is connected', { timeout: 90_000 }, async () => {
  const { home, port, peerA, ticket, procs, cleanup } = await aliceAndBob('conclave-status-')
  after(cleanup)

  const alone = await runBinary(['status', '--json', '--wait', '300ms', '--home', home.a, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
  assert.equal(alone.code, 1, alone.stderr)
  const s0 = JSON.parse(alone.stdout)
  assert.equal(s0.daemon, false)
  assert.equal(s0.peerId, peerA)
  assert.deepEqual(s0.peers, [])
  assert.equal(s0.rooms[0].name, 'ops')
  assert.equal(s0.rooms[0].role, 'admin')

  const a = new Proc(['listen', 'ops', '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
  procs.push(a)
  await a.waitForStderr(/listening to ops/)
  assert.equal((await runBinary(['join', ticket, '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])).code, 0)
  const r = await runBinary(['status', '--json', '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`])
  assert.equal(r.code, 0, r.stderr)
  const s = JSON.parse(r.stdout)
  assert.deepEqual(s.peers, [peerA])
  assert.ok(s.listen.every((addr: string) => addr.startsWith('/ip4/127.0.0.1/tcp/')))
  const ops = s.rooms[0]
  assert.equal(ops.role, 'member')
  assert.equal(ops.members, 2)
  assert.deepEqual(ops.membersOnline.map((m: { name: string }) => m.name), ['alice'])
  assert.equal(typeof ops.meshPeers, 'number')
  assert.equal(ops.lastMessage, null)
  const human = await runBinary(['status', '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`])
  assert.equal(human.code, 0, human.stderr)
  assert.match(human.stdout, /^room ops: member, 1\/2 members online \(alice\)/m)
})
