import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface EnvelopeHeader {
  version: number
  roomId: Uint8Array<ArrayBuffer>
  epoch: number
  sender: Uint8Array<ArrayBuffer>
  index: number
  tsMs: number
}

export namespace EnvelopeHeader {
  let _codec: Codec<EnvelopeHeader>

  export const codec = (): Codec<EnvelopeHeader> => {
    if (_codec == null) {
      _codec = message<EnvelopeHeader>((obj, w, opts = {}) => {
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

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(24)
          w.uint32(obj.epoch)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.sender)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(40)
          w.uint32(obj.index)
        }

        if ((obj.tsMs != null && obj.tsMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.tsMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          roomId: uint8ArrayAlloc(0),
          epoch: 0,
          sender: uint8ArrayAlloc(0),
          index: 0,
          tsMs: 0
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
              obj.epoch = reader.uint32()
              break
            }
            case 4: {
              obj.sender = reader.bytes()
              break
            }
            case 5: {
              obj.index = reader.uint32()
              break
            }
            case 6: {
              obj.tsMs = reader.uint64Number()
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
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.tsMs`,
                value: reader.uint64Number()
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

  export interface EnvelopeHeaderVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface EnvelopeHeaderRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeHeaderEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface EnvelopeHeaderSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeHeaderIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface EnvelopeHeaderTsMsFieldEvent {
    field: '$.tsMs'
    value: number
  }

  export function encode (obj: Partial<EnvelopeHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EnvelopeHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EnvelopeHeader>): EnvelopeHeader {
    return decodeMessage(buf, EnvelopeHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EnvelopeHeader>): Generator<EnvelopeHeaderVersionFieldEvent | EnvelopeHeaderRoomIdFieldEvent | EnvelopeHeaderEpochFieldEvent | EnvelopeHeaderSenderFieldEvent | EnvelopeHeaderIndexFieldEvent | EnvelopeHeaderTsMsFieldEvent> {
    return streamMessage(buf, EnvelopeHeader.codec(), opts)
  }
}

export interface Envelope {
  header: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Envelope {
  let _codec: Codec<Envelope>

  export const codec = (): Codec<Envelope> => {
    if (_codec == null) {
      _codec = message<Envelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.header != null && obj.header.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.header)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ciphertext)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          header: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.header = reader.bytes()
              break
            }
            case 2: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.header`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface EnvelopeHeaderFieldEvent {
    field: '$.header'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Envelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Envelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope {
    return decodeMessage(buf, Envelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeHeaderFieldEvent | EnvelopeCiphertextFieldEvent | EnvelopeSignatureFieldEvent> {
    return streamMessage(buf, Envelope.codec(), opts)
  }
}

export interface Payload {
  message?: Message
  logEntry?: Uint8Array<ArrayBuffer>
  padding: Uint8Array<ArrayBuffer>[]
}

export namespace Payload {
  let _codec: Codec<Payload>

  export const codec = (): Codec<Payload> => {
    if (_codec == null) {
      _codec = message<Payload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.logEntry != null) {
          obj.message = undefined
        }

        if (obj.message != null) {
          obj.logEntry = undefined
        }

        if (obj.message != null) {
          w.uint32(10)
          Message.codec().encode(obj.message, w)
        }

        if (obj.logEntry != null) {
          w.uint32(18)
          w.bytes(obj.logEntry)
        }

        if (obj.padding != null && obj.padding.length > 0) {
          for (const value of obj.padding) {
            w.uint32(122)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          padding: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.message = Message.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.message
              })
              break
            }
            case 2: {
              obj.logEntry = reader.bytes()
              break
            }
            case 15: {
              if (opts.limits?.padding != null && obj.padding.length === opts.limits.padding) {
                throw new MaxLengthError('Decode error - repeated field "padding" had too many elements')
              }

              obj.padding.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.logEntry != null) {
          delete obj.message
        }

        if (obj.message != null) {
          delete obj.logEntry
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          padding: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Message.codec().stream(reader, reader.uint32(), `${prefix}.message`, {
                limits: opts.limits?.message
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.logEntry`,
                value: reader.bytes()
              }
              break
            }
            case 15: {
              if (opts.limits?.padding != null && obj.padding === opts.limits.padding) {
                throw new MaxLengthError('Streaming decode error - repeated field "padding" had too many elements')
              }

              yield {
                field: `${prefix}.padding[]`,
                index: obj.padding,
                value: reader.bytes()
              }

              obj.padding++

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

  export interface PayloadMessageTextFieldEvent {
    field: '$.message.text'
    value: string
  }

  export interface PayloadMessageTitleFieldEvent {
    field: '$.message.title'
    value: string
  }

  export interface PayloadMessagePriorityFieldEvent {
    field: '$.message.priority'
    value: number
  }

  export interface PayloadMessageTagsFieldEvent {
    field: '$.message.tags[]'
    index: number
    value: string
  }

  export interface PayloadMessageLinesFieldEvent {
    field: '$.message.lines[]'
    index: number
    value: string
  }

  export interface PayloadMessageWantReceiptsFieldEvent {
    field: '$.message.wantReceipts'
    value: boolean
  }

  export interface PayloadLogEntryFieldEvent {
    field: '$.logEntry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PayloadPaddingFieldEvent {
    field: '$.padding[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Payload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Payload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payload>): Payload {
    return decodeMessage(buf, Payload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payload>): Generator<PayloadMessageTextFieldEvent | PayloadMessageTitleFieldEvent | PayloadMessagePriorityFieldEvent | PayloadMessageTagsFieldEvent | PayloadMessageLinesFieldEvent | PayloadMessageWantReceiptsFieldEvent | PayloadLogEntryFieldEvent | PayloadPaddingFieldEvent> {
    return streamMessage(buf, Payload.codec(), opts)
  }
}

export interface Message {
  text: string
  title: string
  priority: number
  tags: string[]
  lines: string[]
  wantReceipts: boolean
}

export namespace Message {
  let _codec: Codec<Message>

  export const codec = (): Codec<Message> => {
    if (_codec == null) {
      _codec = message<Message>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(10)
          w.string(obj.text)
        }

        if ((obj.title != null && obj.title !== '')) {
          w.uint32(18)
          w.string(obj.title)
        }

        if ((obj.priority != null && obj.priority !== 0)) {
          w.uint32(24)
          w.uint32(obj.priority)
        }

        if (obj.tags != null && obj.tags.length > 0) {
          for (const value of obj.tags) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (obj.lines != null && obj.lines.length > 0) {
          for (const value of obj.lines) {
            w.uint32(42)
            w.string(value)
          }
        }

        if ((obj.wantReceipts != null && obj.wantReceipts !== false)) {
          w.uint32(48)
          w.bool(obj.wantReceipts)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          text: '',
          title: '',
          priority: 0,
          tags: [],
          lines: [],
          wantReceipts: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.text = reader.string()
              break
            }
            case 2: {
              obj.title = reader.string()
              break
            }
            case 3: {
              obj.priority = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.tags != null && obj.tags.length === opts.limits.tags) {
                throw new MaxLengthError('Decode error - repeated field "tags" had too many elements')
              }

              obj.tags.push(reader.string())
              break
            }
            case 5: {
              if (opts.limits?.lines != null && obj.lines.length === opts.limits.lines) {
                throw new MaxLengthError('Decode error - repeated field "lines" had too many elements')
              }

              obj.lines.push(reader.string())
              break
            }
            case 6: {
              obj.wantReceipts = reader.bool()
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
          tags: 0,
          lines: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.title`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.priority`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.tags != null && obj.tags === opts.limits.tags) {
                throw new MaxLengthError('Streaming decode error - repeated field "tags" had too many elements')
              }

              yield {
                field: `${prefix}.tags[]`,
                index: obj.tags,
                value: reader.string()
              }

              obj.tags++

              break
            }
            case 5: {
              if (opts.limits?.lines != null && obj.lines === opts.limits.lines) {
                throw new MaxLengthError('Streaming decode error - repeated field "lines" had too many elements')
              }

              yield {
                field: `${prefix}.lines[]`,
                index: obj.lines,
                value: reader.string()
              }

              obj.lines++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.wantReceipts`,
                value: reader.bool()
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

  export interface MessageTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface MessageTitleFieldEvent {
    field: '$.title'
    value: string
  }

  export interface MessagePriorityFieldEvent {
    field: '$.priority'
    value: number
  }

  export interface MessageTagsFieldEvent {
    field: '$.tags[]'
    index: number
    value: string
  }

  export interface MessageLinesFieldEvent {
    field: '$.lines[]'
    index: number
    value: string
  }

  export interface MessageWantReceiptsFieldEvent {
    field: '$.wantReceipts'
    value: boolean
  }

  export function encode (obj: Partial<Message>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Message.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Message>): Message {
    return decodeMessage(buf, Message.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Message>): Generator<MessageTextFieldEvent | MessageTitleFieldEvent | MessagePriorityFieldEvent | MessageTagsFieldEvent | MessageLinesFieldEvent | MessageWantReceiptsFieldEvent> {
    return streamMessage(buf, Message.codec(), opts)
  }
}

export interface Receipt {
  roomId: Uint8Array<ArrayBuffer>
  messageId: Uint8Array<ArrayBuffer>
  member: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Receipt {
  let _codec: Codec<Receipt>

  export const codec = (): Codec<Receipt> => {
    if (_codec == null) {
      _codec = message<Receipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.messageId != null && obj.messageId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.messageId)
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
          roomId: uint8ArrayAlloc(0),
          messageId: uint8ArrayAlloc(0),
          member: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.messageId = reader.bytes()
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
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.messageId`,
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

  export interface ReceiptRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptMessageIdFieldEvent {
    field: '$.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Receipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Receipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Receipt {
    return decodeMessage(buf, Receipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Generator<ReceiptRoomIdFieldEvent | ReceiptMessageIdFieldEvent | ReceiptMemberFieldEvent | ReceiptSignatureFieldEvent> {
    return streamMessage(buf, Receipt.codec(), opts)
  }
}

export interface SenderKey {
  roomId: Uint8Array<ArrayBuffer>
  epoch: number
  sender: Uint8Array<ArrayBuffer>
  index: number
  chainKey: Uint8Array<ArrayBuffer>
  signedMs: number
  signature: Uint8Array<ArrayBuffer>
}

export namespace SenderKey {
  let _codec: Codec<SenderKey>

  export const codec = (): Codec<SenderKey> => {
    if (_codec == null) {
      _codec = message<SenderKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint32(obj.epoch)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.sender)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(32)
          w.uint32(obj.index)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.chainKey)
        }

        if ((obj.signedMs != null && obj.signedMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.signedMs)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roomId: uint8ArrayAlloc(0),
          epoch: 0,
          sender: uint8ArrayAlloc(0),
          index: 0,
          chainKey: uint8ArrayAlloc(0),
          signedMs: 0,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.epoch = reader.uint32()
              break
            }
            case 3: {
              obj.sender = reader.bytes()
              break
            }
            case 4: {
              obj.index = reader.uint32()
              break
            }
            case 5: {
              obj.chainKey = reader.bytes()
              break
            }
            case 6: {
              obj.signedMs = reader.uint64Number()
              break
            }
            case 7: {
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
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signedMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
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

  export interface SenderKeyRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface SenderKeySenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface SenderKeyChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeySignedMsFieldEvent {
    field: '$.signedMs'
    value: number
  }

  export interface SenderKeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKey>): SenderKey {
    return decodeMessage(buf, SenderKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKey>): Generator<SenderKeyRoomIdFieldEvent | SenderKeyEpochFieldEvent | SenderKeySenderFieldEvent | SenderKeyIndexFieldEvent | SenderKeyChainKeyFieldEvent | SenderKeySignedMsFieldEvent | SenderKeySignatureFieldEvent> {
    return streamMessage(buf, SenderKey.codec(), opts)
  }
}
