// The control API's membership endpoints (kick, leave, role, revoke) over a real Unix socket, in
// front of a fake Client: SocketClient's requests reach the client with the same arguments, the
// answer is the client's MembershipResult as JSON, and errors keep their status, words and exit code.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ControlApi } from '../../src/client/api.js'
import { SocketClient } from '../../src/client/socket.js'
import type { Client, MembershipResult } from '../../src/client/types.js'
import { NobodyReachableError, UsageError } from '../../src/errors.js'
import { tempDir } from '../helpers/cli.js'

const result = (entry: MembershipResult['entry'], extra: Partial<MembershipResult> = {}): MembershipResult =>
  ({ room: 'ops', roomId: 'r'.repeat(52), entry, epoch: 3, recipients: 2, ...extra })

/** What the fake client was last called with, and what it answers next (a result or an error). */
const calls: Array<[string, unknown[]]> = []
let answer: () => MembershipResult = () => result('remove')
const record = (name: string) => async (...args: unknown[]): Promise<MembershipResult> => { calls.push([name, args]); return answer() }
const client = { kick: record('kick'), leave: record('leave'), setRole: record('setRole'), revoke: record('revoke') } as unknown as Client

/** One raw request on the socket: status and parsed JSON body. */
async function post (socketPath: string, path: string, body: string): Promise<{ status: number, body: any }> {
  return await new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => { text += d }).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('control API: membership endpoints', () => {
  const { dir, cleanup } = tempDir('conclave-api-membership-')
  const socketPath = join(dir, 'api.sock')
  const api = new ControlApi({ client, warn: () => {} })
  const fresh = (): SocketClient => new SocketClient(socketPath)

  before(async () => { await api.listen(socketPath) })
  after(async () => { await api.close(); cleanup() })

  it('kick, leave, role and revoke through SocketClient reach the client with the same arguments and answer its result', async () => {
    const cases: Array<[(c: SocketClient) => Promise<MembershipResult>, [string, unknown[]], MembershipResult]> = [
      [async c => await c.kick('ops', 'bob', { reason: 'left the team', timeoutMs: 3000 }), ['kick', ['ops', 'bob', { reason: 'left the team', timeoutMs: 3000 }]], result('remove', { member: { memberId: 'b'.repeat(52), name: 'bob' } })],
      [async c => await c.kick('ops', '01234', { timeoutMs: 3000 }), ['kick', ['ops', '01234', { timeoutMs: 3000 }]], result('remove', { recipients: 0 })],
      [async c => await c.leave('o/p s', { timeoutMs: 500 }), ['leave', ['o/p s', { timeoutMs: 500 }]], result('remove')],
      [async c => await c.setRole('ops', 'bob', 'poster', { timeoutMs: 1000 }), ['setRole', ['ops', 'bob', 'poster', { timeoutMs: 1000 }]], result('set-role', { role: 'poster', epoch: 4 })],
      [async c => await c.revoke('ops', { ticket: 'conclave1:abc', timeoutMs: 1000 }), ['revoke', ['ops', { ticket: 'conclave1:abc', timeoutMs: 1000 }]], result('revoke-invite', { revoked: 1 })],
      [async c => await c.revoke('ops', { all: true, timeoutMs: 1000 }), ['revoke', ['ops', { all: true, timeoutMs: 1000 }]], result('revoke-invite', { revoked: 4 })]
    ]
    for (const [call, expected, answered] of cases) {
      calls.length = 0
      answer = () => answered
      const c = fresh()
      assert.deepEqual(await call(c), answered)
      await c.close()
      assert.deepEqual(calls, [expected])
    }
  })

  it('answers 200 with the result JSON; timeoutMs defaults to 10 s', async () => {
    answer = () => result('remove')
    calls.length = 0
    const r = await post(socketPath, '/ops/leave', '{}')
    assert.equal(r.status, 200)
    assert.deepEqual(r.body, result('remove'))
    assert.deepEqual(calls, [['leave', ['ops', { timeoutMs: 10_000 }]]])
  })

  it('a body field of the wrong type, or revoke with both or neither of ticket and all, is a 400 and reaches no client', async () => {
    calls.length = 0
    for (const [path, body, error] of [
      ['/ops/kick', '{"member":5}', 'the request\'s "member" must be a string'],
      ['/ops/kick', '{}', 'the request\'s "member" must be a string'],
      ['/ops/kick', '{"member":"bob","reason":["x"]}', 'the request\'s "reason" must be a string'],
      ['/ops/kick', '{"member":"bob","timeoutMs":"10s"}', 'the request\'s "timeoutMs" must be a whole number of milliseconds'],
      ['/ops/leave', '{"timeoutMs":-1}', 'the request\'s "timeoutMs" must be a whole number of milliseconds'],
      ['/ops/role', '{"member":"bob"}', 'the request\'s "role" must be a string'],
      ['/ops/revoke', '{"all":"yes"}', 'the request\'s "all" must be true or false'],
      ['/ops/revoke', '{"ticket":"conclave1:abc","all":true}', 'the request must name either a "ticket" or "all": true'],
      ['/ops/revoke', '{"all":false}', 'the request must name either a "ticket" or "all": true'],
      ['/ops/revoke', '[]', 'the request body is not a JSON object']
    ] as const) {
      const r = await post(socketPath, path, body)
      assert.equal(r.status, 400, `${path} ${body}`)
      assert.deepEqual(r.body, { error, exit: 2 }, `${path} ${body}`)
    }
    assert.deepEqual(calls, [])
  })

  it("the client's errors: a UsageError is a 400 (an unknown room a 404), nobody reachable a 504; SocketClient rebuilds them", async () => {
    const ambiguous = new UsageError("'bob' names 2 members of 'ops'", { hint: 'name one by its fingerprint or member id' })
    answer = () => { throw ambiguous }
    const raw = await post(socketPath, '/ops/kick', '{"member":"bob"}')
    assert.equal(raw.status, 400)
    assert.deepEqual(raw.body, { error: ambiguous.message, hint: ambiguous.hint, exit: 2 })
    await assert.rejects(fresh().kick('ops', 'bob', { timeoutMs: 10 }), (err: any) => {
      assert.equal(err.message, ambiguous.message)
      assert.equal(err.hint, ambiguous.hint)
      assert.equal(err.exitCode, 2)
      return true
    })

    answer = () => { throw new UsageError("unknown room 'nope'") }
    assert.equal((await post(socketPath, '/nope/role', '{"member":"bob","role":"admin"}')).status, 404)

    answer = () => { throw new NobodyReachableError("nobody in room 'ops' was reachable within 10ms") }
    assert.equal((await post(socketPath, '/ops/leave', '{"timeoutMs":10}')).status, 504)
    await assert.rejects(fresh().leave('ops', { timeoutMs: 10 }), (err: any) => {
      assert.equal(err.message, "nobody in room 'ops' was reachable within 10ms")
      assert.equal(err.exitCode, 3)
      return true
    })
  })
})
