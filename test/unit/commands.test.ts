// Commands in-process against a fake Client: each maps its flags to one client call, prints what
// the client answers (stdout data only), and turns the client's errors into the CLI's voice.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FailoverClient } from '../../src/client/connect.js'
import { MessageQueue } from '../../src/client/queue.js'
import { NodeGoneError } from '../../src/client/socket.js'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Client, MemberInfo, MembershipResult, ShownMessage, Subscription } from '../../src/client/types.js'
import type { ConnectOptions } from '../../src/client/connect.js'
import { NobodyReachableError, NotConfirmedError, UsageError } from '../../src/errors.js'
import { ticketToText } from '../../src/room/invite.js'
import { runInProcess, tempDir } from '../helpers/cli.js'

const msg = (id: string, text: string): ShownMessage => ({ room: 'ops', roomId: 'r'.repeat(52), id, from: 'f'.repeat(52), fromName: 'bob', ts: '2026-12-03T12:00:00.000Z', text, title: null, priority: null, tags: [] })

/** A Remove entry's result (epoch 2, handed to 2 readers), with OVERRIDES. */
const removed = (overrides: Partial<MembershipResult> = {}): MembershipResult => ({ room: 'ops', roomId: 'r', entry: 'remove', epoch: 2, recipients: 2, ...overrides })

/** A ticket line that parses (its contents do not matter to the CLI). */
const TICKET = ticketToText({ version: 1, roomId: new Uint8Array(32).fill(7), roomName: 'ops', role: 'member', expiresMs: 4_000_000_000_000, maxUses: 1, inviteSeed: new Uint8Array(32).fill(9), inviterPeerId: new Uint8Array(38).fill(1), addrs: [] })

