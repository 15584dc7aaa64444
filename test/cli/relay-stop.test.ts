// A node that stops hands on what it relayed: bob sends through alice, the only path to carol;
// carol is frozen, so alice's queue to her fills (yamux flow control). alice's `listen --count N`
// reaches N and stops: it must first let that queue drain, or carol loses what alice held. This
// is the loss bench/pipe showed (listeners stuck short of N once the hub had its count).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, it } from 'node:test'
import { BINARY, runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

const { dir, cleanup } = tempDir('conclave-relay-stop-')
const procs: Proc[] = []
after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })

it('a listen that stops at --count first drains what it relayed to a slow member', { timeout: 120_000 }, async () => {
  const N = 10_000 // 100-character lines: 1 MB, four times the flow-control window carol opened
  const home = { a: `${dir}/a`, b: `${dir}/b`, c: `${dir}/c` }
  for (const [k, name] of [['a', 'alice'], ['b', 'bob'], ['c', 'carol']] as const) await runBinary(['init', '--name', name, '--home', home[k]])
  const port = await freePort()
  const peerA = JSON.parse((await runBinary(['id', '--json', '--home', home.a])).stdout).peerId as string
  await runBinary(['create', 'ops', '--home', home.a])
  const ticket = (await runBinary(['invite', 'ops', '--uses', '2', '--home', home.a, '--listen', `/ip4/127.0.0.1/tcp/${port}`])).stdout.trim()
  const hubArgs = ['--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`]
  const net = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`]
  const admit = new Proc(['listen', 'ops', ...hubArgs])
  procs.push(admit)
  await admit.waitForStderr(/listening to ops/)
  for (const h of [home.b, home.c]) assert.equal((await runBinary(['join', ticket, '--home', h, ...net])).code, 0)
  await admit.stop()

  const hub = new Proc(['listen', 'ops', '--count', String(N + 1), '-v', ...hubArgs])
  procs.push(hub)
  await hub.waitForStderr(/listening to ops/)
  const carol = new Proc(['listen', 'ops', '--count', String(N + 1), '-v', '--home', home.c, ...net])
  procs.push(carol)
  await carol.waitForStderr(/keys exchanged with/)
  await hub.waitForStderr(/keys exchanged with/)
  // one line first, so carol holds bob's sender key (alice hands it on) before she freezes
  assert.equal((await runBinary(['send', 'ops', 'warm-up', '--home', home.b, ...net])).code, 0)
  await carol.waitFor('the warm-up line at carol', () => carol.stdout.length === 1)
  carol.child.kill('SIGSTOP')

  const shell = spawn('bash', ['-c', `set -o pipefail; seq -f '%0100g' 1 ${N} | "$0" "$@"`, BINARY, 'send', 'ops', '--home', home.b, ...net], { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  shell.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  assert.equal(await new Promise<number | null>(resolve => shell.on('close', resolve)), 0, stderr)

  // alice has every line and is stopping; carol wakes up only now (a short freeze: a long one
  // fails libp2p's ping and drops the connection, and what it held then waits for catch-up)
  await hub.waitFor(`${N} lines at alice`, () => hub.stdout.length >= N + 1, 60_000)
  await new Promise(resolve => setTimeout(resolve, 200))
  carol.child.kill('SIGCONT')
  await carol.waitFor(`${N} lines at carol`, () => carol.stdout.length >= N + 1, 30_000)
    .catch((err: Error) => { throw new Error(`carol got ${carol.stdout.length - 1} of ${N} lines: ${err.message.slice(0, 300)}\nalice: ${hub.stderr.join('\n')}\ncarol: ${carol.stderr.join('\n')}`) })
  assert.equal(carol.stdout.at(-1)?.endsWith(String(N).padStart(100, '0')), true)
  assert.equal((await hub.exited).code, 0)
  assert.equal((await carol.exited).code, 0)
})
