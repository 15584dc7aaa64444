// `conclave daemon`: the local API on a 0600 Unix socket (ntfy-style POST with Title/Priority/
// Tags headers, GET /ROOM/json streaming, /status), and send / listen / status going through it
// automatically; SIGTERM leaves cleanly (socket removed, store flushed).
import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { runBinary } from '../helpers/cli.js'
import { Proc, aliceAndBob, freePort } from '../helpers/proc.js'

interface Shown { text: string, title: string | null, priority: number | null, tags: string[], fromName: string }

function http (socketPath: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, res => {
      let data = ''
      res.setEncoding('utf8').on('data', (d: string) => { data += d }).on('end', () => resolve({ status: res.statusCode ?? 0, body: data }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

it('the daemon serves the local API and the commands use it', { timeout: 120_000 }, async () => {
  const { dir, home, port, peerA, ticket, procs, cleanup } = await aliceAndBob('conclave-daemon-')
  after(cleanup)

  const httpPort = await freePort()
  const daemon = new Proc(['daemon', '-v', '--http', `127.0.0.1:${httpPort}`, '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
  procs.push(daemon)
  await daemon.waitForStderr(/daemon for alice on/)
  const sock = join(home.a, 'conclave.sock')
  assert.equal(statSync(sock).mode & 0o777, 0o600)
  assert.equal((await runBinary(['join', ticket, '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])).code, 0)
  const bob = new Proc(['chat', 'ops', '--json', '-v', '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`])
  procs.push(bob)
  await bob.waitForStderr(/keys exchanged with/)
  const texts = (): string[] => bob.json<Shown>().map(m => m.text)

  // a second daemon for the same home is refused
  const second = await runBinary(['daemon', '--home', home.a, '--no-mdns'])
  assert.equal(second.code, 1)
  assert.match(second.stderr, /^conclave: error: a daemon is already running for /)

  // send goes through the daemon (the daemon holds the store: without it this would be a lock error)
  const sent = await runBinary(['send', 'ops', 'through the daemon', '--title', 'Tïtle', '--priority', 'high', '--tag', 'x', '--tag', 'dé,jà', '-v', '--home', home.a])
  assert.equal(sent.code, 0, sent.stderr)
  assert.match(sent.stderr, /through the home's node/)
  const confirmed = await runBinary(['send', 'ops', 'confirmed', '--wait', '1', '--home', home.a])
  assert.equal(confirmed.code, 0, confirmed.stderr)
  const piped = await runBinary(['send', 'ops', '--home', home.a], { input: 'line 1\nline 2\n' })
  assert.equal(piped.code, 0, piped.stderr)
  // ntfy-style POST, headers as curl would send them
  const posted = await http(sock, 'POST', '/ops', { Title: 'from curl', Priority: 'urgent', Tags: 'disk,db1' }, 'disk full')
  assert.equal(posted.status, 200, posted.body)
  assert.equal(JSON.parse(posted.body).recipients, 1)
  await bob.waitFor('all four', () => ['through the daemon', 'line 1', 'line 2', 'disk full'].every(t => texts().includes(t)))
  const byText = Object.fromEntries(bob.json<Shown>().map(m => [m.text, m]))
  assert.equal(byText['through the daemon']!.title, 'Tïtle')
  assert.equal(byText['through the daemon']!.priority, 4)
  assert.deepEqual(byText['through the daemon']!.tags, ['x', 'dé,jà']) // percent-encoded on the way, one tag despite the comma
  assert.deepEqual(byText['disk full']!.tags, ['disk', 'db1'])
  assert.equal(byText['disk full']!.priority, 5)
  assert.equal(byText['disk full']!.title, 'from curl')

  // the same API on loopback TCP (--http), with the token the daemon generated in the home
  const token = readFileSync(join(home.a, 'http.token'), 'utf8').trim()
  const overTcp = await fetch(`http://127.0.0.1:${httpPort}/ops`, { method: 'POST', body: 'over tcp', headers: { authorization: `Bearer ${token}` } })
  assert.equal(overTcp.status, 200, await overTcp.text())
  await bob.waitFor('over tcp', () => texts().includes('over tcp'))

  // errors: unknown room 404 → exit 2 for the command; bad priority 400
  assert.equal((await http(sock, 'POST', '/nope', {}, 'x')).status, 404)
  assert.equal((await http(sock, 'POST', '/ops', { Priority: '9' }, 'x')).status, 400)
  const unknown = await runBinary(['send', 'nope', 'x', '--home', home.a])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /^conclave: error: unknown room 'nope'/)

  // listen and status through the daemon
  const listen = new Proc(['listen', 'ops', '--json', '--count', '2', '--home', home.a])
  procs.push(listen)
  await listen.waitForStderr(/through the home's node/)
  await new Promise(resolve => setTimeout(resolve, 300))
  bob.write('hello alice')
  await listen.waitFor("bob's line", () => listen.json<Shown>().length === 1)
  // what is published through the daemon reaches its subscribers too (as with ntfy)
  assert.equal((await http(sock, 'POST', '/ops', {}, 'published locally')).status, 200)
  const done = await listen.exited
  assert.equal(done.code, 0, listen.stderr.join('\n'))
  assert.deepEqual(listen.json<Shown>().map(m => m.text), ['hello alice', 'published locally'])
  for (const m of listen.json<Shown>()) assert.deepEqual([m.title, m.priority, m.tags], [null, null, []], 'plain messages through the daemon: null title and priority')
  const status = await runBinary(['status', '--json', '--home', home.a])
  assert.equal(status.code, 0, status.stderr)
  const s = JSON.parse(status.stdout)
  assert.equal(s.daemon, true)
  assert.equal(s.rooms[0].membersOnline[0].name, 'bob')

  // SIGTERM: clean exit, socket gone, everything stored
  const stopped = await daemon.stop('SIGTERM')
  assert.equal(stopped.code, 0, daemon.stderr.join('\n'))
  assert.equal(existsSync(sock), false)
  const history = await runBinary(['history', 'ops', '--json', '--home', home.a])
  const stored = history.stdout.trim().split('\n').map(l => (JSON.parse(l) as Shown).text)
  for (const t of ['through the daemon', 'line 1', 'line 2', 'disk full', 'over tcp', 'hello alice', 'published locally']) assert.ok(stored.includes(t), `history has '${t}'`)
})