const ROLE_REFUSED = "conclave: error: ROLE must be admin, member or poster, got 'owner'\nconclave: hint: run 'conclave role --help' for usage\n"
const ALONE_WARNING = "conclave: warning: nobody in 'ops' was reachable: members get the change when they next exchange keys with this home\n"

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
    kick: record('kick', script.kick ?? (async (_r: string, member: string) => removed({ member: { memberId: 'b'.repeat(52), name: member } }))),
    leave: record('leave', script.leave ?? (async () => removed({ member: { memberId: 'a'.repeat(52), name: 'alice' }, recipients: 0 }))),
    setRole: record('setRole', script.setRole ?? (async (_r: string, member: string, role: string) => ({ ...removed({ member: { memberId: 'b'.repeat(52), name: member } }), entry: 'set-role', role }))),
    revoke: record('revoke', script.revoke ?? (async () => ({ room: 'ops', roomId: 'r', entry: 'revoke-invite', revoked: 1, epoch: 1, recipients: 2 }))),
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
    assert.deepEqual(f.calls[0]![1], ['ops', 'disk full', { title: undefined, priority: 4, tags: ['a'] }, { wait: 2, timeoutMs: 3000, alone: 'fail' }])
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
      members: async () => [{ memberId: 'm', name: 'alice', role: 'admin', peerId: 'p', you: true, fingerprint: '12345', duplicateName: false }],
      invite: async () => ({ room: 'ops', roomId: 'r', ticket: 'conclave1:xyz', role: 'member', uses: 1, expires: 'e', addrs: 1 })
    })
    assert.equal((await runInProcess(['history', 'ops', '--json'], { deps: deps(f) })).stdout, JSON.stringify(msg('1', 'one')) + '\n')
    assert.equal((await runInProcess(['rooms'], { deps: deps(f) })).stdout, 'ops\tr\tadmin\t2 members\n')
    assert.equal((await runInProcess(['members', 'ops'], { deps: deps(f) })).stdout, 'alice (you)\tadmin\t12345\tm\n')
    assert.equal((await runInProcess(['invite', 'ops', '--expires', '1h', '--uses', '3'], { deps: deps(f) })).stdout, 'conclave1:xyz\n')
    assert.deepEqual(f.calls.find(c => c[0] === 'invite')![1], ['ops', { role: 'member', ttlMs: 3_600_000, maxUses: 3 }])
    assert.deepEqual(f.options.map(o => o.need), ['read', 'read', 'read', 'write'])
  })

  it('members: the short fingerprint, and display names that two members share marked; JSON lines carry everything', async () => {
    const list: MemberInfo[] = [
      { memberId: 'a'.repeat(52), name: 'bob', role: 'admin', peerId: 'p1', you: true, fingerprint: '12345', duplicateName: true },
      { memberId: 'b'.repeat(52), name: 'bob', role: 'member', peerId: 'p2', you: false, fingerprint: '67890', duplicateName: true },
      { memberId: 'c'.repeat(52), name: 'carol\u001b[2J', role: 'poster', peerId: 'p3', you: false, fingerprint: '00042', duplicateName: false }
    ]
    const f = fake({ members: async () => list })
    const r = await runInProcess(['members', 'ops'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, [
      `bob (you) (same name as another member)\tadmin\t12345\t${'a'.repeat(52)}`,
      `bob (same name as another member)\tmember\t67890\t${'b'.repeat(52)}`,
      `carol\uFFFD[2J\tposter\t00042\t${'c'.repeat(52)}`
    ].join('\n') + '\n', 'a name is shown without its control characters')
    const json = await runInProcess(['members', 'ops', '--json'], { deps: deps(f) })
    assert.deepEqual(json.stdout.trim().split('\n').map(l => JSON.parse(l)), list)
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

describe('membership commands over a fake client', () => {
  it('kick: one kick call with the member and the parsed flags; a human line on stderr, nothing on stdout', async () => {
    const f = fake()
    const r = await runInProcess(['kick', 'ops', 'bob', '--reason', 'left the team', '--timeout', '3s'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "conclave: removed bob from 'ops' (epoch 2)\n")
    assert.deepEqual(f.calls, [['kick', ['ops', 'bob', { reason: 'left the team', timeoutMs: 3000 }]], ['close', []]])
    assert.deepEqual(f.options, [{ need: 'network', serve: 'kick', rooms: ['ops'] }])
  })

  it('kick: no --reason is no reason; a fingerprint prefix stays a string (leading zeros kept); --timeout defaults to 10s', async () => {
    const f = fake()
    assert.equal((await runInProcess(['kick', 'ops', '00123'], { deps: deps(f) })).code, 0)
    assert.deepEqual(f.calls[0], ['kick', ['ops', '00123', { timeoutMs: 10_000 }]])
  })

  it('kick --json: one JSON line of the result on stdout, nothing else', async () => {
    const result = removed({ member: { memberId: 'b'.repeat(52), name: 'bob' } })
    const f = fake({ kick: async () => result })
    const r = await runInProcess(['kick', 'ops', 'bob', '--json'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, JSON.stringify(result) + '\n')
    assert.equal(r.stderr, '')
  })

  it('kick, role and revoke warn when the entry reached nobody yet (it spreads at the next keys exchange)', async () => {
    const f = fake({
      kick: async () => removed({ member: { memberId: 'b'.repeat(52), name: 'bob' }, recipients: 0 }),
      setRole: async () => ({ ...removed({ member: { memberId: 'b'.repeat(52), name: 'bob' }, recipients: 0 }), entry: 'set-role', role: 'admin' }),
      revoke: async () => ({ room: 'ops', roomId: 'r', entry: 'revoke-invite', revoked: 3, epoch: 1, recipients: 0 })
    })
    const kick = await runInProcess(['kick', 'ops', 'bob'], { deps: deps(f) })
    assert.equal(kick.code, 0)
    assert.equal(kick.stdout, '')
    assert.equal(kick.stderr, "conclave: removed bob from 'ops' (epoch 2)\n" + ALONE_WARNING)
    const role = await runInProcess(['role', 'ops', 'bob', 'admin'], { deps: deps(f) })
    assert.equal(role.stderr, "conclave: bob is now admin in 'ops' (epoch 2)\n" + ALONE_WARNING)
    const revoke = await runInProcess(['revoke', 'ops', '--all', '--json'], { deps: deps(f) })
    assert.equal(revoke.code, 0)
    assert.equal(JSON.parse(revoke.stdout).revoked, 3)
    assert.equal(revoke.stderr, ALONE_WARNING, 'the warning goes to stderr with --json too')
    const quiet = await runInProcess(['kick', 'ops', 'bob', '-q'], { deps: deps(f) })
    assert.equal(quiet.stderr, ALONE_WARNING, '--quiet drops the status line, not the warning')
  })

  it('leave: one leave call; no warning when nobody had it (we were alone in the room)', async () => {
    const f = fake()
    const r = await runInProcess(['leave', 'ops', '--timeout', '2s'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "conclave: left 'ops'\n")
    assert.deepEqual(f.calls, [['leave', ['ops', { timeoutMs: 2000 }]], ['close', []]])
    assert.deepEqual(f.options, [{ need: 'network', serve: 'leave', rooms: ['ops'] }])
    const json = await runInProcess(['leave', 'ops', '--json'], { deps: deps(f) })
    assert.deepEqual(JSON.parse(json.stdout), removed({ member: { memberId: 'a'.repeat(52), name: 'alice' }, recipients: 0 }))
  })

  it('leave: nobody reachable is exit 3 with the words of the client', async () => {
    const f = fake({ leave: async () => { throw new NobodyReachableError("nobody in room 'ops' was reachable within 10s") } })
    const r = await runInProcess(['leave', 'ops'], { deps: deps(f) })
    assert.equal(r.code, 3)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "conclave: error: nobody in room 'ops' was reachable within 10s\n")
  })

  it('role: one setRole call with the role; an unknown role is exit 2 before any client is made', async () => {
    const f = fake()
    const r = await runInProcess(['role', 'ops', 'bob', 'poster'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "conclave: bob is now poster in 'ops' (epoch 2)\n")
    assert.deepEqual(f.calls, [['setRole', ['ops', 'bob', 'poster', { timeoutMs: 10_000 }]], ['close', []]])
    assert.deepEqual(f.options, [{ need: 'network', serve: 'role', rooms: ['ops'] }])
    const json = await runInProcess(['role', 'ops', 'bob', 'admin', '--json'], { deps: deps(f) })
    assert.equal(JSON.parse(json.stdout).role, 'admin')

    const bad = fake()
    const refused = await runInProcess(['role', 'ops', 'bob', 'owner'], { deps: deps(bad) })
    assert.equal(refused.code, 2)
    assert.equal(refused.stdout, '')
    assert.equal(refused.stderr, ROLE_REFUSED)
    assert.equal(bad.options.length, 0, 'no client was made')
    // the same words for an option's choices, as the client's own check of invite's role has them
    const invite = await runInProcess(['invite', 'ops', '--role', 'owner'], { deps: deps(bad) })
    assert.equal(invite.code, 2)
    assert.equal(invite.stderr, "conclave: error: --role must be member, poster or admin, got 'owner'\nconclave: hint: run 'conclave invite --help' for usage\n")
  })

  it('revoke --all: one revoke call with all', async () => {
    const f = fake()
    const r = await runInProcess(['revoke', 'ops', '--all'], { deps: deps(f) })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "conclave: revoked 1 invite(s) of 'ops'\n")
    assert.deepEqual(f.calls, [['revoke', ['ops', { all: true, timeoutMs: 10_000 }]], ['close', []]])
    assert.deepEqual(f.options, [{ need: 'network', serve: 'revoke', rooms: ['ops'] }])
  })

  it('revoke TICKET: from the argument, from stdin (-) or from --ticket-file, trimmed; CONCLAVE_TICKET is not read', async () => {
    const { dir, cleanup } = tempDir('conclave-revoke-')
    try {
      const file = join(dir, 'ticket.txt')
      writeFileSync(file, TICKET + '\n')
      for (const [args, input] of [
        [['revoke', 'ops', TICKET], ''],
        [['revoke', 'ops', '-'], `  ${TICKET}\n`],
        [['revoke', 'ops', '--ticket-file', file], '']
      ] as const) {
        const f = fake()
        const r = await runInProcess([...args], { deps: deps(f), input })
        assert.equal(r.code, 0, r.stderr)
        assert.equal(r.stdout, '')
        assert.deepEqual(f.calls[0], ['revoke', ['ops', { ticket: TICKET, timeoutMs: 10_000 }]], args.join(' '))
      }
      // A ticket exported for `join` must not turn a bare `revoke ROOM` into revoking it.
      const f = fake()
      const r = await runInProcess(['revoke', 'ops'], { deps: deps(f), env: { CONCLAVE_TICKET: TICKET } })
      assert.equal(r.code, 2)
      assert.equal(f.options.length, 0)
    } finally {
      cleanup()
    }
  })

  it('join reads its ticket through the same helper: -, --ticket-file, CONCLAVE_TICKET; none is exit 2', async () => {
    const f = fake({ join: async () => ({ room: 'ops', roomId: 'r', role: 'member', members: 2 }) })
    for (const [args, input, env] of [[['join', '-'], `${TICKET}\n`, {}], [['join'], '', { CONCLAVE_TICKET: TICKET }]] as const) {
      const r = await runInProcess([...args], { deps: deps(f), input, env })
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'ops r\n')
    }
    assert.deepEqual(f.calls.filter(c => c[0] === 'join').map(c => c[1][0]), [TICKET, TICKET])
    const none = await runInProcess(['join'], { deps: deps(fake()) })
    assert.equal(none.code, 2)
    assert.equal(none.stderr, "conclave: error: no ticket given\nconclave: hint: pipe it in with 'conclave join -', or use --ticket-file FILE or CONCLAVE_TICKET\n")
  })

  it('revoke: both a ticket and --all, neither, or a malformed ticket is exit 2 before any client is made', async () => {
    const neither = "conclave: error: say which invites to revoke: give a ticket or --all\nconclave: hint: pipe the ticket in with 'conclave revoke ROOM -', or use --ticket-file FILE\n"
    for (const [args, input, error] of [
      [['revoke', 'ops', TICKET, '--all'], '', 'conclave: error: give either a ticket or --all, not both\n'],
      [['revoke', 'ops', '-', '--all'], TICKET, 'conclave: error: give either a ticket or --all, not both\n'],
      [['revoke', 'ops', '--ticket-file', '/nonexistent', '--all'], '', 'conclave: error: give either a ticket or --all, not both\n'],
      [['revoke', 'ops'], '', neither],
      [['revoke', 'ops', '-'], '\n', 'conclave: error: the ticket is empty\n']
    ] as const) {
      const f = fake()
      const r = await runInProcess([...args], { deps: deps(f), input })
      assert.equal(r.code, 2, args.join(' '))
      assert.equal(r.stdout, '')
      assert.equal(r.stderr, error, args.join(' '))
      assert.equal(f.options.length, 0, 'no client was made')
    }
    const f = fake()
    const malformed = await runInProcess(['revoke', 'ops', 'conclave1:nope'], { deps: deps(f) })
    assert.equal(malformed.code, 2)
    assert.match(malformed.stderr, /^conclave: error: .*\nconclave: hint: .*copy the whole line/)
    assert.equal(f.options.length, 0)
  })

  it("membership commands: the client's errors keep their exit codes and words (an ambiguous name lists the candidates)", async () => {
    const ambiguous = new UsageError("'bob' names 2 members of 'ops': bob (12345, aaaa…), bob (67890, bbbb…)", { hint: 'name one by its fingerprint or member id' })
    const f = fake({ kick: async () => { throw ambiguous }, setRole: async () => { throw ambiguous } })
    for (const args of [['kick', 'ops', 'bob'], ['role', 'ops', 'bob', 'member']]) {
      const r = await runInProcess(args, { deps: deps(f) })
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      assert.equal(r.stderr, `conclave: error: ${ambiguous.message}\nconclave: hint: ${ambiguous.hint}\n`)
    }
    assert.deepEqual(f.calls.map(c => c[0]), ['kick', 'close', 'setRole', 'close'], 'closed on failure too')
  })

  it('membership commands: a bad --timeout is exit 2 before any client is made', async () => {
    for (const args of [['kick', 'ops', 'bob'], ['leave', 'ops'], ['role', 'ops', 'bob', 'admin'], ['revoke', 'ops', '--all']]) {
      const f = fake()
      const r = await runInProcess([...args, '--timeout', 'soon'], { deps: deps(f) })
      assert.equal(r.code, 2, args[0])
      assert.equal(r.stderr, "conclave: error: --timeout expects a duration like 30s, 10m, 24h or 7d, got 'soon'\n")
      assert.equal(f.options.length, 0)
    }
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

  it('a one-shot whose request the exiting node never took sends it once more after taking over; one that got an answer never', async () => {
    const unanswered = (): NodeGoneError => { const e = new NodeGoneError("the home's node went away (ECONNRESET)"); e.unanswered = true; return e }
    let reconnects = 0
    const next = fake({ publish: async () => ({ room: 'ops', roomId: 'r', id: 'x', recipients: 1 }) })
    const client = new FailoverClient(fake({ publish: async () => { throw unanswered() } }).client, async () => { reconnects++; return next.client }, () => {})
    assert.equal((await client.publish('ops', 'hi', {}, { timeoutMs: 1000 })).id, 'x')
    assert.equal(reconnects, 1)
    assert.deepEqual(next.calls.map(c => c[0]), ['publish'])
    // an answer came back (the request may have taken effect): the error stands, nothing is repeated
    const answered = new FailoverClient(fake({ publish: async () => { throw new NodeGoneError('the node closed the connection without an answer') } }).client, async () => { reconnects++; return next.client }, () => {})
    await assert.rejects(answered.publish('ops', 'hi', {}, { timeoutMs: 1000 }), /without an answer/)
    assert.equal(reconnects, 1)
  })

  it('kick, leave, setRole and revoke go to the current client unchanged', async () => {
    const inner = fake()
    const client = new FailoverClient(inner.client, async () => { throw new Error('unused') }, () => {})
    await client.kick('ops', 'bob', { reason: 'r', timeoutMs: 1 })
    await client.leave('ops', { timeoutMs: 2 })
    await client.setRole('ops', 'bob', 'poster', { timeoutMs: 3 })
    assert.equal((await client.revoke('ops', { all: true, timeoutMs: 4 })).entry, 'revoke-invite')
    assert.deepEqual(inner.calls, [
      ['kick', ['ops', 'bob', { reason: 'r', timeoutMs: 1 }]],
      ['leave', ['ops', { timeoutMs: 2 }]],
      ['setRole', ['ops', 'bob', 'poster', { timeoutMs: 3 }]],
      ['revoke', ['ops', { all: true, timeoutMs: 4 }]]
    ])
  })

  it('another error ends the subscription with that error', async () => {
    const q = new MessageQueue()
    const client = new FailoverClient(fake({ subscribe: async () => q }).client, async () => { throw new Error('unused') }, () => {})
    const sub = await client.subscribe(['ops'], {})
    q.close(new UsageError('boom'))
    await assert.rejects((async () => { for await (const _ of sub) {} })(), /boom/)
  })
})
