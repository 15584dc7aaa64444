// The catch-up progress bar on a real pseudo-terminal (util-linux `script`): bob's `listen`, back
// after 600 messages were queued by alice's daemon, shows a bar on the terminal while it catches
// up, and prints every message.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { BINARY, runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

const hasScript = spawnSync('script', ['--version']).status === 0
const N = 600

function post (socketPath: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path }, res => { res.resume().on('end', () => resolve(res.statusCode ?? 0)) })
    req.on('error', reject)
    req.end(body)
  })
}

it('a large catch-up shows a progress bar on a terminal', { timeout: 120_000, skip: hasScript ? false : 'util-linux `script` is not installed' }, async () => {
  const { dir, cleanup } = tempDir('conclave-catchup-tty-')
  const procs: Proc[] = []
  after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })
  const home = { a: `${dir}/a`, b: `${dir}/b` }
  for (const [k, name] of [['a', 'alice'], ['b', 'bob']] as const) await runBinary(['init', '--name', name, '--home', home[k]])
  const port = await freePort()
  const peerA = JSON.parse((await runBinary(['id', '--json', '--home', home.a])).stdout).peerId as string
  const net = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`]
  await runBinary(['create', 'ops', '--home', home.a])
  const ticket = (await runBinary(['invite', 'ops', '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--home', home.a])).stdout.trim()
  const daemon = new Proc(['daemon', '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
  procs.push(daemon)
  await daemon.waitForStderr(/listening on|daemon for/)
  assert.equal((await runBinary(['join', ticket, '--home', home.b, ...net])).code, 0)
  const once = new Proc(['listen', 'ops', '-v', '--home', home.b, ...net])
  await once.waitForStderr(/keys exchanged with/)
  await once.stop()
  // 600 separate messages queued by alice's node while bob is away
  for (let i = 0; i < N; i++) assert.equal(await post(join(home.a, 'conclave.sock'), '/ops', `queued ${i}`), 200)

  const cmd = `${BINARY} listen ops --home ${home.b} ${net.join(' ')}`
  const tty = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { PATH: '/usr/bin:/bin', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let screen = ''
  tty.stdout.setEncoding('utf8').on('data', (d: string) => { screen += d })
  const end = Date.now() + 60_000
  while ((screen.match(/queued \d+/g) ?? []).length < N) {
    if (Date.now() > end) throw new Error(`timed out; screen:\n${screen.slice(-3000)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  tty.kill('SIGTERM')
  assert.match(screen, /catching up ops \[[█░]+\] \d+\/600 messages/)
  assert.match(screen, /\(caught up\) (\x1b\[\d+m)?alice(\x1b\[0m)?: queued 0/)
})
