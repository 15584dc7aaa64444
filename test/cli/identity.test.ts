// End-to-end checks of the built binary: version/help/completion, error voice and exit codes,
// identity creation, encryption at rest, and that no secret ever reaches stdout/stderr.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BINARY, runBinary, tempDir } from '../helpers/cli.js'

const MEMBER_ID = /^[a-z2-7]{52}$/
const PEER_ID = /^12D3KooW[1-9A-HJ-NP-Za-km-z]+$/
const FINGERPRINT = /^\d{5}( \d{5}){5}$/

before(() => {
  assert.ok(existsSync(BINARY), `${BINARY} is missing: run 'npm run build' first`)
})

function assertNoTrace (text: string): void {
  assert.doesNotMatch(text, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace')
}

describe('binary basics', () => {
  it('runs from an empty directory with no node on PATH and prints its version', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const r = await runBinary(['--version'], { cwd: dir })
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^\d+\.\d+\.\d+\S*\n$/)
      assert.equal(r.stderr, '')
    } finally { cleanup() }
  })

  it('starts from the code cache the build trained (src/sea-main.cjs), and sql.js loads from its asset', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const r = await runBinary(['history', 'nowhere', '--home', dir], { env: { CONCLAVE_SEA_DEBUG: '1' } })
      assert.match(r.stderr, /^conclave: code cache used$/m, 'a rejected or missing cache means a slow start on every command')
      assert.match(r.stderr, /unknown room 'nowhere'/, 'the store opened (sql.js wasm from the gzipped asset) and answered')
    } finally { cleanup() }
  })

  it('--help lists the commands, and every command help has an example', async () => {
    const r = await runBinary(['--help'])
    assert.equal(r.code, 0)
    for (const c of ['init', 'id', 'completion']) assert.match(r.stdout, new RegExp(`conclave ${c}`))
    assert.match(r.stdout, /CONCLAVE_/)
    for (const c of ['init', 'id']) {
      const h = await runBinary([c, '--help'])
      assert.equal(h.code, 0)
      assert.match(h.stdout, /Examples:/, `${c} --help has examples`)
    }
  })

  it('prints a shell completion script', async () => {
    const r = await runBinary(['completion'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /complete -o bashdefault -o default -F _conclave_yargs_completions conclave/)
  })

  it('an unknown command exits 2 with an error and a hint, nothing on stdout', async () => {
    const r = await runBinary(['frobnicate'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "conclave: error: unknown command 'frobnicate'\nconclave: hint: run 'conclave --help' for the list of commands\n")
  })

  it('an unknown option exits 2 and points to the command help', async () => {
    const r = await runBinary(['id', '--frob'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "conclave: error: unknown option --frob\nconclave: hint: run 'conclave id --help' for usage\n")
  })

  it('no command at all exits 2', async () => {
    const r = await runBinary([])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^conclave: error: say which command to run\n/)
  })
})

describe('identity', () => {
  let home: string
  let cleanup: () => void
  before(() => { ({ dir: home, cleanup } = tempDir()) })
  after(() => cleanup())

  it('is created on first need with a 0700 home and 0600 file', async () => {
    const r = await runBinary(['id', '--home', home])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^name: {8}\S+\nmember id: {3}[a-z2-7]{52}\npeer id: {5}12D3KooW\S+\nfingerprint: \d{5}( \d{5}){5}\nencrypted: {3}no\n$/)
    assert.match(r.stderr, /created a new identity/)
    assert.equal(statSync(home).mode & 0o777, 0o700)
    assert.equal(statSync(join(home, 'identity.json')).mode & 0o777, 0o600)
  })

  it('is stable across runs and selectable with CONCLAVE_HOME; --json via CONCLAVE_JSON', async () => {
    const a = JSON.parse((await runBinary(['id', '--json', '--home', home])).stdout)
    const b = await runBinary(['id'], { env: { CONCLAVE_HOME: home, CONCLAVE_JSON: 'true' } })
    assert.equal(b.code, 0, b.stderr)
    assert.equal(b.stderr, '')
    assert.deepEqual(JSON.parse(b.stdout), a)
    assert.match(a.memberId, MEMBER_ID)
    assert.match(a.peerId, PEER_ID)
    assert.match(a.fingerprint, FINGERPRINT)
    assert.equal(a.encrypted, false)
  })

  it('init refuses to overwrite an existing identity (exit 2), but renames with --name', async () => {
    const before = readFileSync(join(home, 'identity.json'))
    const r = await runBinary(['init', '--home', home])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^conclave: error: an identity already exists at .*identity\.json\nconclave: hint: /)
    assert.deepEqual(readFileSync(join(home, 'identity.json')), before)
    const id0 = JSON.parse((await runBinary(['id', '--json', '--home', home])).stdout)
    const renamed = await runBinary(['init', '--name', 'Zoë', '--json', '--home', home])
    assert.equal(renamed.code, 0, renamed.stderr)
    const id1 = JSON.parse(renamed.stdout)
    assert.equal(id1.name, 'Zoë')
    assert.equal(id1.memberId, id0.memberId)
    assert.equal(id1.peerId, id0.peerId)
  })

  it('never prints the secret keys', async () => {
    const file = JSON.parse(readFileSync(join(home, 'identity.json'), 'utf8'))
    const seeds = Buffer.from(file.secret.keys, 'base64')
    const r = await runBinary(['id', '-vv', '--home', home])
    for (const secret of [seeds.subarray(0, 32), seeds.subarray(32)]) {
      for (const enc of ['hex', 'base64', 'base64url'] as const) {
        assert.ok(!r.stdout.includes(secret.toString(enc)) && !r.stderr.includes(secret.toString(enc)), `secret leaked as ${enc}`)
      }
    }
  })

  it('a corrupt identity file exits 2 with a clear error and is left untouched', async () => {
    const { dir, cleanup: done } = tempDir()
    try {
      const path = join(dir, 'identity.json')
      for (const content of ['{"type":"conclave-identity"', '{"type":"something-else"}', '\u0000\u0001binary', JSON.stringify({ type: 'conclave-identity', version: 1, name: 'x', created: 'x', memberPublicKey: 'AAAA', peerPublicKey: 'AAAA', secret: { scheme: 'none', keys: 'AA' } })]) {
        writeFileSync(path, content, { mode: 0o600 })
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex')
        const r = await runBinary(['id', '--home', dir])
        assert.equal(r.code, 2, r.stderr)
        assert.match(r.stderr, /^conclave: error: the identity file .*identity\.json is not valid: .+\nconclave: hint: /)
        assertNoTrace(r.stderr)
        assert.equal(r.stdout, '')
        assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), hash)
      }
    } finally { done() }
  })
})

