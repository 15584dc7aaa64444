// Topic-validator target: mutations of real sealed envelopes (the known-answer vectors, one per payload
// bucket and a log-entry payload) under the most permissive context must never be ACCEPTed, and the
// originals must be, so the target can fail both ways.
import { Ed25519PrivateKey } from '../../../src/crypto/index.js'
import { sealEnvelope, validateEnvelope, type ValidationContext } from '../../../src/room/envelope.js'
import { InboundSenderChain, OutboundSenderChain } from '../../../src/room/sender-keys.js'
import type { PayloadInput } from '../../../src/wire/payload.js'
import { ENVELOPE_VECTOR as V, logFixture, unhex, vectorEnvelopes } from '../corpus.js'
import type { Target, Verdict } from '../harness.js'
import { bytesFrom } from '../mutate.js'

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0

export interface ValidatorFixture {
  envelopes: Uint8Array[]
  ctx: ValidationContext
}

/**
 * The vector envelopes (epoch V.epoch) and envelopes sealed at epoch V.epoch + 1 on a chain from
 * the vector's CK_0, with a context that says yes to everything but the cryptography: every sender
 * is a member, nothing was seen, every timestamp is recent, and every (sender, epoch) gets a fresh
 * chain from CK_0 (so a genuine envelope is accepted every time it comes).
 */
export function validatorFixture (): ValidatorFixture {
  const key = Ed25519PrivateKey.fromSeed(unhex(V.memberSeedHex))
  const roomId = unhex(V.roomIdHex)
  const chainKey = unhex(V.chainKey0Hex)
  const nowMs: number = V.envelopes[0].tsMs
  const epoch = V.epoch + 1
  const chain = OutboundSenderChain.fromChainKey({ roomId, epoch, sender: key.publicKey, chainKey })
  const seal = (payload: PayloadInput): Uint8Array => sealEnvelope({ roomId, epoch, senderKey: key, chain, tsMs: nowMs, payload }).bytes
  const sealed = [
    seal({ message: { text: 'a', wantReceipts: true } }),
    ...[600, 3000, 12000, 50000].map(n => seal({ message: { text: 'ü'.repeat(n / 2), title: 'big', tags: ['x'] } })),
    seal({ message: { lines: ['one', 'two', ''], priority: 5 } }),
    seal({ logEntry: logFixture().entries[2]! })
  ]
  const ctx: ValidationContext = {
    roomId,
    memberAt: () => 'member',
    seen: () => false,
    inboundChain: (_sender, e) => InboundSenderChain.fromSenderKey({ roomId, epoch: e, sender: key.publicKey, index: 0, chainKey }),
    relayedChain: () => false,
    nowMs
  }
  return { envelopes: [...vectorEnvelopes(), ...sealed], ctx }
}

export function validatorTarget (): Target<Uint8Array> {
  const { envelopes, ctx } = validatorFixture()
  for (const [i, e] of envelopes.entries()) {
    const r = validateEnvelope(e, ctx)
    if (r.verdict !== 'accept') throw new Error(`validator target: seed envelope ${i} is not accepted (${r.verdict} ${r.reason}): the fixture is broken`)
  }
  const isSeed = (b: Uint8Array): boolean => envelopes.some(e => same(e, b))
  return {
    name: 'validator/validateEnvelope',
    // the small envelopes are the cheap ones: list them more often than the 16 and 60 KiB ones
    arbitrary: bytesFrom([...envelopes.filter(e => e.length < 5000), ...envelopes.filter(e => e.length < 5000), ...envelopes], { maxRandomLength: 1024 }),
    allowed: [], // the validator returns verdicts: it never throws
    seeds: envelopes.length,
    validSeeds: envelopes.length,
    check: (bytes): Verdict => {
      const r = validateEnvelope(bytes, ctx)
      if (r.verdict === 'accept') return isSeed(bytes) ? 'ok' : { accept: 'the validator ACCEPTed a mutated envelope' }
      if (isSeed(bytes)) return { accept: `the validator refused a genuine envelope (${r.verdict} ${r.reason})` }
      return { reject: `${r.verdict} ${r.reason}` }
    }
  }
}
