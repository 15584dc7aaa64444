// Journal record codec: the SQL statements and bound parameters of one write as compact bytes.
//
// payload = u32 seq · varint nSql · nSql × (varint len · UTF-8 SQL)
//           · varint nStatements · nStatements × (varint sqlIndex · u8 paramsKind · params)
// paramsKind 0: none (the SQL runs through sqlite3_exec, several statements allowed)
//            1: positional: varint n · n × value
//            2: named:      varint n · n × (varint len · UTF-8 name · value)
// value      u8 tag 0 null | 1 f64 LE | 2 text (varint len · UTF-8) | 3 blob (varint len · bytes)
// Each distinct SQL text is stored once per record, so a batch of 10,000 identical INSERTs costs
// the SQL once and then only its parameters.
import type { SqlValue } from 'sql.js'

export type { SqlValue }
export type SqlParams = SqlValue[] | Record<string, SqlValue>
export type SqlStatement = [sql: string, params?: SqlParams]

export interface JournalRecord {
  /** 0-based position of the record in its journal; checked at replay. */
  seq: number
  statements: SqlStatement[]
}

const PARAMS_NONE = 0
const PARAMS_POSITIONAL = 1
const PARAMS_NAMED = 2
const TAG_NULL = 0
const TAG_NUMBER = 1
const TAG_TEXT = 2
const TAG_BLOB = 3

/** A growable byte buffer with the few primitives the record format needs. */
class Writer {
  buf: Buffer
  pos = 0

  constructor (initial: number) {
    this.buf = Buffer.allocUnsafe(initial)
  }

  private reserve (n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  u8 (v: number): void {
    this.reserve(1)
    this.buf[this.pos++] = v
  }

  u32 (v: number): void {
    this.reserve(4)
    this.buf.writeUInt32LE(v, this.pos)
    this.pos += 4
  }

  varint (v: number): void {
    this.reserve(5)
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    this.buf[this.pos++] = v
  }

  f64 (v: number): void {
    this.reserve(8)
    this.buf.writeDoubleLE(v, this.pos)
    this.pos += 8
  }

  text (s: string): void {
    const n = Buffer.byteLength(s, 'utf8')
    this.varint(n)
    this.reserve(n)
    this.pos += this.buf.write(s, this.pos, n, 'utf8')
  }

  bytes (b: Uint8Array): void {
    this.varint(b.length)
    this.reserve(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  /** The bytes written so far (a view, not a copy). */
  result (): Buffer {
    return this.buf.subarray(0, this.pos)
  }
}

class Reader {
  pos = 0
  constructor (readonly buf: Buffer) {}

  private need (n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError(`record truncated at byte ${this.pos}`)
  }

  u8 (): number {
    this.need(1)
    return this.buf[this.pos++]!
  }

  u32 (): number {
    this.need(4)
    const v = this.buf.readUInt32LE(this.pos)
    this.pos += 4
    return v
  }

  varint (): number {
    let v = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8()
      v += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return v
    }
    throw new RangeError(`varint too long at byte ${this.pos}`)
  }

  f64 (): number {
    this.need(8)
    const v = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return v
  }

  text (): string {
    const n = this.varint()
    this.need(n)
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }

  bytes (): Uint8Array {
    const n = this.varint()
    this.need(n)
    const b = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.pos, n)
    this.pos += n
    return b
  }
}

function writeValue (w: Writer, v: SqlValue, where: string): void {
  if (v === null) {
    w.u8(TAG_NULL)
  } else if (typeof v === 'number') {
    w.u8(TAG_NUMBER)
    w.f64(v)
  } else if (typeof v === 'string') {
    w.u8(TAG_TEXT)
    w.text(v)
  } else if (v instanceof Uint8Array) {
    w.u8(TAG_BLOB)
    w.bytes(v)
  } else {
    throw new TypeError(`${where} expected number, string, Uint8Array or null, got ${typeof v}`)
  }
}

function readValue (r: Reader): SqlValue {
  const tag = r.u8()
  switch (tag) {
    case TAG_NULL: return null
    case TAG_NUMBER: return r.f64()
    case TAG_TEXT: return r.text()
    case TAG_BLOB: return r.bytes()
    default: throw new RangeError(`unknown value tag ${tag} at byte ${r.pos - 1}`)
  }
}

/** Encode one write. Throws TypeError on a parameter sql.js could not bind, before anything runs. */
export function encodeRecord (record: JournalRecord): Buffer {
  const sqlIndex = new Map<string, number>()
  for (const [sql] of record.statements) {
    if (typeof sql !== 'string') throw new TypeError(`"sql" expected string, got ${typeof sql}`)
    if (!sqlIndex.has(sql)) sqlIndex.set(sql, sqlIndex.size)
  }
  // 2 KiB: one chat message and its chain state fit without growing, from Buffer's pool
  const w = new Writer(2048)
  w.u32(record.seq)
  w.varint(sqlIndex.size)
  for (const sql of sqlIndex.keys()) w.text(sql)
  w.varint(record.statements.length)
  for (const [i, [sql, params]] of record.statements.entries()) {
    w.varint(sqlIndex.get(sql)!)
    if (params === undefined || params === null) {
      w.u8(PARAMS_NONE)
    } else if (Array.isArray(params)) {
      w.u8(PARAMS_POSITIONAL)
      w.varint(params.length)
      for (const [j, v] of params.entries()) writeValue(w, v, `statement ${i} parameter ${j + 1}`)
    } else if (typeof params === 'object') {
      const keys = Object.keys(params)
      w.u8(PARAMS_NAMED)
      w.varint(keys.length)
      for (const k of keys) {
        w.text(k)
        writeValue(w, params[k]!, `statement ${i} parameter ${k}`)
      }
    } else {
      throw new TypeError(`statement ${i} "params" expected array or object, got ${typeof params}`)
    }
  }
  return w.result()
}

/** Decode one record. Throws RangeError on bytes that are not a record of this format. */
export function decodeRecord (payload: Buffer): JournalRecord {
  const r = new Reader(payload)
  const seq = r.u32()
  const nSql = r.varint()
  if (nSql > payload.length) throw new RangeError(`implausible SQL count ${nSql}`)
  const sqls: string[] = []
  for (let i = 0; i < nSql; i++) sqls.push(r.text())
  const n = r.varint()
  if (n > payload.length) throw new RangeError(`implausible statement count ${n}`)
  const statements: SqlStatement[] = []
  for (let i = 0; i < n; i++) {
    const sql = sqls[r.varint()]
    if (sql === undefined) throw new RangeError(`statement ${i} refers to a missing SQL text`)
    const kind = r.u8()
    if (kind === PARAMS_NONE) {
      statements.push([sql])
    } else if (kind === PARAMS_POSITIONAL) {
      const count = r.varint()
      if (count > payload.length) throw new RangeError(`implausible parameter count ${count}`)
      const params: SqlValue[] = []
      for (let j = 0; j < count; j++) params.push(readValue(r))
      statements.push([sql, params])
    } else if (kind === PARAMS_NAMED) {
      const count = r.varint()
      if (count > payload.length) throw new RangeError(`implausible parameter count ${count}`)
      const params: Record<string, SqlValue> = {}
      for (let j = 0; j < count; j++) {
        const k = r.text()
        params[k] = readValue(r)
      }
      statements.push([sql, params])
    } else {
      throw new RangeError(`unknown parameter kind ${kind} in statement ${i}`)
    }
  }
  if (r.pos !== payload.length) throw new RangeError(`${payload.length - r.pos} stray bytes after the last statement`)
  return { seq, statements }
}