describe('encrypted identity', () => {
  let home: string
  let cleanup: () => void
  before(() => { ({ dir: home, cleanup } = tempDir()) })
  after(() => cleanup())
  const pass = { CONCLAVE_PASSPHRASE: 'correct horse battery staple' }

  it('init --encrypt without a passphrase source fails with exit 2 and a hint', async () => {
    const r = await runBinary(['init', '--encrypt', '--home', home])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'conclave: error: a passphrase is needed to encrypt the identity\nconclave: hint: set CONCLAVE_PASSPHRASE or pass --passphrase-file FILE\n')
    assert.equal(existsSync(join(home, 'identity.json')), false)
  })

  it('init --encrypt stores no plaintext key, and id unlocks it with the passphrase', async () => {
    const r = await runBinary(['init', '--encrypt', '--name', 'alice', '--json', '--home', home], { env: pass })
    assert.equal(r.code, 0, r.stderr)
    const created = JSON.parse(r.stdout)
    assert.equal(created.encrypted, true)
    const file = JSON.parse(readFileSync(join(home, 'identity.json'), 'utf8'))
    assert.equal(file.secret.scheme, 'scrypt-chacha20poly1305')
    assert.equal(file.secret.keys, undefined)
    const again = await runBinary(['id', '--json', '--home', home], { env: pass })
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(JSON.parse(again.stdout), created)
  })

  it('a wrong passphrase exits 2 with "wrong passphrase"', async () => {
    const r = await runBinary(['id', '--home', home], { env: { CONCLAVE_PASSPHRASE: 'wrong' } })
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^conclave: error: wrong passphrase\n/)
    assertNoTrace(r.stderr)
  })

  it('no passphrase and no TTY exits 2 with a hint', async () => {
    const r = await runBinary(['id', '--home', home])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'conclave: error: the identity is encrypted and no passphrase was given\nconclave: hint: set CONCLAVE_PASSPHRASE or pass --passphrase-file FILE\n')
  })

  it('--passphrase-file (and CONCLAVE_PASSPHRASE_FILE) unlock it; a trailing newline is ignored', async () => {
    const { dir, cleanup: done } = tempDir()
    try {
      const f = join(dir, 'pass')
      writeFileSync(f, pass.CONCLAVE_PASSPHRASE + '\n')
      const a = await runBinary(['id', '--home', home, '--passphrase-file', f])
      assert.equal(a.code, 0, a.stderr)
      const b = await runBinary(['id', '--home', home], { env: { CONCLAVE_PASSPHRASE_FILE: f } })
      assert.equal(b.code, 0, b.stderr)
      writeFileSync(f, 'nope\n')
      const c = await runBinary(['id', '--home', home, '--passphrase-file', f])
      assert.equal(c.code, 2)
      assert.match(c.stderr, /^conclave: error: wrong passphrase\n/)
    } finally { done() }
  })

  it('an existing plaintext identity can be encrypted in place, keeping its ids', async () => {
    const { dir, cleanup: done } = tempDir()
    try {
      const plain = JSON.parse((await runBinary(['id', '--json', '--home', dir])).stdout)
      const r = await runBinary(['init', '--encrypt', '--json', '--home', dir], { env: pass })
      assert.equal(r.code, 0, r.stderr)
      const enc = JSON.parse(r.stdout)
      assert.equal(enc.memberId, plain.memberId)
      assert.equal(enc.peerId, plain.peerId)
      assert.equal(enc.encrypted, true)
      assert.equal((await runBinary(['id', '--home', dir], { env: { CONCLAVE_PASSPHRASE: 'x' } })).code, 2)
    } finally { done() }
  })
})
