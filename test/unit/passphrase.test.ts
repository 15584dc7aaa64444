// The passphrase prompt reads the terminal (CliIo.openTty, /dev/tty in the real process), never
// stdin, in raw mode, and only when someone is at a terminal. A fake terminal drives it here;
// test/cli/passphrase-tty.test.ts does the same on a real pty.
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import type { CliIo, Tty } from '../../src/cli/io.js'
import { passphraseSource } from '../../src/cli/passphrase.js'
import { PassphraseRequiredError, UsageError } from '../../src/errors.js'

interface FakeTty extends Tty { input: PassThrough & { setRawMode: (raw: boolean) => void }, shown: string, modes: boolean[], closed: boolean }

function fakeTty (): FakeTty {
  const input = Object.assign(new PassThrough(), { setRawMode: (raw: boolean) => { tty.modes.push(raw) } })
  const tty: FakeTty = { input, shown: '', modes: [], closed: false, write: text => { tty.shown += text }, close: () => { tty.closed = true } }
  return tty
}

function io (tty: FakeTty | undefined, options: { stdinIsTTY?: boolean, stderrIsTTY?: boolean, stdin?: string } = {}): CliIo & { opened: number, stdin: PassThrough } {
  const stdin = new PassThrough()
  stdin.end(options.stdin ?? '')
  const result = {
    stdin,
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
    stdinIsTTY: options.stdinIsTTY ?? true,
    stderrIsTTY: options.stderrIsTTY ?? true,
    opened: 0,
    openTty: () => { result.opened++; return tty }
  }
  return result
}

/** Types KEYS on the fake terminal once the prompt has been written (one chunk per string). */
function type (tty: FakeTty, ...keys: string[]): void {
  let i = 0
  const next = (): void => {
    if (i >= keys.length) return
    tty.input.write(keys[i++]!)
    setImmediate(next)
  }
  setImmediate(next)
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8')

test('create: asked twice on the terminal, raw mode on and off, nothing echoed', async () => {
  const tty = fakeTty()
  const cli = io(tty, { stdin: 'data\n' })
  type(tty, 'corr', 'ect horse\r', 'correct horse\r')
  assert.equal(text(await passphraseSource(cli, undefined).get('create')), 'correct horse')
  assert.equal(tty.shown, 'New passphrase: \nRepeat passphrase: \n')
  assert.deepEqual(tty.modes, [true, false, true, false])
  assert.equal(tty.closed, true)
  assert.equal(cli.stdin.read()?.toString(), 'data\n', 'stdin was not read')
})

test('create: different answers are refused', async () => {
  const tty = fakeTty()
  type(tty, 'one\r', 'two\r')
  await assert.rejects(passphraseSource(io(tty), undefined).get('create'), (err: unknown) => err instanceof UsageError && err.message === 'the passphrases do not match')
  assert.equal(tty.closed, true)
})

test('both answers typed ahead in one chunk still reach both prompts', async () => {
  const tty = fakeTty()
  type(tty, 'same\rsame\r')
  assert.equal(text(await passphraseSource(io(tty), undefined).get('create')), 'same')
})

test('unlock: one prompt; Backspace (also of a multi-byte character) and Ctrl-U edit the line', async () => {
  const tty = fakeTty()
  type(tty, 'xx\x15', 'pä', '\x7f', 'a', 'ss\x7fs\n')
  assert.equal(text(await passphraseSource(io(tty), undefined).get('unlock')), 'pass')
  assert.equal(tty.shown, 'Passphrase: \n')
})

test('Ctrl-C, Ctrl-D on an empty line, or the terminal closing cancel the prompt', async () => {
  for (const keys of [['ab', '\x03'], ['\x04'], []]) {
    const tty = fakeTty()
    if (keys.length > 0) type(tty, ...keys)
    else setImmediate(() => tty.input.end())
    await assert.rejects(passphraseSource(io(tty), undefined).get('unlock'), (err: unknown) => err instanceof UsageError && err.message === 'passphrase entry cancelled', JSON.stringify(keys))
    assert.deepEqual(tty.modes, [true, false], 'raw mode restored')
    assert.equal(tty.closed, true)
  }
})

test('piped stdin with stderr on a terminal: the prompt reads the terminal, stdin stays data', async () => {
  const tty = fakeTty()
  const cli = io(tty, { stdinIsTTY: false, stderrIsTTY: true, stdin: 'hello\n' })
  type(tty, 'pw\r')
  assert.equal(text(await passphraseSource(cli, undefined).get('unlock')), 'pw')
  assert.equal(cli.stdin.read()?.toString(), 'hello\n')
})

test('no terminal: PassphraseRequiredError, and the terminal is not even opened', async () => {
  const required = (purpose: string) => (err: unknown) => err instanceof PassphraseRequiredError && err.message === purpose && err.hint === 'set CONCLAVE_PASSPHRASE or pass --passphrase-file FILE'
  const noTerminal = io(fakeTty(), { stdinIsTTY: false, stderrIsTTY: false })
  await assert.rejects(passphraseSource(noTerminal, undefined).get('unlock'), required('the identity is encrypted and no passphrase was given'))
  await assert.rejects(passphraseSource(noTerminal, undefined).get('create'), required('a passphrase is needed to encrypt the identity'))
  assert.equal(noTerminal.opened, 0)
  // a terminal on stdin but no /dev/tty to open (or no openTty at all: the in-process default)
  await assert.rejects(passphraseSource(io(undefined), undefined).get('unlock'), required('the identity is encrypted and no passphrase was given'))
  await assert.rejects(passphraseSource({ ...io(undefined), openTty: undefined }, undefined).get('unlock'), required('the identity is encrypted and no passphrase was given'))
})

test('CONCLAVE_PASSPHRASE wins over the terminal', async () => {
  const cli = io(fakeTty())
  cli.env = { CONCLAVE_PASSPHRASE: 'from env' }
  assert.equal(text(await passphraseSource(cli, undefined).get('unlock')), 'from env')
  assert.equal(cli.opened, 0)
})
