// The command-line contract holds on every path: each failure a script can meet gives the same
// exit code, the same `conclave: error:` line and the same stdout through a running node and
// without one; the API answers the README's status codes; bad input changes nothing on disk.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type RunResult, runBinary, tempDir } from '../helpers/cli.js'
import { Proc, aliceAndBob, freePort } from '../helpers/proc.js'
import { fingerprint } from '../fixtures/store-helpers.js'

interface Case { name: string, args: string[], input?: string, code: number, error: RegExp }

/** What a script sees of a run: exit code, the error line (and hint), stdout. */
function seen (r: RunResult): { code: number | null, error: string, stdout: string } {
  return { code: r.code, error: r.stderr.split('\n').filter(l => /^conclave: (error|hint):/.test(l)).join('\n'), stdout: r.stdout }
}

function api (socketPath: string, method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number, body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, res => {
      let data = ''
      res.setEncoding('utf8').on('data', (d: string) => { data += d }).on('end', () => resolve({ status: res.statusCode ?? 0, body: data === '' ? undefined : JSON.parse(data) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('the same contract through a node and without one', { timeout: 240_000 }, () => {
  let env: Awaited<ReturnType<typeof aliceAndBob>>
  let bobAddr = ''
  let bobPort = 0
  let alice: string[] = []
  const sock = (): string => join(env.home.a, 'conclave.sock')

  before(async () => {
    env = await aliceAndBob('conclave-parity-')
    bobPort = await freePort()
    const bobPeer = JSON.parse((await runBinary(['id', '--json', '--home', env.home.b])).stdout).peerId as string
    bobAddr = `/ip4/127.0.0.1/tcp/${bobPort}/p2p/${bobPeer}`
    alice = ['--home', env.home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${env.port}`, '--bootstrap', bobAddr]
    const admin = new Proc(['listen', 'ops', ...alice])
    env.procs.push(admin)
    await admin.waitForStderr(/listening to ops/)
    const joined = await runBinary(['join', '-', '--home', env.home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { input: env.ticket })
    assert.equal(joined.code, 0, joined.stderr)
    await admin.stop()
  })
  after(async () => { await env.cleanup() })

  async function both (cases: Case[], withNode: () => Promise<void>): Promise<void> {
    const without = []
    for (const c of cases) without.push(await runBinary([...c.args, ...alice], { input: c.input }))
    await withNode()
    for (const [i, c] of cases.entries()) {
      const through = await runBinary([...c.args, ...alice], { input: c.input })
      assert.deepEqual(seen(through), seen(without[i]!), `${c.name}: through the node vs without`)
      assert.equal(through.code, c.code, `${c.name}: ${through.stderr}`)
      assert.match(seen(through).error, c.error, c.name)
    }
  }

  it('nobody online: unknown room, bad ticket, nobody reachable, bad --priority, too-large --whole', async () => {
    const cases: Case[] = [
      { name: 'unknown room', args: ['send', 'nope', 'x'], code: 2, error: /^conclave: error: unknown room 'nope'\nconclave: hint: run 'conclave rooms'/ },
      { name: 'unknown room (listen)', args: ['listen', 'nope'], code: 2, error: /^conclave: error: unknown room 'nope'/ },
      { name: 'bad ticket', args: ['join', 'conclave1:garbage'], code: 2, error: /^conclave: error: .*ticket/ },
      { name: 'nobody reachable, --wait', args: ['send', 'ops', 'x', '--wait', '1', '--timeout', '1s'], code: 3, error: /^conclave: error: nobody in room 'ops' was reachable within 1s\nconclave: hint: / },
      { name: 'bad --priority', args: ['send', 'ops', 'x', '--priority', '9'], code: 2, error: /^conclave: error: --priority must be 1-5 or min\/low\/default\/high\/urgent, got '9'$/ },
      { name: 'too large --whole', args: ['send', 'ops', '--whole'], input: 'x'.repeat(60_001), code: 2, error: /^conclave: error: stdin is more than 60000 bytes, the largest message\nconclave: hint: / }
    ]
    let daemon: Proc | undefined
    await both(cases, async () => {
      daemon = new Proc(['daemon', ...alice])
      env.procs.push(daemon)
      await daemon.waitForStderr(/daemon for alice on/)
    })
    // The one designed difference: without --wait, nobody reachable is exit 3 for a one-shot (nobody
    // would hold the message) but exit 0, "queued", through a running node (it keeps it for catch-up).
    const queued = await runBinary(['send', 'ops', 'kept for later', '--timeout', '1s', ...alice])
    assert.equal(queued.code, 0, queued.stderr)
    assert.equal(queued.stderr, "conclave: warning: nobody in 'ops' is reachable now: the message is stored by this home's node and delivered when a member comes back\n")
    // --timeout is honoured through the node (it once waited a fixed 10 s)
    const t0 = Date.now()
    const r = await runBinary(['send', 'ops', 'x', '--wait', '1', '--timeout', '1s', '--home', env.home.a])
    assert.equal(r.code, 3)
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`)
    // the API's status codes (README): 404 unknown room, 400 bad input, 200 queued, 504 nobody reachable when asked to fail
    const kept = await api(sock(), 'POST', '/ops', {}, 'x')
    assert.equal(kept.status, 200)
    assert.equal(kept.body.recipients, 0)
    assert.equal(kept.body.queued, true)
    assert.equal((await api(sock(), 'POST', '/nope', {}, 'x')).status, 404)
    assert.equal((await api(sock(), 'POST', '/ops', { Priority: '9' }, 'x')).status, 400)
    const nobody = await api(sock(), 'POST', '/ops', { Timeout: '1s', Alone: 'fail' }, 'x')
    assert.equal(nobody.status, 504)
    assert.equal(nobody.body.exit, 3)
    await daemon!.stop()
  })

  it('with a member online: --wait N short of N is exit 3 on both paths, and 504 with the count from the API', async () => {
    const bob = new Proc(['chat', 'ops', '--json', '--home', env.home.b, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${bobPort}`])
    env.procs.push(bob)
    await bob.waitForStderr(/chatting in 'ops'/)
    let daemon: Proc | undefined
    await both([
      { name: '--wait 2 with one member', args: ['send', 'ops', 'confirm', '--wait', '2', '--timeout', '4s'], code: 3, error: /^conclave: error: only 1 of 2 member\(s\) confirmed receipt within 4s\nconclave: hint: / }
    ], async () => {
      daemon = new Proc(['daemon', ...alice])
      env.procs.push(daemon)
      await daemon.waitForStderr(/daemon for alice on/)
      await new Promise(resolve => setTimeout(resolve, 500))
    })
    const one = await api(sock(), 'POST', '/ops', { Wait: '1', Timeout: '5s' }, 'one receipt')
    assert.equal(one.status, 200, JSON.stringify(one.body))
    assert.equal(one.body.receipts, 1)
    const two = await api(sock(), 'POST', '/ops', { Wait: '2', Timeout: '1s' }, 'two receipts')
    assert.equal(two.status, 504)
    assert.equal(two.body.receipts, 1)
    assert.match(two.body.error, /^only 1 of 2 member\(s\) confirmed receipt within 1s$/)
    await daemon!.stop()
    await bob.stop()
  })

  it('a command that fails on bad input changes nothing on disk', async () => {
    const bad: Array<{ args: string[], input?: string }> = [
      { args: ['send', 'nope', 'x'] },
      { args: ['send', 'ops', 'x', '--priority', '9'] },
      { args: ['send', 'ops', '--whole'], input: 'x'.repeat(60_001) },
      { args: ['listen', 'nope'] },
      { args: ['invite', 'nope'] },
      { args: ['invite', 'ops', '--uses', '0'] },
      { args: ['history', 'nope'] },
      { args: ['members', 'nope'] },
      { args: ['join', 'conclave1:garbage'] },
      { args: ['join', '-'], input: 'not a ticket' },
      { args: ['create', ' '] },
      { args: ['chat', '\u0007bell'] }
    ]
    // an existing home: no file appears, none changes
    const before = fingerprint(env.home.a)
    for (const b of bad) {
      const r = await runBinary([...b.args, ...alice], { input: b.input })
      assert.equal(r.code, 2, `${b.args.join(' ')}: ${r.stderr}`)
      assert.deepEqual(fingerprint(env.home.a), before, `${b.args.join(' ')} changed the home`)
    }
    // a home that does not exist yet stays that way: no identity, no directory
    const { dir, cleanup } = tempDir('conclave-nothing-')
    after(cleanup)
    const fresh = join(dir, 'home')
    for (const b of bad) {
      const r = await runBinary([...b.args, '--home', fresh, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { input: b.input })
      assert.equal(r.code, 2, `${b.args.join(' ')} (fresh home): ${r.stderr}`)
      assert.equal(existsSync(fresh), false, `${b.args.join(' ')} created ${fresh}`)
    }
  })
})
