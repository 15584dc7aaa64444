// CLI behaviour of room commands with the built binary: exit codes and error lines for bad
// tickets, an unreachable inviter, a used-up ticket, a corrupt or locked store; local-state
// commands (rooms, members, history) work without a network.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

const NET = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']
const hashes = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir).sort().map(f => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]))

describe('room commands', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-cli-rooms-')
  const home = { a: `${dir}/a`, b: `${dir}/b`, c: `${dir}/c` }
  let portA = 0
  let ticket1 = ''
  let admin: Proc | undefined
  before(async () => {
    for (const [who, name] of [['a', 'alice'], ['b', 'bob'], ['c', 'carol']] as const) await runBinary(['init', '--name', name, '--home', home[who]])
    portA = await freePort()
    assert.equal((await runBinary(['create', 'ops', '--home', home.a])).code, 0)
    ticket1 = (await runBinary(['invite', 'ops', '--uses', '1', '--home', home.a, '--listen', `/ip4/127.0.0.1/tcp/${portA}`])).stdout.trim()
  })
  after(async () => { await admin?.stop(); cleanup() })

  it('create prints the room id; rooms and members list local state', async () => {
    const rooms = await runBinary(['rooms', '--json', '--home', home.a])
    assert.equal(rooms.code, 0, rooms.stderr)
    const [room] = rooms.stdout.trim().split('\n').map(l => JSON.parse(l))
    assert.equal(room.name, 'ops')
    assert.equal(room.role, 'admin')
    assert.match(room.roomId, /^[a-z2-7]{52}$/)
    const members = await runBinary(['members', 'ops', '--home', home.a])
    assert.match(members.stdout, /^alice \(you\)\tadmin\t\d{5}\t[a-z2-7]{52}\n$/)
  })

  it('an unknown room exits 2 with a hint', async () => {
    const r = await runBinary(['history', 'nope', '--home', home.a])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, "conclave: error: unknown room 'nope'\nconclave: hint: run 'conclave rooms' to list your rooms, 'conclave join TICKET' to join one\n")
  })

  it('a malformed ticket exits 2 before any network', async () => {
    for (const bad of ['hello', 'conclave1:', ticket1.slice(0, -3), ticket1.slice(0, 30) + (ticket1[30] === 'a' ? 'b' : 'a') + ticket1.slice(31)]) {
      const r = await runBinary(['join', bad, '--home', home.b, ...NET])
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`)
      assert.match(r.stderr, /^conclave: error: .*ticket.*\nconclave: hint: /)
      assert.equal(r.stdout, '')
    }
  })

  it('an expired ticket exits 2', async () => {
    const t = (await runBinary(['invite', 'ops', '--expires', '1s', '--home', home.a, '--listen', `/ip4/127.0.0.1/tcp/${portA}`])).stdout.trim()
    await new Promise(resolve => setTimeout(resolve, 1200))
    const r = await runBinary(['join', t, '--home', home.b, ...NET])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^conclave: error: the invite ticket expired at \S+\nconclave: hint: ask an admin of the room for a new invite\n$/)
  })

  it('an unreachable inviter exits 1 with a hint saying who must be online', async () => {
    const r = await runBinary(['join', ticket1, '--timeout', '2s', '--home', home.b, ...NET])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stderr, /^conclave: error: could not reach the inviter \(12D3KooW\w+\) or any other admin of room 'ops'\nconclave: hint: the inviter or another admin of 'ops' must be online/)
  })

  it('a second command of the home goes through the running node (no "store in use")', async () => {
    admin = new Proc(['listen', 'ops', '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${portA}`])
    await admin.waitForStderr(/listening to ops/)
    const r = await runBinary(['create', 'other', '--home', home.a, '-v'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /using the node at .*conclave\.sock/)
    const rooms = await runBinary(['rooms', '--home', home.a])
    assert.equal(rooms.code, 0)
    assert.match(rooms.stdout, /^other\t/m)
  })

  it('a ticket with one use admits one joiner; the second gets "used up" (exit 2)', async () => {
    const b = await runBinary(['join', ticket1, '--home', home.b, ...NET])
    assert.equal(b.code, 0, b.stderr)
    const c = await runBinary(['join', ticket1, '--home', home.c, ...NET])
    assert.equal(c.code, 2, c.stderr)
    assert.equal(c.stderr, 'conclave: error: the invite ticket has been used up\nconclave: hint: ask an admin of the room for a new invite\n')
    assert.equal((await runBinary(['rooms', '--home', home.c])).stdout, '')
  })

  it('a corrupt store exits 2 with a clear error and is left byte for byte untouched', async () => {
    await admin?.stop()
    const storeDir = home.b
    const db = join(storeDir, 'conclave.db')
    const original = readFileSync(db)
    try {
      writeFileSync(db, Buffer.concat([Buffer.from('not a database at all'), original.subarray(21)]))
      const before = hashes(storeDir)
      for (const args of [['rooms'], ['history', 'ops'], ['create', 'x']]) {
        const r = await runBinary([...args, '--home', storeDir])
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stderr, /^conclave: error: .*conclave\.db.*\nconclave: hint: /)
        assert.doesNotMatch(r.stderr, /\n\s+at /)
        assert.deepEqual(hashes(storeDir), before)
      }
    } finally {
      writeFileSync(db, original)
    }
  })
})
