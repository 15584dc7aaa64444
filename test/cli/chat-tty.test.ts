// Interactive chat on a real pseudo-terminal (util-linux `script`): incoming lines are printed
// above the prompt without tearing it, nicknames are colored, /members and /quit work.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { after, it } from 'node:test'
import { BINARY, runBinary } from '../helpers/cli.js'
import { Proc, aliceAndBob } from '../helpers/proc.js'

const hasScript = spawnSync('script', ['--version']).status === 0

it('interactive chat shows incoming messages above an intact prompt', { timeout: 90_000, skip: hasScript ? false : 'util-linux `script` is not installed' }, async () => {
  const { home, port, peerA, ticket, procs, cleanup } = await aliceAndBob('conclave-tty-')
  after(cleanup)

  // alice on a terminal
  const cmd = `${BINARY} chat ops --home ${home.a} --no-mdns --listen /ip4/127.0.0.1/tcp/${port}`
  const tty = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { PATH: '/usr/bin:/bin', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let screen = ''
  tty.stdout.setEncoding('utf8').on('data', (d: string) => { screen += d })
  const until = async (what: string, cond: () => boolean, ms = 20_000): Promise<void> => {
    const end = Date.now() + ms
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  await until('the prompt', () => screen.includes('ops> '))

  const j = await runBinary(['join', ticket, '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
  assert.equal(j.code, 0, j.stderr)
  const bob = new Proc(['chat', 'ops', '--json', '-v', '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`])
  procs.push(bob)
  await bob.waitForStderr(/keys exchanged with/)
  await new Promise(resolve => setTimeout(resolve, 1000))

  tty.stdin.write('half-typed')
  await new Promise(resolve => setTimeout(resolve, 300))
  bob.write('hi from bob')
  await until("bob's line", () => /bob\x1b\[0m: hi from bob/.test(screen))
  // the prompt comes back with what alice had typed so far
  await until('the prompt redrawn with the half-typed input', () => /ops> .*half-typed/.test(screen.slice(screen.indexOf('hi from bob'))))
  assert.match(screen, /\x1b\[\d+mbob\x1b\[0m/, 'the nickname is colored')

  tty.stdin.write('\x15hello from the terminal\r') // Ctrl-U clears the half-typed line first
  await bob.waitFor('alice', () => bob.json<{ text: string, fromName: string }>().some(m => m.text === 'hello from the terminal' && m.fromName === 'alice'))

  tty.stdin.write('/members\r')
  await until('/members', () => /bob\s+member\s+[a-z2-7]{52}/.test(screen) && /alice \(you\)\s+admin/.test(screen))
  tty.stdin.write('/quit\r')
  const code = await new Promise<number | null>(resolve => tty.on('close', resolve))
  assert.equal(code, 0, screen)
})
