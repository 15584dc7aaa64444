import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface HandshakeFrame {
  joinHello?: Uint8Array<ArrayBuffer>
  joinChallenge?: Uint8Array<ArrayBuffer>
  joinProof?: Uint8Array<ArrayBuffer>
  refused?: Uint8Array<ArrayBuffer>
  sealed?: Uint8Array<ArrayBuffer>
  keysHello?: Uint8Array<ArrayBuffer>
  keysReply?: Uint8Array<ArrayBuffer>
}

export namespace HandshakeFrame {
  let _codec: Codec<HandshakeFrame>

  export const codec = (): Codec<HandshakeFrame> => {
    if (_codec == null) {
      _codec = message<HandshakeFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.keysReply != null) {
          obj.keysHello = undefined
          obj.sealed = undefined
          obj.refused = undefined
          obj.joinProof = undefined
          obj.joinChallenge = undefined
          obj.joinHello = undefined
        }

        if (obj.keysHello != null) {
          obj.keysReply = undefined
          obj.sealed = undefined
          obj.refused = undefined
          obj.joinProof = undefined
          obj.joinChallenge = undefined
          obj.joinHello = undefined
        }

        if (obj.sealed != null) {
          obj.keysReply = undefined
          obj.keysHello = undefined
          obj.refused = undefined
          obj.joinProof = undefined
          obj.joinChallenge = undefined
          obj.joinHello = undefined
        }

        if (obj.refused != null) {
          obj.keysReply = undefined
          obj.keysHello = undefined
          obj.sealed = undefined
          obj.joinProof = undefined
          obj.joinChallenge = undefined
          obj.joinHello = undefined
        }

        if (obj.joinProof != null) {
          obj.keysReply = undefined
          obj.keysHello = undefined
          obj.sealed = undefined
          obj.refused = undefined
          obj.joinChallenge = undefined
          obj.joinHello = undefined
        }

        if (obj.joinChallenge != null) {
          obj.keysReply = undefined
          obj.keysHello = undefined
          obj.sealed = undefined
          obj.refused = undefined
          obj.joinProof = undefined
          obj.joinHello = undefined
        }

        if (obj.joinHello != null) {
          obj.keysReply = undefined
          obj.keysHello = undefined
          obj.sealed = undefined
          obj.refused = undefined
          obj.joinProof = undefined
          obj.joinChallenge = undefined
        }

        if (obj.joinHello != null) {
          w.uint32(10)
          w.bytes(obj.joinHello)
        }

        if (obj.joinChallenge != null) {
          w.uint32(18)
          w.bytes(obj.joinChallenge)
        }

        if (obj.joinProof != null) {
          w.uint32(26)
          w.bytes(obj.joinProof)
        }

        if (obj.refused != null) {
          w.uint32(34)
          w.bytes(obj.refused)
        }

        if (obj.sealed != null) {
          w.uint32(42)
          w.bytes(obj.sealed)
        }

        if (obj.keysHello != null) {
          w.uint32(50)
          w.bytes(obj.keysHello)
        }

        if (obj.keysReply != null) {
          w.uint32(58)
          w.bytes(obj.keysReply)
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
              obj.joinHello = reader.bytes()
              break
            }
            case 2: {
              obj.joinChallenge = reader.bytes()
              break
            }
            case 3: {
              obj.joinProof = reader.bytes()
              break
            }
            case 4: {
              obj.refused = reader.bytes()
              break
            }
            case 5: {
              obj.sealed = reader.bytes()
              break
            }
            case 6: {
              obj.keysHello = reader.bytes()
              break
            }
            case 7: {
              obj.keysReply = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.keysReply != null) {
          delete obj.keysHello
          delete obj.sealed
          delete obj.refused
          delete obj.joinProof
          delete obj.joinChallenge
          delete obj.joinHello
        }

        if (obj.keysHello != null) {
          delete obj.keysReply
          delete obj.sealed
          delete obj.refused
          delete obj.joinProof
          delete obj.joinChallenge
          delete obj.joinHello
        }

        if (obj.sealed != null) {
          delete obj.keysReply
          delete obj.keysHello
          delete obj.refused
          delete obj.joinProof
          delete obj.joinChallenge
          delete obj.joinHello
        }

        if (obj.refused != null) {
          delete obj.keysReply
          delete obj.keysHello
          delete obj.sealed
          delete obj.joinProof
          delete obj.joinChallenge
          delete obj.joinHello
        }

        if (obj.joinProof != null) {
          delete obj.keysReply
          delete obj.keysHello
          delete obj.sealed
          delete obj.refused
          delete obj.joinChallenge
          delete obj.joinHello
        }

        if (obj.joinChallenge != null) {
          delete obj.keysReply
          delete obj.keysHello
          delete obj.sealed
          delete obj.refused
          delete obj.joinProof
          delete obj.joinHello
        }

        if (obj.joinHello != null) {
          delete obj.keysReply
          delete obj.keysHello
          delete obj.sealed
          delete obj.refused
          delete obj.joinProof
          delete obj.joinChallenge
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.joinHello`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.joinChallenge`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.joinProof`,
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
            case 5: {
              yield {
                field: `${prefix}.sealed`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.keysHello`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.keysReply`,
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

  export interface HandshakeFrameJoinHelloFieldEvent {
    field: '$.joinHello'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandshakeFrameJoinChallengeFieldEvent {
    field: '$.joinChallenge'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandshakeFrameJoinProofFieldEvent {
    field: '$.joinProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandshakeFrameRefusedFieldEvent {
    field: '$.refused'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandshakeFrameSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandshakeFrameKeysHelloFieldEvent {
    field: '$.keysHello'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandshakeFrameKeysReplyFieldEvent {
    field: '$.keysReply'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<HandshakeFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HandshakeFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HandshakeFrame>): HandshakeFrame {
    return decodeMessage(buf, HandshakeFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HandshakeFrame>): Generator<HandshakeFrameJoinHelloFieldEvent | HandshakeFrameJoinChallengeFieldEvent | HandshakeFrameJoinProofFieldEvent | HandshakeFrameRefusedFieldEvent | HandshakeFrameSealedFieldEvent | HandshakeFrameKeysHelloFieldEvent | HandshakeFrameKeysReplyFieldEvent> {
    return streamMessage(buf, HandshakeFrame.codec(), opts)
  }
}

export interface JoinHello {
  version: number
  roomId: Uint8Array<ArrayBuffer>
  ephemeral: Uint8Array<ArrayBuffer>
  inviteKey: Uint8Array<ArrayBuffer>
  inviteSignature: Uint8Array<ArrayBuffer>
}

export namespace JoinHello {
  let _codec: Codec<JoinHello>

  export const codec = (): Codec<JoinHello> => {
    if (_codec == null) {
      _codec = message<JoinHello>((obj, w, opts = {}) => {
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

        if ((obj.ephemeral != null && obj.ephemeral.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ephemeral)
        }

        if ((obj.inviteKey != null && obj.inviteKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.inviteKey)
        }

        if ((obj.inviteSignature != null && obj.inviteSignature.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.inviteSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          roomId: uint8ArrayAlloc(0),
          ephemeral: uint8ArrayAlloc(0),
          inviteKey: uint8ArrayAlloc(0),
          inviteSignature: uint8ArrayAlloc(0)
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
            case 4: {
              obj.ephemeral = reader.bytes()
              break
            }
            case 5: {
              obj.inviteKey = reader.bytes()
              break
            }
            case 6: {
              obj.inviteSignature = reader.bytes()
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
            case 4: {
              yield {
                field: `${prefix}.ephemeral`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.inviteKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.inviteSignature`,
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

  export interface JoinHelloVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface JoinHelloRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinHelloEphemeralFieldEvent {
    field: '$.ephemeral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinHelloInviteKeyFieldEvent {
    field: '$.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinHelloInviteSignatureFieldEvent {
    field: '$.inviteSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JoinHello>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinHello.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinHello>): JoinHello {
    return decodeMessage(buf, JoinHello.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinHello>): Generator<JoinHelloVersionFieldEvent | JoinHelloRoomIdFieldEvent | JoinHelloEphemeralFieldEvent | JoinHelloInviteKeyFieldEvent | JoinHelloInviteSignatureFieldEvent> {
    return streamMessage(buf, JoinHello.codec(), opts)
  }
}

export interface JoinChallenge {
  member: Uint8Array<ArrayBuffer>
  ephemeral: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace JoinChallenge {
  let _codec: Codec<JoinChallenge>

  export const codec = (): Codec<JoinChallenge> => {
    if (_codec == null) {
      _codec = message<JoinChallenge>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.ephemeral != null && obj.ephemeral.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ephemeral)
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
          member: uint8ArrayAlloc(0),
          ephemeral: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.ephemeral = reader.bytes()
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
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ephemeral`,
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

  export interface JoinChallengeMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinChallengeEphemeralFieldEvent {
    field: '$.ephemeral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinChallengeSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JoinChallenge>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinChallenge.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinChallenge>): JoinChallenge {
    return decodeMessage(buf, JoinChallenge.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinChallenge>): Generator<JoinChallengeMemberFieldEvent | JoinChallengeEphemeralFieldEvent | JoinChallengeSignatureFieldEvent> {
    return streamMessage(buf, JoinChallenge.codec(), opts)
  }
}

export interface JoinProof {
  memberSignature: Uint8Array<ArrayBuffer>
  inviteProof: Uint8Array<ArrayBuffer>
  name: string
  peerId: Uint8Array<ArrayBuffer>
  member: Uint8Array<ArrayBuffer>
}

export namespace JoinProof {
  let _codec: Codec<JoinProof>

  export const codec = (): Codec<JoinProof> => {
    if (_codec == null) {
      _codec = message<JoinProof>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.memberSignature != null && obj.memberSignature.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.memberSignature)
        }

        if ((obj.inviteProof != null && obj.inviteProof.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.inviteProof)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(34)
          w.string(obj.name)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.peerId)
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.member)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          memberSignature: uint8ArrayAlloc(0),
          inviteProof: uint8ArrayAlloc(0),
          name: '',
          peerId: uint8ArrayAlloc(0),
          member: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.memberSignature = reader.bytes()
              break
            }
            case 3: {
              obj.inviteProof = reader.bytes()
              break
            }
            case 4: {
              obj.name = reader.string()
              break
            }
            case 5: {
              obj.peerId = reader.bytes()
              break
            }
            case 6: {
              obj.member = reader.bytes()
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
                field: `${prefix}.memberSignature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.inviteProof`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.member`,
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

  export interface JoinProofMemberSignatureFieldEvent {
    field: '$.memberSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinProofInviteProofFieldEvent {
    field: '$.inviteProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinProofNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface JoinProofPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinProofMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JoinProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinProof.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinProof>): JoinProof {
    return decodeMessage(buf, JoinProof.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinProof>): Generator<JoinProofMemberSignatureFieldEvent | JoinProofInviteProofFieldEvent | JoinProofNameFieldEvent | JoinProofPeerIdFieldEvent | JoinProofMemberFieldEvent> {
    return streamMessage(buf, JoinProof.codec(), opts)
  }
}

export enum RefusalCode {
  REFUSAL_UNSPECIFIED = 'REFUSAL_UNSPECIFIED',
  MALFORMED = 'MALFORMED',
  UNKNOWN_ROOM = 'UNKNOWN_ROOM',
  UNKNOWN_INVITE = 'UNKNOWN_INVITE',
  EXPIRED = 'EXPIRED',
  USED_UP = 'USED_UP',
  REVOKED = 'REVOKED',
  NOT_ADMIN = 'NOT_ADMIN',
  ALREADY_MEMBER = 'ALREADY_MEMBER',
  INTERNAL = 'INTERNAL',
  NOT_MEMBER = 'NOT_MEMBER'
}

enum __RefusalCodeValues {
  REFUSAL_UNSPECIFIED = 0,
  MALFORMED = 1,
  UNKNOWN_ROOM = 2,
  UNKNOWN_INVITE = 3,
  EXPIRED = 4,
  USED_UP = 5,
  REVOKED = 6,
  NOT_ADMIN = 7,
  ALREADY_MEMBER = 8,
  INTERNAL = 9,
  NOT_MEMBER = 10
}

export namespace RefusalCode {
  export const codec = (): Codec<RefusalCode> => {
    return enumeration<RefusalCode>(__RefusalCodeValues)
  }
}

export interface JoinRefused {
  code: RefusalCode
  message: string
}

export namespace JoinRefused {
  let _codec: Codec<JoinRefused>

  export const codec = (): Codec<JoinRefused> => {
    if (_codec == null) {
      _codec = message<JoinRefused>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.code != null && __RefusalCodeValues[obj.code] !== 0) {
          w.uint32(8)
          RefusalCode.codec().encode(obj.code, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: RefusalCode.REFUSAL_UNSPECIFIED,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = RefusalCode.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
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
                field: `${prefix}.code`,
                value: RefusalCode.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
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

  export interface JoinRefusedCodeFieldEvent {
    field: '$.code'
    value: RefusalCode
  }

  export interface JoinRefusedMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<JoinRefused>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinRefused.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinRefused>): JoinRefused {
    return decodeMessage(buf, JoinRefused.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinRefused>): Generator<JoinRefusedCodeFieldEvent | JoinRefusedMessageFieldEvent> {
    return streamMessage(buf, JoinRefused.codec(), opts)
  }
}

export interface JoinWelcome {
  log: Uint8Array<ArrayBuffer>[]
  senderKeys: Uint8Array<ArrayBuffer>[]
  refused: Uint8Array<ArrayBuffer>
}

export namespace JoinWelcome {
  let _codec: Codec<JoinWelcome>

  export const codec = (): Codec<JoinWelcome> => {
    if (_codec == null) {
      _codec = message<JoinWelcome>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.log != null && obj.log.length > 0) {
          for (const value of obj.log) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (obj.senderKeys != null && obj.senderKeys.length > 0) {
          for (const value of obj.senderKeys) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if ((obj.refused != null && obj.refused.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.refused)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          log: [],
          senderKeys: [],
          refused: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.log != null && obj.log.length === opts.limits.log) {
                throw new MaxLengthError('Decode error - repeated field "log" had too many elements')
              }

              obj.log.push(reader.bytes())
              break
            }
            case 2: {
              if (opts.limits?.senderKeys != null && obj.senderKeys.length === opts.limits.senderKeys) {
                throw new MaxLengthError('Decode error - repeated field "senderKeys" had too many elements')
              }

              obj.senderKeys.push(reader.bytes())
              break
            }
            case 3: {
              obj.refused = reader.bytes()
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
          log: 0,
          senderKeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.log != null && obj.log === opts.limits.log) {
                throw new MaxLengthError('Streaming decode error - repeated field "log" had too many elements')
              }

              yield {
                field: `${prefix}.log[]`,
                index: obj.log,
                value: reader.bytes()
              }

              obj.log++

              break
            }
            case 2: {
              if (opts.limits?.senderKeys != null && obj.senderKeys === opts.limits.senderKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "senderKeys" had too many elements')
              }

              yield {
                field: `${prefix}.senderKeys[]`,
                index: obj.senderKeys,
                value: reader.bytes()
              }

              obj.senderKeys++

              break
            }
            case 3: {
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

  export interface JoinWelcomeLogFieldEvent {
    field: '$.log[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinWelcomeSenderKeysFieldEvent {
    field: '$.senderKeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinWelcomeRefusedFieldEvent {
    field: '$.refused'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JoinWelcome>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinWelcome.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinWelcome>): JoinWelcome {
    return decodeMessage(buf, JoinWelcome.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinWelcome>): Generator<JoinWelcomeLogFieldEvent | JoinWelcomeSenderKeysFieldEvent | JoinWelcomeRefusedFieldEvent> {
    return streamMessage(buf, JoinWelcome.codec(), opts)
  }
}

export interface KeysHello {
  version: number
  roomId: Uint8Array<ArrayBuffer>
  member: Uint8Array<ArrayBuffer>
  ephemeral: Uint8Array<ArrayBuffer>
  logHeadSeq: number
  signature: Uint8Array<ArrayBuffer>
}

export namespace KeysHello {
  let _codec: Codec<KeysHello>

  export const codec = (): Codec<KeysHello> => {
    if (_codec == null) {
      _codec = message<KeysHello>((obj, w, opts = {}) => {
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

        if ((obj.ephemeral != null && obj.ephemeral.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ephemeral)
        }

        if ((obj.logHeadSeq != null && obj.logHeadSeq !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.logHeadSeq)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(50)
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
          ephemeral: uint8ArrayAlloc(0),
          logHeadSeq: 0,
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
              obj.ephemeral = reader.bytes()
              break
            }
            case 5: {
              obj.logHeadSeq = reader.uint64Number()
              break
            }
            case 6: {
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
                field: `${prefix}.ephemeral`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.logHeadSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
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

  export interface KeysHelloVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface KeysHelloRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeysHelloMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeysHelloEphemeralFieldEvent {
    field: '$.ephemeral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeysHelloLogHeadSeqFieldEvent {
    field: '$.logHeadSeq'
    value: number
  }

  export interface KeysHelloSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KeysHello>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeysHello.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeysHello>): KeysHello {
    return decodeMessage(buf, KeysHello.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeysHello>): Generator<KeysHelloVersionFieldEvent | KeysHelloRoomIdFieldEvent | KeysHelloMemberFieldEvent | KeysHelloEphemeralFieldEvent | KeysHelloLogHeadSeqFieldEvent | KeysHelloSignatureFieldEvent> {
    return streamMessage(buf, KeysHello.codec(), opts)
  }
}

export interface KeysReply {
  member: Uint8Array<ArrayBuffer>
  ephemeral: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  logHeadSeq: number
}

export namespace KeysReply {
  let _codec: Codec<KeysReply>

  export const codec = (): Codec<KeysReply> => {
    if (_codec == null) {
      _codec = message<KeysReply>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.ephemeral != null && obj.ephemeral.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ephemeral)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if ((obj.logHeadSeq != null && obj.logHeadSeq !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.logHeadSeq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          ephemeral: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          logHeadSeq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.ephemeral = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
              break
            }
            case 4: {
              obj.logHeadSeq = reader.uint64Number()
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
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ephemeral`,
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
            case 4: {
              yield {
                field: `${prefix}.logHeadSeq`,
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

  export interface KeysReplyMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeysReplyEphemeralFieldEvent {
    field: '$.ephemeral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeysReplySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeysReplyLogHeadSeqFieldEvent {
    field: '$.logHeadSeq'
    value: number
  }

  export function encode (obj: Partial<KeysReply>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeysReply.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeysReply>): KeysReply {
    return decodeMessage(buf, KeysReply.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeysReply>): Generator<KeysReplyMemberFieldEvent | KeysReplyEphemeralFieldEvent | KeysReplySignatureFieldEvent | KeysReplyLogHeadSeqFieldEvent> {
    return streamMessage(buf, KeysReply.codec(), opts)
  }
}

export interface KeyBundle {
  logHeadSeq: number
  log: Uint8Array<ArrayBuffer>[]
  senderKeys: Uint8Array<ArrayBuffer>[]
}

export namespace KeyBundle {
  let _codec: Codec<KeyBundle>

  export const codec = (): Codec<KeyBundle> => {
    if (_codec == null) {
      _codec = message<KeyBundle>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.logHeadSeq != null && obj.logHeadSeq !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.logHeadSeq)
        }

        if (obj.log != null && obj.log.length > 0) {
          for (const value of obj.log) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (obj.senderKeys != null && obj.senderKeys.length > 0) {
          for (const value of obj.senderKeys) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          logHeadSeq: 0,
          log: [],
          senderKeys: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.logHeadSeq = reader.uint64Number()
              break
            }
            case 2: {
              if (opts.limits?.log != null && obj.log.length === opts.limits.log) {
                throw new MaxLengthError('Decode error - repeated field "log" had too many elements')
              }

              obj.log.push(reader.bytes())
              break
            }
            case 3: {
              if (opts.limits?.senderKeys != null && obj.senderKeys.length === opts.limits.senderKeys) {
                throw new MaxLengthError('Decode error - repeated field "senderKeys" had too many elements')
              }

              obj.senderKeys.push(reader.bytes())
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
          log: 0,
          senderKeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.logHeadSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              if (opts.limits?.log != null && obj.log === opts.limits.log) {
                throw new MaxLengthError('Streaming decode error - repeated field "log" had too many elements')
              }

              yield {
                field: `${prefix}.log[]`,
                index: obj.log,
                value: reader.bytes()
              }

              obj.log++

              break
            }
            case 3: {
              if (opts.limits?.senderKeys != null && obj.senderKeys === opts.limits.senderKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "senderKeys" had too many elements')
              }

              yield {
                field: `${prefix}.senderKeys[]`,
                index: obj.senderKeys,
                value: reader.bytes()
              }

              obj.senderKeys++

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

  export interface KeyBundleLogHeadSeqFieldEvent {
    field: '$.logHeadSeq'
    value: number
  }

  export interface KeyBundleLogFieldEvent {
    field: '$.log[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyBundleSenderKeysFieldEvent {
    field: '$.senderKeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KeyBundle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyBundle.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyBundle>): KeyBundle {
    return decodeMessage(buf, KeyBundle.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyBundle>): Generator<KeyBundleLogHeadSeqFieldEvent | KeyBundleLogFieldEvent | KeyBundleSenderKeysFieldEvent> {
    return streamMessage(buf, KeyBundle.codec(), opts)
  }
}
