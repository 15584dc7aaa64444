import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SyncFrame {
  hello?: Uint8Array<ArrayBuffer>
  have?: Uint8Array<ArrayBuffer>
  page?: Uint8Array<ArrayBuffer>
  refused?: Uint8Array<ArrayBuffer>
}

export namespace SyncFrame {
  let _codec: Codec<SyncFrame>

  export const codec = (): Codec<SyncFrame> => {
    if (_codec == null) {
      _codec = message<SyncFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.refused != null) {
          obj.page = undefined
          obj.have = undefined
          obj.hello = undefined
        }

        if (obj.page != null) {
          obj.refused = undefined
          obj.have = undefined
          obj.hello = undefined
        }

        if (obj.have != null) {
          obj.refused = undefined
          obj.page = undefined
          obj.hello = undefined
        }

        if (obj.hello != null) {
          obj.refused = undefined
          obj.page = undefined
          obj.have = undefined
        }

        if (obj.hello != null) {
          w.uint32(10)
          w.bytes(obj.hello)
        }

        if (obj.have != null) {
          w.uint32(18)
          w.bytes(obj.have)
        }

        if (obj.page != null) {
          w.uint32(26)
          w.bytes(obj.page)
        }

        if (obj.refused != null) {
          w.uint32(34)
          w.bytes(obj.refused)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.hello = reader.bytes()
              break
            }
            case 2: {
              obj.have = reader.bytes()
              break
            }
            case 3: {
              obj.page = reader.bytes()
              break
            }
            case 4: {
              obj.refused = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.refused != null) {
          delete obj.page
          delete obj.have
          delete obj.hello
        }

        if (obj.page != null) {
          delete obj.refused
          delete obj.have
          delete obj.hello
        }

        if (obj.have != null) {
          delete obj.refused
          delete obj.page
          delete obj.hello
        }

        if (obj.hello != null) {
          delete obj.refused
          delete obj.page
          delete obj.have
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.hello`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.have`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.page`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.refused`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncFrameHelloFieldEvent {
    field: '$.hello'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncFrameHaveFieldEvent {
    field: '$.have'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncFramePageFieldEvent {
    field: '$.page'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncFrameRefusedFieldEvent {
    field: '$.refused'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncFrame>): SyncFrame {
    return decodeMessage(buf, SyncFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncFrame>): Generator<SyncFrameHelloFieldEvent | SyncFrameHaveFieldEvent | SyncFramePageFieldEvent | SyncFrameRefusedFieldEvent> {
    return streamMessage(buf, SyncFrame.codec(), opts)
  }
}

export interface SyncHello {
  version: number
  roomId: Uint8Array<ArrayBuffer>
  member: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SyncHello {
  let _codec: Codec<SyncHello>

  export const codec = (): Codec<SyncHello> => {
    if (_codec == null) {
      _codec = message<SyncHello>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.roomId)
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.member)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          roomId: uint8ArrayAlloc(0),
          member: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.roomId = reader.bytes()
              break
            }
            case 3: {
              obj.member = reader.bytes()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncHelloVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SyncHelloRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncHelloMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncHelloSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncHello>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncHello.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncHello>): SyncHello {
    return decodeMessage(buf, SyncHello.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncHello>): Generator<SyncHelloVersionFieldEvent | SyncHelloRoomIdFieldEvent | SyncHelloMemberFieldEvent | SyncHelloSignatureFieldEvent> {
    return streamMessage(buf, SyncHello.codec(), opts)
  }
}

export interface ChainHave {
  epoch: number
  sender: Uint8Array<ArrayBuffer>
  startIndex: number
  nextIndex: number
  missing: number[]
}

export namespace ChainHave {
  let _codec: Codec<ChainHave>

  export const codec = (): Codec<ChainHave> => {
    if (_codec == null) {
      _codec = message<ChainHave>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sender)
        }

        if ((obj.startIndex != null && obj.startIndex !== 0)) {
          w.uint32(24)
          w.uint32(obj.startIndex)
        }

        if ((obj.nextIndex != null && obj.nextIndex !== 0)) {
          w.uint32(32)
          w.uint32(obj.nextIndex)
        }

        if (obj.missing != null && obj.missing.length > 0) {
          for (const value of obj.missing) {
            w.uint32(40)
            w.uint32(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          sender: uint8ArrayAlloc(0),
          startIndex: 0,
          nextIndex: 0,
          missing: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint32()
              break
            }
            case 2: {
              obj.sender = reader.bytes()
              break
            }
            case 3: {
              obj.startIndex = reader.uint32()
              break
            }
            case 4: {
              obj.nextIndex = reader.uint32()
              break
            }
            case 5: {
              if (opts.limits?.missing != null && obj.missing.length === opts.limits.missing) {
                throw new MaxLengthError('Decode error - repeated field "missing" had too many elements')
              }

              obj.missing.push(reader.uint32())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          missing: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.startIndex`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nextIndex`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              if (opts.limits?.missing != null && obj.missing === opts.limits.missing) {
                throw new MaxLengthError('Streaming decode error - repeated field "missing" had too many elements')
              }

              yield {
                field: `${prefix}.missing[]`,
                index: obj.missing,
                value: reader.uint32()
              }

              obj.missing++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChainHaveEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface ChainHaveSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChainHaveStartIndexFieldEvent {
    field: '$.startIndex'
    value: number
  }

  export interface ChainHaveNextIndexFieldEvent {
    field: '$.nextIndex'
    value: number
  }

  export interface ChainHaveMissingFieldEvent {
    field: '$.missing[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<ChainHave>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChainHave.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChainHave>): ChainHave {
    return decodeMessage(buf, ChainHave.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChainHave>): Generator<ChainHaveEpochFieldEvent | ChainHaveSenderFieldEvent | ChainHaveStartIndexFieldEvent | ChainHaveNextIndexFieldEvent | ChainHaveMissingFieldEvent> {
    return streamMessage(buf, ChainHave.codec(), opts)
  }
}

export interface SyncHave {
  chains: ChainHave[]
}

export namespace SyncHave {
  let _codec: Codec<SyncHave>

  export const codec = (): Codec<SyncHave> => {
    if (_codec == null) {
      _codec = message<SyncHave>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.chains != null && obj.chains.length > 0) {
          for (const value of obj.chains) {
            w.uint32(10)
            ChainHave.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chains: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.chains != null && obj.chains.length === opts.limits.chains) {
                throw new MaxLengthError('Decode error - repeated field "chains" had too many elements')
              }

              obj.chains.push(ChainHave.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chains$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          chains: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.chains != null && obj.chains === opts.limits.chains) {
                throw new MaxLengthError('Streaming decode error - repeated field "chains" had too many elements')
              }

              for (const evt of ChainHave.codec().stream(reader, reader.uint32(), `${prefix}.chains[]`, {
                limits: opts.limits?.chains$
              })) {
                yield {
                  ...evt,
                  index: obj.chains
                }
              }

              obj.chains++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncHaveChainsEpochFieldEvent {
    field: '$.chains[].epoch'
    value: number
    index: number
  }

  export interface SyncHaveChainsSenderFieldEvent {
    field: '$.chains[].sender'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncHaveChainsStartIndexFieldEvent {
    field: '$.chains[].startIndex'
    value: number
    index: number
  }

  export interface SyncHaveChainsNextIndexFieldEvent {
    field: '$.chains[].nextIndex'
    value: number
    index: number
  }

  export interface SyncHaveChainsMissingFieldEvent {
    field: '$.chains[].missing[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<SyncHave>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncHave.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncHave>): SyncHave {
    return decodeMessage(buf, SyncHave.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncHave>): Generator<SyncHaveChainsEpochFieldEvent | SyncHaveChainsSenderFieldEvent | SyncHaveChainsStartIndexFieldEvent | SyncHaveChainsNextIndexFieldEvent | SyncHaveChainsMissingFieldEvent> {
    return streamMessage(buf, SyncHave.codec(), opts)
  }
}

export interface SyncPage {
  envelopes: Uint8Array<ArrayBuffer>[]
  done: boolean
  total: number
}

export namespace SyncPage {
  let _codec: Codec<SyncPage>

  export const codec = (): Codec<SyncPage> => {
    if (_codec == null) {
      _codec = message<SyncPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(16)
          w.bool(obj.done)
        }

        if ((obj.total != null && obj.total !== 0)) {
          w.uint32(24)
          w.uint32(obj.total)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          envelopes: [],
          done: false,
          total: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(reader.bytes())
              break
            }
            case 2: {
              obj.done = reader.bool()
              break
            }
            case 3: {
              obj.total = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          envelopes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              yield {
                field: `${prefix}.envelopes[]`,
                index: obj.envelopes,
                value: reader.bytes()
              }

              obj.envelopes++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.total`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncPageEnvelopesFieldEvent {
    field: '$.envelopes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncPageDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export interface SyncPageTotalFieldEvent {
    field: '$.total'
    value: number
  }

  export function encode (obj: Partial<SyncPage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncPage>): SyncPage {
    return decodeMessage(buf, SyncPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncPage>): Generator<SyncPageEnvelopesFieldEvent | SyncPageDoneFieldEvent | SyncPageTotalFieldEvent> {
    return streamMessage(buf, SyncPage.codec(), opts)
  }
}
