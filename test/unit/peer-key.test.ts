// The peer key derived with node:crypto is the one @libp2p/crypto derives itself (same peer id, signs and verifies).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { it } from 'node:test'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { peerIdFromSeed, peerPrivateKeyFromSeed } from '../../src/transport/peer-key.js'

it('matches @libp2p/crypto on random seeds', async () => {
  for (let i = 0; i < 25; i++) {
    const seed = new Uint8Array(randomBytes(32))
    const reference = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString()
    assert.equal(await peerIdFromSeed(seed), reference)
    const key = await peerPrivateKeyFromSeed(seed)
    const msg = new Uint8Array(randomBytes(40))
    assert.ok(await key.publicKey.verify(msg, await key.sign(msg)))
  }
  await assert.rejects(peerPrivateKeyFromSeed(new Uint8Array(31)), { name: 'TypeError', message: '"seed" expected 32 bytes, got 31' })
})
