// Sample messages for the fuzz seeds, read off topics/*.proto: a small .proto parser and a synthesizer
// that fills each field by its name and type (one sample per oneof alternative), so a message added or
// changed in a .proto gets seeds without anyone writing them by hand.
import { readdirSync, readFileSync } from 'node:fs'
import { HANDSHAKE_VERSION } from '../../src/wire/handshake.js'

export interface ProtoField { name: string, camel: string, type: string, repeated: boolean, oneof?: string }
export interface ProtoMessage { name: string, file: string, fields: ProtoField[] }
export interface ProtoSchema {
  messages: Map<string, ProtoMessage>
  /** Enum name → its value names, in order (protons encodes enums by name). */
  enums: Map<string, Array<{ name: string, number: number }>>
}

const SCALARS = new Set(['bytes', 'string', 'bool', 'uint32', 'uint64', 'int32', 'int64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'double', 'float'])
export const camel = (snake: string): string => snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())

/** Parses the proto3 subset the project uses (messages, oneofs, enums, field options). */
export function parseProto (text: string, file: string, into: ProtoSchema): void {
  const tokens = text.replace(/\/\/[^\n]*/g, '').match(/[A-Za-z_][\w.]*|\d+|"[^"]*"|[{}=;[\]]/g) ?? []
  let i = 0
  const next = (): string => tokens[i++] ?? ''
  const expect = (t: string): void => { const got = next(); if (got !== t) throw new Error(`${file}: expected '${t}', got '${got}'`) }
  const skipTo = (t: string): void => { while (i < tokens.length && next() !== t); }
  const field = (fields: ProtoField[], first: string, oneof?: string): void => {
    const repeated = first === 'repeated'
    const type = repeated ? next() : first
    const name = next()
    expect('='); next()
    if (tokens[i] === '[') skipTo(']')
    expect(';')
    fields.push({ name, camel: camel(name), type, repeated, ...(oneof === undefined ? {} : { oneof }) })
  }
  while (i < tokens.length) {
    const t = next()
    if (t === 'enum') {
      const name = next(); expect('{')
      const values: Array<{ name: string, number: number }> = []
      for (let v = next(); v !== '}'; v = next()) { expect('='); values.push({ name: v, number: Number(next()) }); skipTo(';') }
      into.enums.set(name, values)
    } else if (t === 'message') {
      const name = next(); expect('{')
      const fields: ProtoField[] = []
      for (let f = next(); f !== '}'; f = next()) {
        if (f === 'reserved' || f === 'option') {
          skipTo(';')
        } else if (f === 'oneof') {
          const group = next(); expect('{')
          for (let g = next(); g !== '}'; g = next()) field(fields, g, group)
        } else {
          field(fields, f)
        }
      }
      into.messages.set(name, { name, file, fields })
    } else if (t === 'syntax' || t === 'package' || t === 'option' || t === 'import') {
      skipTo(';')
    }
  }
}

/** Every topics/*.proto of the project. */
export function loadSchema (dir: URL): ProtoSchema {
  const schema: ProtoSchema = { messages: new Map(), enums: new Map() }
  for (const f of readdirSync(dir).filter(n => n.endsWith('.proto')).sort()) parseProto(readFileSync(new URL(f, dir), 'utf8'), f, schema)
  return schema
}

/** The message a decoder decodes: decodeX / decodeCanonicalX / decodeXGeneric → X, or the one message named …X. */
export function messageForDecoder (schema: ProtoSchema, decoder: string): ProtoMessage | undefined {
  const base = decoder.replace(/^decode/, '').replace(/^Canonical/, '').replace(/Generic$/, '')
  const exact = schema.messages.get(base)
  if (exact !== undefined) return exact
  const suffix = [...schema.messages.values()].filter(m => m.name.endsWith(base)).sort((a, b) => a.name.length - b.name.length)
  return suffix[0]
}

/** Known byte strings by field name (real entries, keys, peer ids from the vectors), in the caller's hands. */
export type KnownBytes = Record<string, Uint8Array[]>

export interface Synth {
  schema: ProtoSchema
  known: KnownBytes
  /** Encodes a sample of MESSAGE (the caller's wire encoder where it takes the sample, else protons). */
  encode: (message: string, sample: Record<string, unknown>) => Uint8Array
  /** Per-field byte lengths learned from the decoders' own error messages (see repairSample). */
  lengths: Map<string, number>
}

const fill = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7 + 1) & 0xff)

/** The byte length a field of this name most likely has. */
function bytesLength (name: string): number {
  if (/signature|proof/.test(name)) return 64
  if (/nonce/.test(name)) return 16
  if (/ciphertext/.test(name)) return 272
  if (/peer_id/.test(name)) return 38
  return 32
}

/** Which sample: 0 typical values, 1 the largest plausible ones, 2 defaults (zeros, empty strings and lists). */
export type Variant = 0 | 1 | 2
export const VARIANTS: readonly Variant[] = [0, 1, 2]

