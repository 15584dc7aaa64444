// The edges scripts and people hit first: piped chat ends with stdin, binary or endless input is
// refused without a trace, a line chat showed is in the store even if you quit at once, Ctrl-C on
// a streaming send delivers what it read and exits 130 (through a node and without), and the
// ticket of `join` can come from stdin, a file or CONCLAVE_TICKET instead of the command line.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BINARY, type RunResult, runBinary } from '../helpers/cli.js'
import { Proc, aliceAndBob, freePort } from '../helpers/proc.js'

interface Shown { id: string, text: string, fromName: string }

const hasScript = spawnSync('script', ['--version']).status === 0

/** Runs the binary with stdin from FILE (e.g. /dev/zero). */
async function withStdinFile (args: string[], file: string, timeoutMs = 20_000): Promise<RunResult> {
  const child = spawn(BINARY, args, { env: { PATH: '/usr/bin:/bin' }, stdio: [openSync(file, 'r'), 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => child.on('close', (c, s) => resolve([c, s])))
  clearTimeout(timer)
  return { code, signal, stdout, stderr }
}

describe('edges', { timeout: 300_000 }, () => {
  let env: Awaited<ReturnType<typeof aliceAndBob>>
  let bob: Proc
  let netA: string[] = []
  const history = async (): Promise<string[]> => (await runBinary(['history', 'ops', '--json', '--limit', '10000', '--home', env.home.a])).stdout.trim().split('\n').filter(l => l !== '').map(l => (JSON.parse(l) as Shown).text)

  before(async () => {
    env = await aliceAndBob('conclave-edges-')
    const bobPort = await freePort()
    const bobPeer = JSON.parse((await runBinary(['id', '--json', '--home', env.home.b])).stdout).peerId as string
    netA = ['--home', env.home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${env.port}`, '--bootstrap', `/ip4/127.0.0.1/tcp/${bobPort}/p2p/${bobPeer}`]
    const admin = new Proc(['listen', 'ops', ...netA])
    env.procs.push(admin)
    await admin.waitForStderr(/listening to ops/)
    // the ticket from a file, kept off the command line
    const ticketFile = join(env.dir, 'ticket.txt')
    writeFileSync(ticketFile, env.ticket + '\n', { mode: 0o600 })
    const joined = await runBinary(['join', '--ticket-file', ticketFile, '--home', env.home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    assert.equal(joined.code, 0, joined.stderr)
    assert.match(joined.stdout, /^ops [a-z2-7]{52}\n$/)
    await admin.stop()
    bob = new Proc(['chat', 'ops', '--json', '--home', env.home.b, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${bobPort}`])
    env.procs.push(bob)
    await bob.waitForStderr(/chatting in 'ops'/)
  })
  after(async () => { await env.cleanup() })

  it('join takes the ticket from stdin (-) and CONCLAVE_TICKET too; with none it says how to give one', async () => {
    const admin = new Proc(['listen', 'ops', ...netA])
    env.procs.push(admin)
    await admin.waitForStderr(/listening to ops/)
    for (const [i, how] of (['stdin', 'env'] as const).entries()) {
      const home = join(env.dir, `carol${i}`)
      const ticket = (await runBinary(['invite', 'ops', '--home', env.home.a])).stdout.trim()
      assert.match(ticket, /^conclave1:/)
      const r = how === 'stdin'
        ? await runBinary(['join', '-', '--home', home, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { input: ticket + '\n' })
        : await runBinary(['join', '--home', home, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { env: { CONCLAVE_TICKET: ticket } })
      assert.equal(r.code, 0, `${how}: ${r.stderr}`)
      assert.match(r.stdout, /^ops [a-z2-7]{52}\n$/, how)
    }
    const none = await runBinary(['join', '--home', join(env.dir, 'nobody')])
    assert.equal(none.code, 2)
    assert.equal(none.stderr, "conclave: error: no ticket given\nconclave: hint: pipe it in with 'conclave join -', or use --ticket-file FILE or CONCLAVE_TICKET\n")
    await admin.stop()
  })

  it('piped chat sends every line and exits 0 at the end of stdin', async () => {
    const r = await runBinary(['chat', 'ops', ...netA], { input: 'piped one\npiped two\n' })
    assert.equal(r.code, 0, r.stderr)
    await bob.waitFor('both piped lines', () => ['piped one', 'piped two'].every(t => bob.json<Shown>().some(m => m.text === t)))
  })

  it('binary or endless input (/dev/zero) into chat or send is a clear error, exit 2, no trace', async () => {
    for (const args of [['chat', 'ops'], ['send', 'ops'], ['send', 'ops', '--whole']]) {
      const r = await withStdinFile([...args, ...netA], '/dev/zero')
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^conclave: error: stdin contains a NUL byte \(at byte 0\): conclave sends text, not binary data\nconclave: hint: /m, args.join(' '))
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
    }
  })

  it('a line interactive chat showed is stored even when you quit at once, alone in the room', { skip: hasScript ? false : 'util-linux `script` is not installed' }, async () => {
    await bob.stop()
    const cmd = `${BINARY} chat ops ${netA.join(' ')}`
    const tty = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { PATH: '/usr/bin:/bin', TERM: 'xterm', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] })
    let screen = ''
    tty.stdout.setEncoding('utf8').on('data', (d: string) => { screen += d })
    const end = Date.now() + 20_000
    while (!screen.includes('ops> ')) {
      assert.ok(Date.now() < end, `no prompt: ${screen}`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    tty.stdin.write('said alone, then quit\r/quit\r')
    const code = await new Promise<number | null>(resolve => tty.on('close', resolve))
    assert.equal(code, 0, screen)
    assert.ok((await history()).includes('said alone, then quit'), 'the line is in the store')
    bob = new Proc(['chat', 'ops', '--json', '--home', env.home.b, '--no-mdns', '--listen', bob.child.spawnargs[bob.child.spawnargs.indexOf('--listen') + 1]!])
    env.procs.push(bob)
    await bob.waitForStderr(/chatting in 'ops'/)
  })

  for (const through of ['without a node', 'through the daemon']) {
    it(`Ctrl-C on a streaming send delivers what it read, says how much, exits 130 (${through})`, async () => {
      let daemon: Proc | undefined
      if (through === 'through the daemon') {
        daemon = new Proc(['daemon', ...netA])
        env.procs.push(daemon)
        await daemon.waitForStderr(/daemon for alice on/)
      }
      const tag = through.replace(/ /g, '-')
      const send = new Proc(['send', 'ops', ...netA])
      env.procs.push(send)
      for (let i = 1; i <= 5; i++) send.write(`${tag} ${i}`)
      await bob.waitFor('the five lines', () => bob.json<Shown>().filter(m => m.text.startsWith(tag)).length === 5, 20_000)
      send.child.kill('SIGINT')
      const done = await send.exited
      assert.equal(done.code, 130, send.stderr.join('\n'))
      assert.ok(send.stderr.includes("conclave: interrupted: 5 line(s) sent to 'ops'"), send.stderr.join('\n'))
      await daemon?.stop()
    })
  }
})
