// Commands in-process against a fake Client: each maps its flags to one client call, prints what
// the client answers (stdout data only), and turns the client's errors into the CLI's voice.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FailoverClient } from '../../src/client/connect.js'
import { MessageQueue } from '../../src/client/queue.js'
import { NodeGoneError } from '../../src/client/socket.js'
import type { Client, ShownMessage, Subscription } from '../../src/client/types.js'
import type { ConnectOptions } from '../../src/client/connect.js'
import { NobodyReachableError, NotConfirmedError, UsageError } from '../../src/errors.js'
import { runInProcess } from '../helpers/cli.js'

const msg = (id: string, text: string): ShownMessage => ({ room: 'ops', roomId: 'r'.repeat(52), id, from: 'f'.repeat(52), fromName: 'bob', ts: '2026-12-03T12:00:00.000Z', text, title: null, priority: null, tags: [] })

/** A Client that records its calls and answers from SCRIPT. */
function fake (script: Partial<Client> = {}): { client: Client, calls: Array<[string, unknown[]]>, options: ConnectOptions[] } {
  const calls: Array<[string, unknown[]]> = []
  const options: ConnectOptions[] = []
  const record = (name: string, f?: (...a: any[]) => any) => async (...a: unknown[]) => { calls.push([name, a]); return f !== undefined ? await f(...a) : undefined }
  const client = {
    via: 'local',
    rooms: record('rooms', script.rooms ?? (async () => [])),
    members: record('members', script.members),
    history: record('history', script.history ?? (async () => [])),
    createRoom: record('createRoom', script.createRoom),
    invite: record('invite', script.invite),
    join: record('join', script.join),
    publish: record('publish', script.publish ?? (async () => ({ room: 'ops', roomId: 'r', id: 'i', recipients: 1 }))),
    publishLines: record('publishLines', script.publishLines),
    subscribe: record('subscribe', script.subscribe),
    status: record('status', script.status),
    close: record('close')
  } as unknown as Client
  return { client, calls, options }
}

const deps = (f: ReturnType<typeof fake>) => ({ connect: async (o: ConnectOptions) => { f.options.push(o); return f.client } })