/** The version each schema file's messages carry (the handshakes are at 2, everything else at 1). */
const VERSIONS: Record<string, number> = { 'handshake.proto': HANDSHAKE_VERSION }

function numberFor (name: string, variant: Variant, file: string): number {
  if (name === 'version') return VERSIONS[file] ?? 1
  if (variant === 2) return 0
  const big = variant === 1
  if (/_ms$|seq/.test(name)) return big ? Number.MAX_SAFE_INTEGER : /_ms$/.test(name) ? 1_700_000_000_000 : 1
  if (/priority/.test(name)) return big ? 5 : 3
  if (/max_uses/.test(name)) return big ? 0xffffffff : 3
  if (/epoch/.test(name)) return big ? 0xffffffff : 2
  return big ? 0xffffffff : 1
}

function stringFor (name: string, variant: Variant): string {
  if (variant === 2) return ''
  if (/name/.test(name)) return variant === 1 ? 'ünï🦀'.repeat(16) : 'alice'
  if (/reason|message|text|line/.test(name)) return variant === 1 ? 'ü🦀 '.repeat(64) : 'hello'
  return variant === 1 ? 'tag-ü' : 'x'
}

/** A byte-field value: a known byte string, the encoding of the message it is named after, or filler. */
function bytesFor (synth: Synth, owner: string, f: ProtoField, depth: number, variant: Variant): Uint8Array {
  const known = synth.known[f.name]
  if (known !== undefined && known.length > 0) return known[0]!
  const learned = synth.lengths.get(`${owner}.${f.name}`)
  if (learned !== undefined) return fill(learned, f.name.length)
  const named = depth < 3 ? [...synth.schema.messages.values()].filter(m => m.name.toLowerCase().endsWith(f.camel.toLowerCase())).sort((a, b) => a.name.length - b.name.length)[0] : undefined
  if (named !== undefined && named.name !== owner) return synth.encode(named.name, samples(synth, named.name, depth + 1, variant)[0]!)
  return fill(bytesLength(f.name), f.name.length)
}

function valueFor (synth: Synth, owner: string, f: ProtoField, depth: number, variant: Variant): unknown {
  if (f.type === 'bytes') return bytesFor(synth, owner, f, depth, variant)
  if (f.type === 'string') return stringFor(f.name, variant)
  if (f.type === 'bool') return variant !== 2
  if (SCALARS.has(f.type)) return numberFor(f.name, variant, synth.schema.messages.get(owner)?.file ?? '')
  const values = synth.schema.enums.get(f.type)
  if (values !== undefined) return (values.find(v => v.number !== 0) ?? values[0])?.name
  return samples(synth, f.type, depth + 1, variant)[0]
}

/**
 * Samples of MESSAGE (protons' object shape, camelCase): one per alternative of its oneof (or one),
 * every other field filled as VARIANT says; repeated fields get one element (two for variant 1,
 * none for variant 2), except padding, which stays empty.
 */
export function samples (synth: Synth, message: string, depth = 0, variant: Variant = 0): Array<Record<string, unknown>> {
  const m = synth.schema.messages.get(message)
  if (m === undefined) return [{}]
  const base: Record<string, unknown> = {}
  const alternatives: ProtoField[] = []
  for (const f of m.fields) {
    if (f.oneof !== undefined) { alternatives.push(f); continue }
    if (f.repeated) {
      const known = f.type === 'bytes' ? synth.known[f.name] : undefined
      const one = (): unknown => valueFor(synth, message, f, depth, variant)
      base[f.camel] = f.name === 'padding' || variant === 2 ? [] : known !== undefined ? [...known] : variant === 1 ? [one(), one()] : [one()]
    } else {
      base[f.camel] = valueFor(synth, message, f, depth, variant)
    }
  }
  if (alternatives.length === 0) return [base]
  const out: Array<Record<string, unknown>> = []
  for (const f of alternatives) {
    const known = f.type === 'bytes' ? synth.known[f.name] ?? [] : []
    if (known.length > 1) { for (const k of known) out.push({ ...base, [f.camel]: k }); continue }
    out.push({ ...base, [f.camel]: valueFor(synth, message, f, depth, variant) })
  }
  return out
}

/**
 * Learns a field length from a decoder's refusal ("…: room_id must be 32 bytes, got 7",
 * '"sender" expected 32 bytes', "…must be 1..128 bytes…") so the next sample has it right.
 * True when something was learned.
 */
export function learnFromError (synth: Synth, message: string, err: unknown): boolean {
  const text = err instanceof Error ? err.message : ''
  const m = /(\w+)"? (?:must be|expected) (\d+)(?:\.\.(\d+))? bytes/.exec(text)
  if (m === null) return false
  const lo = Number(m[2]); const hi = m[3] === undefined ? lo : Number(m[3])
  const key = `${message}.${m[1]}`
  const want = Math.min(hi, Math.max(lo, 32))
  if (synth.lengths.get(key) === want) return false
  synth.lengths.set(key, want)
  return true
}
