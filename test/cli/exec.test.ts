// `listen --exec`: one command per message, text on stdin, verified metadata in CONCLAVE_MSG_*
// variables (read by no option), content never interpreted by a shell, no secret and no other
// CONCLAVE_* variable but CONCLAVE_HOME passed on, a failing command reported and listening
// going on; `--count` waits for the commands to finish.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { runBinary } from '../helpers/cli.js'
import { Proc, aliceAndBob } from '../helpers/proc.js'

it('listen --exec runs a command per message with metadata in the environment', { timeout: 90_000 }, async () => {
  const { dir, home, port, peerA, ticket, procs, cleanup } = await aliceAndBob('conclave-exec-')
  after(cleanup)
  const out = join(dir, 'out')
  const bobId = JSON.parse((await runBinary(['id', '--json', '--home', home.b])).stdout).memberId

  const script = 'mkdir -p "$OUT"; if [ "$CONCLAVE_MSG_TITLE" = fail ]; then exit 3; fi; cat > "$OUT/$CONCLAVE_MSG_ID.txt"; env | grep "^CONCLAVE_" | sort > "$OUT/$CONCLAVE_MSG_ID.env"'
  // Secrets and other CONCLAVE_* variables in the listener's environment must not reach a child.
  const secrets = {
    CONCLAVE_PASSPHRASE: 'hunter2-secret',
    CONCLAVE_PASSPHRASE_FILE: join(dir, 'no-such-passphrase-file'),
    CONCLAVE_TOKEN: 'token-secret',
    CONCLAVE_TICKET: 'conclave1:ticket-secret',
    CONCLAVE_TITLE: 'not-a-message-title',
    CONCLAVE_JOBS: '4'
  }
  const listen = new Proc(['listen', 'ops', '--count', '3', '--exec', script, '--home', home.a, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`], { OUT: out, ...secrets })
  procs.push(listen)
  await listen.waitForStderr(/listening to ops/)
  const joined = await runBinary(['join', ticket, '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
  assert.equal(joined.code, 0, joined.stderr)
  const send = async (args: string[]): Promise<void> => {
    const r = await runBinary(['send', 'ops', ...args, '--home', home.b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peerA}`])
    assert.equal(r.code, 0, r.stderr)
  }
  await send(['this one fails', '--title', 'fail'])
  await send(['$(touch ' + join(dir, 'pwned-text') + '); `touch ' + join(dir, 'pwned-tick') + '`', '--title', '$(touch ' + join(dir, 'pwned-title') + ')', '--priority', 'urgent', '--tag', 'disk', '--tag', 'db1'])
  await send(['plain'])
  const exit = await listen.exited
  assert.equal(exit.code, 0, listen.stderr.join('\n'))
  assert.equal(listen.stdout.length, 0, 'with --exec nothing is printed on stdout')
  assert.ok(listen.stderr.some(l => /^conclave: warning: --exec command exited 3 for message [0-9a-f]{16} in 'ops'$/.test(l)), listen.stderr.join('\n'))

  for (const f of ['pwned-text', 'pwned-tick', 'pwned-title']) assert.equal(existsSync(join(dir, f)), false, `${f}: message content reached a shell`)
  const ids = readdirSync(out).filter(f => f.endsWith('.txt')).map(f => f.slice(0, -4))
  assert.equal(ids.length, 2)
  const byText = Object.fromEntries(ids.map(id => [readFileSync(join(out, `${id}.txt`), 'utf8'), id]))
  const tricky = Object.keys(byText).find(t => t.startsWith('$(touch'))!
  assert.ok(tricky.endsWith('`\n'), 'the text arrives on stdin unchanged, with a newline')
  const envOf = (id: string): Record<string, string> =>
    Object.fromEntries(readFileSync(join(out, `${id}.env`), 'utf8').trim().split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
  const env = envOf(byText[tricky]!)
  assert.deepEqual(Object.keys(env), [
    'CONCLAVE_HOME', 'CONCLAVE_MSG_FROM', 'CONCLAVE_MSG_FROM_NAME', 'CONCLAVE_MSG_ID', 'CONCLAVE_MSG_PRIORITY', 'CONCLAVE_MSG_ROOM',
    'CONCLAVE_MSG_ROOM_ID', 'CONCLAVE_MSG_TAGS', 'CONCLAVE_MSG_TITLE', 'CONCLAVE_MSG_TS'
  ], 'only CONCLAVE_HOME and the message variables reach the command')
  for (const secret of Object.values(secrets).filter(v => v.length > 1)) assert.ok(!readFileSync(join(out, `${byText[tricky]}.env`), 'utf8').includes(secret), secret)
  assert.equal(env.CONCLAVE_HOME, home.a, "the listener's home, so a `conclave send` in CMD uses it")
  assert.equal(env.CONCLAVE_MSG_ROOM, 'ops')
  assert.match(env.CONCLAVE_MSG_ROOM_ID!, /^[a-z2-7]{52}$/)
  assert.equal(env.CONCLAVE_MSG_ID, byText[tricky])
  assert.equal(env.CONCLAVE_MSG_FROM, bobId)
  assert.equal(env.CONCLAVE_MSG_FROM_NAME, 'bob')
  assert.equal(env.CONCLAVE_MSG_TITLE, `$(touch ${join(dir, 'pwned-title')})`)
  assert.equal(env.CONCLAVE_MSG_PRIORITY, '5')
  assert.equal(env.CONCLAVE_MSG_TAGS, 'disk,db1')
  assert.ok(!Number.isNaN(Date.parse(env.CONCLAVE_MSG_TS!)))
  assert.ok(byText['plain\n'] !== undefined)
  const plain = envOf(byText['plain\n']!)
  assert.deepEqual([plain.CONCLAVE_MSG_TITLE, plain.CONCLAVE_MSG_PRIORITY, plain.CONCLAVE_MSG_TAGS], ['', '', ''], 'no title, no priority, no tags')
})
