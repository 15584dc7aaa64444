// One-shot `send` without a daemon: 20 runs in a row, 20 deliveries (each waits for a reader it
// can really write to and for its message to leave); nobody reachable → exit 3 with a hint.
import assert from 'node:assert/strict'
import { after, it } from 'node:test'
import { runBinary } from '../helpers/cli.js'
import { Proc, aliceAndBob } from '../helpers/proc.js'

it('20 one-shot sends in a row are 20 deliveries; nobody online is exit 3', { timeout: 150_000 }, async () => {
  const { home, port, peerA, ticket, procs, cleanup } = await aliceAndBob('conclave-oneshot-')
  after(cleanup)
  const listen = new Proc(['listen', 'ops', '--json', '--count', '20', '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
  procs.push(listen)
  await listen.waitForStderr(/listening to ops/)
  assert.equal((await runBinary(['join', ticket, '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])).code, 0)
  const send = async (text: string, extra: string[] = []): Promise<Awaited<ReturnType<typeof runBinary>>> =>
    await runBinary(['send', 'ops', text, ...extra, '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`])
  for (let i = 1; i <= 20; i++) {
    const r = await send(`one-shot ${i}`)
    assert.equal(r.code, 0, `run ${i}: ${r.stderr}`)
  }
  const done = await listen.exited
  assert.equal(done.code, 0)
  assert.deepEqual(listen.json<{ text: string }>().map(m => m.text), Array.from({ length: 20 }, (_, i) => `one-shot ${i + 1}`))

  const nobody = await send('into the void', ['--timeout', '1s'])
  assert.equal(nobody.code, 3)
  assert.equal(nobody.stdout, '')
  assert.match(nobody.stderr, /^conclave: error: nobody in room 'ops' was reachable within 1s\nconclave: hint: another member must be online/)
})