describe('commands over a fake client', () => {
  it('send TEXT: one publish with the parsed flags, nothing on stdout, the client closed', async () => {
    const f = fake()
    const r = await runInProcess(['send', 'ops', 'disk', 'full', '--priority', 'high', '--tag', 'a', '--timeout', '3s', '--wait', '2'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.deepEqual(f.calls.map(c => c[0]), ['publish', 'close'])
    assert.deepEqual(f.calls[0]![1], ['ops', 'disk full', { title: undefined, priority: 4, tags: ['a'] }, { wait: 2, timeoutMs: 3000 }])
    assert.deepEqual(f.options, [{ need: 'network', serve: 'send', rooms: ['ops'] }])
  })

  it('send: bad input fails before any client is made', async () => {
    for (const [args, error] of [
      [['send', 'ops', 'x', '--priority', '9'], "conclave: error: --priority must be 1-5 or min/low/default/high/urgent, got '9'\n"],
      [['send', 'ops', 'x', '--timeout', 'soon'], "conclave: error: --timeout expects a duration like 30s, 10m, 24h or 7d, got 'soon'\n"],
      [['send', 'ops', '--wait', '1'], 'conclave: error: --wait works with one message: give TEXT or --whole\nconclave: hint: receipts for a stream of lines are not supported\n']
    ] as const) {
      const f = fake()
      const r = await runInProcess([...args], { deps: deps(f) })
      assert.equal(r.code, 2, args.join(' '))
      assert.equal(r.stderr, error)
      assert.equal(f.options.length, 0, 'no client was made')
    }
  })

  it("send: the client's errors keep their exit codes and words", async () => {
    const cases: Array<[Error, number, string]> = [
      [new UsageError("unknown room 'nope'", { hint: 'run it' }), 2, "conclave: error: unknown room 'nope'\nconclave: hint: run it\n"],
      [new NobodyReachableError("nobody in room 'ops' was reachable within 1s"), 3, "conclave: error: nobody in room 'ops' was reachable within 1s\n"],
      [new NotConfirmedError('only 1 of 2 member(s) confirmed receipt within 1s', { receipts: 1 }), 3, 'conclave: error: only 1 of 2 member(s) confirmed receipt within 1s\n']
    ]
    for (const [err, code, stderr] of cases) {
      const f = fake({ publish: async () => { throw err } })
      const r = await runInProcess(['send', 'ops', 'x'], { deps: deps(f) })
      assert.equal(r.code, code)
      assert.equal(r.stderr, stderr)
      assert.equal(r.stdout, '')
      assert.deepEqual(f.calls.map(c => c[0]), ['publish', 'close'], 'closed on failure too')
    }
  })

  it('send without TEXT: stdin lines go to publishLines; a NUL byte is refused (exit 2)', async () => {
    let got: string[] = []
    const f = fake({ publishLines: async (_room: string, source: AsyncIterable<string[]>) => { got = []; for await (const ls of source) got.push(...ls); return { room: 'ops', roomId: 'r', lines: got.length, envelopes: 1, split: 0 } } })
    const r = await runInProcess(['send', 'ops'], { deps: deps(f), input: 'a\r\nb\n\nc' })
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(got, ['a', 'b', '', 'c'])
    const bin = await runInProcess(['send', 'ops'], { deps: deps(f), input: 'ok\n\u0000\u0000' })
    assert.equal(bin.code, 2)
    assert.equal(bin.stderr, 'conclave: error: stdin contains a NUL byte (at byte 3): conclave sends text, not binary data\nconclave: hint: encode binary data first (base64), or send a file as text lines\n')
  })

  it('history, rooms, members and invite print what the client answers', async () => {
    const f = fake({
      history: async () => [msg('1', 'one')],
      rooms: async () => [{ name: 'ops', roomId: 'r', role: 'admin', members: 2, epoch: 0, topic: 't' }],
      members: async () => [{ memberId: 'm', name: 'alice', role: 'admin', peerId: 'p', you: true }],
      invite: async () => ({ room: 'ops', roomId: 'r', ticket: 'conclave1:xyz', role: 'member', uses: 1, expires: 'e', addrs: 1 })
    })
    assert.equal((await runInProcess(['history', 'ops', '--json'], { deps: deps(f) })).stdout, JSON.stringify(msg('1', 'one')) + '\n')
    assert.equal((await runInProcess(['rooms'], { deps: deps(f) })).stdout, 'ops\tr\tadmin\t2 members\n')
    assert.equal((await runInProcess(['members', 'ops'], { deps: deps(f) })).stdout, 'alice (you)\tadmin\tm\n')
    assert.equal((await runInProcess(['invite', 'ops', '--expires', '1h', '--uses', '3'], { deps: deps(f) })).stdout, 'conclave1:xyz\n')
    assert.deepEqual(f.calls.find(c => c[0] === 'invite')![1], ['ops', { role: 'member', ttlMs: 3_600_000, maxUses: 3 }])
    assert.deepEqual(f.options.map(o => o.need), ['read', 'read', 'read', 'write'])
  })

  it('listen --count prints that many messages of its subscription and closes it', async () => {
    const q = new MessageQueue()
    for (const m of [msg('1', 'one'), msg('2', 'two'), msg('3', 'three')]) q.push(m)
    const f = fake({ subscribe: async () => q })
    const r = await runInProcess(['listen', 'ops', '--count', '2', '--json'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.stdout.trim().split('\n').map(l => JSON.parse(l).text), ['one', 'two'])
    assert.deepEqual(f.options, [{ need: 'network', owner: 'listen', rooms: ['ops'] }])
  })
})

describe('FailoverClient', () => {
  it('a subscription goes on through a takeover: what was stored meanwhile once, nothing twice', async () => {
    const first = new MessageQueue()
    const second = new MessageQueue()
    let sinceAsked: number | undefined
    const old = fake({ subscribe: async () => first }).client
    const next = fake({ subscribe: async (_rooms: string[], o: { sinceMs?: number }) => { sinceAsked = o.sinceMs; return second } }).client
    const told: string[] = []
    const client = new FailoverClient(old, async () => next, m => told.push(m))
    const sub: Subscription = await client.subscribe(['ops'], { sinceMs: Date.now() })
    const seen: string[] = []
    const reading = (async () => { for await (const m of sub) { seen.push(m.text); if (seen.length === 4) break } })()
    first.push(msg('1', 'one'))
    first.push(msg('2', 'two'))
    first.close(new NodeGoneError('the owner went away'))
    // the new node's look back repeats 'two' and brings 'three', stored while we switched
    second.push(msg('2', 'two'))
    second.push(msg('3', 'three'))
    second.push(msg('4', 'four'))
    await reading
    assert.deepEqual(seen, ['one', 'two', 'three', 'four'])
    assert.ok(sinceAsked !== undefined && sinceAsked <= Date.now() - 9 * 60_000, 'the new subscription looks back')
    assert.deepEqual(told, ["the home's node stopped: this process runs it now"])
  })

  it('another error ends the subscription with that error', async () => {
    const q = new MessageQueue()
    const client = new FailoverClient(fake({ subscribe: async () => q }).client, async () => { throw new Error('unused') }, () => {})
    const sub = await client.subscribe(['ops'], {})
    q.close(new UsageError('boom'))
    await assert.rejects((async () => { for await (const _ of sub) {} })(), /boom/)
  })
})
