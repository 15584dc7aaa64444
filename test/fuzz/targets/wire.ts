// Decoder targets, found rather than listed: every exported decode* function of every src/wire module
// (handshake messages included, whatever they are called after a redesign), seeded with encodings
// built by the matching encode* function from samples synthesized off topics/*.proto, plus the vectors.
import { readdirSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import { equals } from 'uint8arrays'
import { oracle, type Target, type Verdict } from '../harness.js'
import { bytesFrom } from '../mutate.js'
import { knownBytes, vectorSeeds } from '../corpus.js'
import { VARIANTS, learnFromError, loadSchema, messageForDecoder, samples, type ProtoSchema, type Synth } from '../proto-samples.js'

const WIRE = new URL('../../../src/wire/', import.meta.url)
const TOPICS = new URL('../../../topics/', import.meta.url)

type Fn = (...args: any[]) => any
export interface WireModule { area: string, exports: Record<string, unknown> }

/** Exported decode* functions that are not "decode one byte string", and what covers them instead. */
export const NOT_GENERIC: Record<string, string> = {
  decodeTicketText: 'reads a text line with a hash function: test/fuzz/targets/ticket-text.ts',
  decodeLimited: 'the size / protobuf / canonical-form helper the membership, ticket and handshake decoders are built on: fuzzed through each of them'
}

/**
 * Decoders whose accepted input may re-encode to other bytes, and why; for them the oracle checks
 * that the decoded value survives encode → decode instead of comparing bytes.
 */
export const VALUE_ROUND_TRIP: Record<string, string> = {
  decodePayload: "padding bytes and how the padding is split are the sender's choice, and sit inside the AEAD",
  decodeCanonicalPayload: 'as decodePayload',
  decodePayloadGeneric: 'as decodePayload'
}

let modules: WireModule[] | undefined

/** Every src/wire module, by file name. */
export async function wireModules (): Promise<WireModule[]> {
  modules ??= await Promise.all(readdirSync(WIRE).filter(f => f.endsWith('.ts')).sort()
    .map(async f => ({ area: f.replace(/\.ts$/, ''), exports: await import(new URL(f, WIRE).href) as Record<string, unknown> })))
  return modules
}

/** The protons codecs of topics/*.ts by message name. */
async function protonsCodecs (schema: ProtoSchema): Promise<Map<string, { encode: Fn }>> {
  const files = new Set([...schema.messages.values()].map(m => m.file.replace(/\.proto$/, '.ts')))
  const out = new Map<string, { encode: Fn }>()
  for (const f of files) {
    const mod = await import(new URL(f, TOPICS).href) as Record<string, unknown>
    for (const m of schema.messages.values()) {
      const ns = mod[m.name] as { encode?: Fn } | undefined
      if (m.file.replace(/\.proto$/, '.ts') === f && typeof ns?.encode === 'function') out.set(m.name, ns as { encode: Fn })
    }
  }
  return out
}

function decoders (mods: WireModule[]): Array<{ area: string, name: string, fn: Fn, mod: WireModule }> {
  return mods.flatMap(mod => Object.entries(mod.exports)
    .filter(([name, fn]) => name.startsWith('decode') && typeof fn === 'function')
    .map(([name, fn]) => ({ area: mod.area, name, fn: fn as Fn, mod })))
}

/** True when FN takes BYTES (returns a value, not undefined, and does not throw). */
function accepts (fn: Fn, bytes: Uint8Array): boolean {
  try {
    return fn(bytes) !== undefined
  } catch {
    return false
  }
}

/** The base name of a decoder: decodeCanonicalX / decodeXGeneric / decodeX → X. */
const baseName = (name: string): string => name.replace(/^decode/, '').replace(/^Canonical/, '').replace(/Generic$/, '')

function check (name: string, fn: Fn, encode: Fn | undefined, generic: Fn | undefined) {
  const byValue = name in VALUE_ROUND_TRIP
  return (bytes: Uint8Array): Verdict => {
    const value = fn(bytes) // a throw is classified by the harness: named error = rejection, else escape
    if (value === undefined) return 'reject' // a fast path declining: the generic path decides
    return oracle(name, () => {
      if (generic !== undefined && !isDeepStrictEqual(generic(bytes), value)) return { accept: 'the fast path and the generic path disagree' }
      if (encode === undefined) return 'ok'
      const again = encode(value) as Uint8Array
      if (byValue) return isDeepStrictEqual(fn(again), value) ? 'ok' : { accept: 'the decoded value does not survive encode → decode' }
      return equals(again, bytes) ? 'ok' : { accept: 'accepted a second byte form (the decoded value re-encodes to other bytes)' }
    })
  }
}

export interface WireCoverage {
  targets: Array<Target<Uint8Array>>
  /** decode* exports that neither get a generic target nor are listed in NOT_GENERIC: a driver is missing. */
  uncovered: string[]
}

/** One target per exported decode* of src/wire (see NOT_GENERIC for the exceptions). */
export async function wireTargets (): Promise<WireCoverage> {
  const mods = await wireModules()
  const schema = loadSchema(TOPICS)
  const codecs = await protonsCodecs(schema)
  const synth: Synth = {
    schema,
    known: knownBytes(),
    lengths: new Map(),
    encode: (message, sample) => {
      for (const mod of mods) {
        const enc = mod.exports[`encode${message}`]
        if (typeof enc !== 'function') continue
        try {
          const out = (enc as Fn)(sample)
          if (out instanceof Uint8Array) return out
        } catch {} // the wire encoder takes another shape than protons' object: use protons
      }
      const codec = codecs.get(message)
      if (codec === undefined) throw new Error(`no protons codec for ${message}`)
      return codec.encode(sample)
    }
  }
  const vectors = vectorSeeds()
  const uncovered: string[] = []
  const found: Array<{ area: string, name: string, fn: Fn, mod: WireModule, seeds: Uint8Array[] }> = []
  for (const d of decoders(mods)) {
    if (d.name in NOT_GENERIC) continue
    if (d.fn.length !== 1) { uncovered.push(`src/wire/${d.area}.ts ${d.name} (takes ${d.fn.length} arguments)`); continue }
    const message = messageForDecoder(schema, d.name)
    const seeds: Uint8Array[] = [...(message === undefined ? [] : vectors[message.name] ?? [])]
    if (message !== undefined) {
      for (let attempt = 0; attempt < 8; attempt++) { // learn field lengths from the decoder's own refusals
        const built = samples(synth, message.name).map(s => synth.encode(message.name, s))
        const refused = built.map(b => { try { d.fn(b); return undefined } catch (err) { return err } }).filter(e => e !== undefined)
        if (built.length > 0 && refused.length === 0) break
        if (!refused.some(err => learnFromError(synth, message.name, err))) break
      }
      for (const variant of VARIANTS) seeds.push(...samples(synth, message.name, 0, variant).map(s => synth.encode(message.name, s)))
    }
    found.push({ ...d, seeds })
  }
  // a decoder without a message of its own starts from every other decoder's seeds of its module (and random bytes)
  for (const d of found) if (d.seeds.length === 0) d.seeds.push(...found.filter(o => o.mod === d.mod).flatMap(o => o.seeds))
  const targets = found.map(({ area, name, fn, mod, seeds }): Target<Uint8Array> => {
    const base = baseName(name)
    const encode = mod.exports[`encode${base}`] as Fn | undefined
    const generic = name.startsWith('decodeCanonical') ? mod.exports[`decode${base}Generic`] as Fn | undefined : undefined
    return {
      name: `${area}/${name}`,
      arbitrary: bytesFrom(seeds),
      check: check(name, fn, typeof encode === 'function' ? encode : undefined, typeof generic === 'function' ? generic : undefined),
      seeds: seeds.length,
      validSeeds: seeds.filter(s => accepts(fn, s)).length
    }
  })
  return { targets, uncovered }
}
