// Identity vault: fingerprint known answer, redaction of secrets, tamper and bad-input handling.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { describe, it } from 'node:test'
import { CorruptFileError, WrongPassphraseError } from '../../src/errors.js'
import { IdentityVault, fingerprint, memberIdFromPublicKey, publicKeyFromMemberId, validateDisplayName } from '../../src/room/identity.js'
import { tempDir } from '../helpers/cli.js'
import vectors from '../vectors/identity.json' with { type: 'json' }

const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }
const pass = (s: string) => ({ get: async () => new TextEncoder().encode(s) })
const noPass = { get: async (): Promise<Uint8Array> => { throw new Error('must not ask for a passphrase') } }

describe('fingerprint and member id', () => {
  for (const v of vectors.fingerprint) {
    it(`known answer: ${v.comment}`, () => {
      const pub = Buffer.from(v.memberPublicKey, 'hex')
      assert.equal(memberIdFromPublicKey(pub), v.memberId)
      assert.equal(fingerprint(pub), v.fingerprint)
      assert.deepEqual(Buffer.from(publicKeyFromMemberId(v.memberId)), pub)
    })
  }

  it('rejects strings that are not member ids', () => {
    for (const bad of ['', 'abc', 'z'.repeat(52), 'a'.repeat(51), '1'.repeat(52)]) {
      assert.throws(() => publicKeyFromMemberId(bad), { name: 'UsageError', message: `'${bad}' is not a member id` })
    }
  })

  it('validates display names', () => {
    assert.equal(validateDisplayName('  Zoë  '), 'Zoë')
    assert.throws(() => validateDisplayName('   '), { name: 'UsageError', message: 'the display name is empty' })
    assert.throws(() => validateDisplayName('a\u001b[31mb'), { name: 'UsageError', message: 'the display name contains control characters' })
    assert.throws(() => validateDisplayName('x'.repeat(65)), { name: 'UsageError', message: 'the display name is longer than 64 characters' })
  })
})

describe('identity vault', () => {
  it('creates, reloads, and never shows a secret through inspect/JSON/String', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const vault = new IdentityVault({}, { path: join(dir, 'h', 'identity.json'), scrypt: FAST_SCRYPT })
      const created = await vault.create({ name: 'alice' })
      const loaded = await vault.load(noPass)
      assert.equal(loaded.memberId, created.memberId)
      assert.equal(loaded.peerId, created.peerId)
      const file = JSON.parse(readFileSync(vault.path, 'utf8'))
      const seeds = Buffer.from(file.secret.keys, 'base64')
      const shown = [inspect(loaded, { depth: 10, showHidden: true }), JSON.stringify(loaded), String(loaded), inspect(loaded.memberKey), JSON.stringify({ k: loaded.memberKey })].join('\n')
      for (const secret of [seeds.subarray(0, 32), seeds.subarray(32)]) {
        for (const enc of ['hex', 'base64', 'base64url'] as const) assert.ok(!shown.includes(secret.toString(enc)), `leaked as ${enc}`)
        assert.ok(!shown.includes(Array.from(secret).join(', ')), 'leaked as a number list')
      }
      assert.match(inspect(loaded), /<secrets redacted>/)
    } finally { cleanup() }
  })

  it('encrypted: right passphrase opens, wrong one is WrongPassphraseError, tampered header too', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const vault = new IdentityVault({}, { path: join(dir, 'identity.json'), scrypt: FAST_SCRYPT })
      const created = await vault.create({ name: 'bob', passphrase: new TextEncoder().encode('pw') })
      assert.equal((await vault.load(pass('pw'))).memberId, created.memberId)
      await assert.rejects(vault.load(pass('pW')), (err: Error) => err instanceof WrongPassphraseError && err.message === 'wrong passphrase')
      // swap in another public key: the AEAD's associated data no longer matches
      const file = JSON.parse(readFileSync(vault.path, 'utf8'))
      file.memberPublicKey = Buffer.alloc(32, 7).toString('base64')
      writeFileSync(vault.path, JSON.stringify(file))
      await assert.rejects(vault.load(pass('pw')), { name: 'WrongPassphraseError' })
    } finally { cleanup() }
  })

  it('plaintext: a public key that does not match the seed is a corrupt file', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const vault = new IdentityVault({}, { path: join(dir, 'identity.json') })
      await vault.create({ name: 'carol' })
      const file = JSON.parse(readFileSync(vault.path, 'utf8'))
      file.peerPublicKey = Buffer.alloc(32, 1).toString('base64')
      writeFileSync(vault.path, JSON.stringify(file))
      await assert.rejects(vault.load(noPass), (err: Error) => err instanceof CorruptFileError && /the public keys do not match the secret keys$/.test(err.message))
    } finally { cleanup() }
  })

  it('hostile scrypt parameters are refused before any work', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const vault = new IdentityVault({}, { path: join(dir, 'identity.json'), scrypt: FAST_SCRYPT })
      await vault.create({ name: 'dave', passphrase: new TextEncoder().encode('pw') })
      const file = JSON.parse(readFileSync(vault.path, 'utf8'))
      file.secret.N = 2 ** 30
      writeFileSync(vault.path, JSON.stringify(file))
      await assert.rejects(vault.load(pass('pw')), { name: 'CorruptFileError', message: `the identity file ${vault.path} is not valid: scrypt parameter N out of range` })
    } finally { cleanup() }
  })

  it('refuses to overwrite an existing identity', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const vault = new IdentityVault({}, { path: join(dir, 'identity.json') })
      await vault.create({ name: 'erin' })
      const before = readFileSync(vault.path)
      await assert.rejects(vault.create({ name: 'mallory' }), { name: 'UsageError' })
      assert.deepEqual(readFileSync(vault.path), before)
    } finally { cleanup() }
  })
})

describe('fingerprint construction, recomputed with @noble/hashes', () => {
  it('matches the documented construction on random keys', async () => {
    const { sha512 } = await import('@noble/hashes/sha2.js')
    const { randomBytes } = await import('node:crypto')
    for (let n = 0; n < 3; n++) {
      const pub = new Uint8Array(randomBytes(32))
      const enc = new TextEncoder()
      let h = sha512(new Uint8Array([0, 0, ...enc.encode('conclave fingerprint v1'), ...pub, ...enc.encode(memberIdFromPublicKey(pub))]))
      for (let i = 0; i < 5200; i++) h = sha512(new Uint8Array([...h, ...pub]))
      const groups = []
      for (let i = 0; i < 6; i++) {
        let v = 0n
        for (let j = 0; j < 5; j++) v = v * 256n + BigInt(h[i * 5 + j]!)
        groups.push(String(v % 100000n).padStart(5, '0'))
      }
      assert.equal(fingerprint(pub), groups.join(' '))
    }
  })
})
