// SPEC.md section 2: "positional arguments never come from the environment". CONCLAVE_ROOM,
// CONCLAVE_TEXT, CONCLAVE_ROOMS and CONCLAVE_TICKET must not fill the positionals room, text,
// rooms and ticket, while flags (CONCLAVE_LIMIT …) still come from the environment. In-process.
import '../../src/polyfill.js'
import assert from 'node:assert/strict'
import { after, it } from 'node:test'
import { runInProcess, tempDir } from '../helpers/cli.js'

const { dir: home, cleanup } = tempDir('conclave-envpos-')
after(cleanup)
const net = ['--home', home, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']
const env = { CONCLAVE_ROOM: 'ops', CONCLAVE_TEXT: 'from the environment', CONCLAVE_ROOMS: 'ops', CONCLAVE_TICKET: 'conclave1:fromenv' }
const unknownRoom = (name: string): string =>
  `conclave: error: unknown room '${name}'\nconclave: hint: run 'conclave rooms' to list your rooms, 'conclave join TICKET' to join one\n`
const lastLines = (stderr: string, n = 2): string => stderr.split('\n').slice(-n - 1).join('\n')

it('CONCLAVE_ROOM does not replace the room of members / history', async () => {
  for (const command of ['members', 'history']) {
    const r = await runInProcess([command, 'alerts', ...net], { env })
    assert.equal(r.code, 2, r.stderr)
    assert.equal(lastLines(r.stderr), unknownRoom('alerts'), command)
    assert.equal(r.stdout, '')
  }
})

it('CONCLAVE_TEXT does not become the text of send', async () => {
  // No TEXT given: --wait needs one message, so this is a usage error (with the env text it was not).
  const r = await runInProcess(['send', 'alerts', '--wait', '1', ...net], { env })
  assert.equal(r.code, 2, r.stderr)
  assert.equal(r.stderr, 'conclave: error: --wait works with one message: give TEXT or --whole\nconclave: hint: receipts for a stream of lines are not supported\n')
})

it('CONCLAVE_ROOMS does not replace the rooms of listen', { timeout: 30_000 }, async () => {
  const r = await runInProcess(['listen', 'alerts', '--count', '1', ...net], { env })
  assert.equal(r.code, 2, r.stderr)
  assert.equal(lastLines(r.stderr), unknownRoom('alerts'))
})

it('CONCLAVE_TICKET does not replace the ticket positional of join', async () => {
  const r = await runInProcess(['join', 'nonsense', ...net], { env })
  assert.equal(r.code, 2, r.stderr)
  assert.equal(r.stderr, "conclave: error: the ticket does not start with 'conclave1:'\nconclave: hint: copy the whole line that 'conclave invite' printed, without line breaks\n")
})

it('flags are still filled from the environment', async () => {
  const r = await runInProcess(['history', 'alerts', ...net], { env: { ...env, CONCLAVE_LIMIT: '-1' } })
  assert.equal(r.code, 2, r.stderr)
  assert.equal(r.stderr, 'conclave: error: --limit must be a whole number\n')
  // …but not over the command line
  const given = await runInProcess(['history', 'alerts', '--limit', '5', ...net], { env: { ...env, CONCLAVE_LIMIT: '-1' } })
  assert.equal(lastLines(given.stderr), unknownRoom('alerts'))
})
