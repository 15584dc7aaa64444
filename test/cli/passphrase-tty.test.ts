// The passphrase prompt on a real pseudo-terminal (util-linux `script`): it reads the terminal
// (/dev/tty), never stdin, without echo. `init --encrypt` asks twice, `id` once, `chat` works
// after the prompt, and `printf … | conclave send` takes the passphrase from the terminal while
// its stdin stays the message.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { BINARY, runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

const hasScript = spawnSync('script', ['--version']).status === 0
const PASSPHRASE = 'correct horse battery'

/** CMD (a shell command line) on a fresh pty; what it shows, typing, and its exit code. */
function onPty (cmd: string): { screen: () => string, type: (keys: string) => void, until: (what: string, cond: (screen: string) => boolean) => Promise<void>, exited: Promise<number | null> } {
  const tty = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { PATH: '/usr/bin:/bin', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let screen = ''
  tty.stdout.setEncoding('utf8').on('data', (d: string) => { screen += d })
  const exited = new Promise<number | null>(resolve => tty.on('close', resolve))
  const timer = setTimeout(() => tty.kill('SIGKILL'), 60_000)
  void exited.then(() => clearTimeout(timer))
  return {
    screen: () => screen,
    type: keys => { tty.stdin.write(keys) },
    until: async (what, cond) => {
      const end = Date.now() + 20_000
      while (!cond(screen)) {
        if (Date.now() > end || tty.exitCode !== null) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    },
    exited
  }
}

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1

describe('passphrase prompt on a terminal', { timeout: 180_000, skip: hasScript ? false : 'util-linux `script` is not installed' }, () => {
  const { dir, cleanup } = tempDir('conclave-pass-tty-')
  const procs: Proc[] = []
  after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })
  const home = join(dir, 'enc')

  it('init --encrypt asks twice on the terminal, without echo, and encrypts the identity', async () => {
    const pty = onPty(`${BINARY} init --encrypt --name carol --home ${home}`)
    await pty.until('the first prompt', s => s.includes('New passphrase: '))
    pty.type(PASSPHRASE + '\r')
    await pty.until('the second prompt', s => s.includes('Repeat passphrase: '))
    pty.type(PASSPHRASE + '\r')
    assert.equal(await pty.exited, 0, pty.screen())
    assert.match(pty.screen(), /created identity 'carol'/)
    assert.ok(!pty.screen().includes(PASSPHRASE), `the passphrase was echoed:\n${pty.screen()}`)
    assert.equal(JSON.parse(readFileSync(join(home, 'identity.json'), 'utf8')).secret.scheme, 'scrypt-chacha20poly1305')
    const locked = await runBinary(['id', '--home', home])
    assert.equal(locked.code, 2)
    assert.equal(locked.stderr, 'conclave: error: the identity is encrypted and no passphrase was given\nconclave: hint: set CONCLAVE_PASSPHRASE or pass --passphrase-file FILE\n')
  })

  it('id prompts once and works; Ctrl-C cancels', async () => {
    const pty = onPty(`${BINARY} id --home ${home}`)
    await pty.until('the prompt', s => s.includes('Passphrase: '))
    pty.type(PASSPHRASE + '\r')
    assert.equal(await pty.exited, 0, pty.screen())
    assert.equal(count(pty.screen(), 'Passphrase: '), 1)
    assert.match(pty.screen(), /carol/)
    assert.ok(!pty.screen().includes(PASSPHRASE))

    const cancelled = onPty(`${BINARY} id --home ${home}`)
    await cancelled.until('the prompt', s => s.includes('Passphrase: '))
    cancelled.type('abc\x03')
    assert.equal(await cancelled.exited, 2, cancelled.screen())
    assert.match(cancelled.screen(), /conclave: error:(\x1b\[0m)? passphrase entry cancelled\r\n/) // red on a terminal
  })

  it('chat on a terminal with an encrypted identity works after the prompt', async () => {
    const pty = onPty(`${BINARY} chat lobby --home ${home} --no-mdns --listen /ip4/127.0.0.1/tcp/0`)
    await pty.until('the passphrase prompt', s => s.includes('Passphrase: '))
    pty.type(PASSPHRASE + '\r')
    await pty.until('the chat prompt', s => s.includes('lobby> '))
    pty.type('/quit\r')
    assert.equal(await pty.exited, 0, pty.screen())
    assert.equal(count(pty.screen(), 'Passphrase: '), 1)
  })

  it('piped stdin: the passphrase comes from the terminal, the piped line is the message', async () => {
    // alice (plain identity) owns 'ops' and listens; bob (encrypted) joins and sends from a pipe.
    const a = join(dir, 'alice')
    const b = join(dir, 'bob')
    const env = { CONCLAVE_PASSPHRASE: 'bob-secret' }
    assert.equal((await runBinary(['init', '--name', 'alice', '--home', a])).code, 0)
    const bobInit = await runBinary(['init', '--name', 'bob', '--encrypt', '--home', b], { env })
    assert.equal(bobInit.code, 0, bobInit.stderr)
    const port = await freePort()
    const peerA = JSON.parse((await runBinary(['id', '--json', '--home', a])).stdout).peerId as string
    assert.equal((await runBinary(['create', 'ops', '--home', a])).code, 0)
    const ticket = (await runBinary(['invite', 'ops', '--home', a, '--listen', `/ip4/127.0.0.1/tcp/${port}`])).stdout.trim()
    const listen = new Proc(['listen', 'ops', '--json', '--count', '1', '--home', a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
    procs.push(listen)
    await listen.waitForStderr(/listening to ops/)
    const joined = await runBinary(['join', ticket, '--home', b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { env })
    assert.equal(joined.code, 0, joined.stderr)

    const pty = onPty(`printf 'hello\\n' | ${BINARY} send ops --home ${b} --no-mdns --listen /ip4/127.0.0.1/tcp/0 --bootstrap /ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`)
    await pty.until('the prompt', s => s.includes('Passphrase: '))
    pty.type('bob-secret\r')
    assert.equal(await pty.exited, 0, pty.screen())
    assert.ok(!pty.screen().includes('bob-secret'))
    const done = await listen.exited
    assert.equal(done.code, 0, listen.stderr.join('\n'))
    assert.deepEqual(listen.json<{ text: string, fromName: string }>().map(m => [m.fromName, m.text]), [['bob', 'hello']])
  })
})
