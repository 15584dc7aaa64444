// `listen --exec` variables: CONCLAVE_MSG_* carry the metadata, no option of any command reads a
// name of that family, and no CONCLAVE_* variable but CONCLAVE_HOME reaches a child.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import yargs from 'yargs'
import { COMMANDS } from '../../src/cli/app.js'
import { EXEC_ENV_PREFIX, envMiddleware, envName } from '../../src/cli/env.js'
import { EXEC_VARIABLES, execEnvironment } from '../../src/cli/exec.js'
import type { ShownMessage } from '../../src/room/shown.js'
import { runInProcess } from '../helpers/cli.js'

const message: ShownMessage = {
  room: 'ops',
  roomId: 'r'.repeat(52),
  id: 'a'.repeat(64),
  from: 'm'.repeat(52),
  fromName: 'bob',
  ts: '2026-12-03T12:00:00.000Z',
  text: 'hello',
  title: 'disk',
  priority: 5,
  tags: ['disk', 'db1']
}

test('the exec variables are CONCLAVE_MSG_*', () => {
  assert.deepEqual(EXEC_VARIABLES, [
    'CONCLAVE_MSG_ROOM', 'CONCLAVE_MSG_ROOM_ID', 'CONCLAVE_MSG_ID', 'CONCLAVE_MSG_FROM', 'CONCLAVE_MSG_FROM_NAME',
    'CONCLAVE_MSG_TS', 'CONCLAVE_MSG_TITLE', 'CONCLAVE_MSG_PRIORITY', 'CONCLAVE_MSG_TAGS'
  ])
})

test('no option of any command is read from an exec variable', async () => {
  for (const command of COMMANDS) {
    const name = command.command.split(' ')[0]!
    const help = await runInProcess([name, '--help'])
    assert.equal(help.code, 0, help.stderr)
    const options = [...help.stdout.matchAll(/(?:^|\s)--([a-z][a-z0-9-]*)/g)].map(m => m[1]!)
    assert.ok(options.includes('home') && options.length > 3, `${name}: options found in --help: ${options.join(', ')}`)
    for (const option of options) {
      const variable = envName(option)
      assert.ok(!variable.startsWith(EXEC_ENV_PREFIX), `${name} --${option} would be read from ${variable}`)
      assert.ok(!EXEC_VARIABLES.includes(variable), `${name} --${option} collides with ${variable}`)
    }
  }
})

test('an option whose variable would be CONCLAVE_MSG_* is never filled from the environment', async () => {
  const env = { CONCLAVE_MSG_TITLE: 'from a message', CONCLAVE_OTHER: 'flag' }
  const argv = ['x', '--unrelated']
  const seen = await new Promise<Record<string, unknown>>((resolve, reject) => {
    yargs()
      .middleware(envMiddleware(env, argv) as any, true)
      .command('x', 'test', y => y.option('msg-title', { type: 'string' }).option('other', { type: 'string' }).option('unrelated', { type: 'boolean' }), args => resolve(args))
      .fail((msg, err) => reject(err ?? new Error(msg)))
      .parseAsync(argv).catch(reject)
  })
  assert.equal(seen.msgTitle, undefined)
  assert.equal(seen.other, 'flag', 'other options are still read')
})

test('a child gets the metadata, CONCLAVE_HOME and nothing else of CONCLAVE_*', () => {
  const base = {
    PATH: '/usr/bin:/bin',
    OUT: '/tmp/x',
    CONCLAVE_HOME: '/env/home',
    CONCLAVE_PASSPHRASE: 'secret',
    CONCLAVE_PASSPHRASE_FILE: '/secret/file',
    CONCLAVE_TOKEN: 'token',
    CONCLAVE_TICKET: 'conclave1:x',
    CONCLAVE_TITLE: 'would be send --title',
    CONCLAVE_MSG_EXTRA: 'stale'
  }
  const expected = {
    PATH: '/usr/bin:/bin',
    OUT: '/tmp/x',
    CONCLAVE_HOME: '/env/home',
    CONCLAVE_MSG_ROOM: 'ops',
    CONCLAVE_MSG_ROOM_ID: message.roomId,
    CONCLAVE_MSG_ID: message.id,
    CONCLAVE_MSG_FROM: message.from,
    CONCLAVE_MSG_FROM_NAME: 'bob',
    CONCLAVE_MSG_TS: '2026-12-03T12:00:00.000Z',
    CONCLAVE_MSG_TITLE: 'disk',
    CONCLAVE_MSG_PRIORITY: '5',
    CONCLAVE_MSG_TAGS: 'disk,db1'
  }
  assert.deepEqual(execEnvironment(message, base), expected)
  assert.deepEqual(execEnvironment(message, base, '/cli/home'), { ...expected, CONCLAVE_HOME: '/cli/home' }, '--home wins')
  assert.equal(execEnvironment(message, { PATH: '/bin' }, 'rel/home').CONCLAVE_HOME, `${process.cwd()}/rel/home`, 'made absolute')
  assert.equal(execEnvironment(message, { PATH: '/bin' }).CONCLAVE_HOME, undefined)
})

test('no title / no priority are empty strings, no tags an empty list', () => {
  const env = execEnvironment({ ...message, title: null, priority: null, tags: [] }, {})
  assert.deepEqual([env.CONCLAVE_MSG_TITLE, env.CONCLAVE_MSG_PRIORITY, env.CONCLAVE_MSG_TAGS], ['', '', ''])
})
