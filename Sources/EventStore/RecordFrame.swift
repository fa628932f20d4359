/// The on-disk frame of one record: a checksum, a length, and the body. Every byte is
/// documented in `docs/format.md`; all integers are little-endian.
///
/// ```
/// frame   0  u32  CRC-32C of bytes 4 ..< 8+L (the length and the body)
///         4  u32  L, the body length
/// body    0  u64  global position
///         8  u64  stream version
///        16  i64  recorded time, microseconds since 1970-01-01 UTC
///        24  u32  effective date as yyyymmdd
///        28  u16  flags: bit 0 = last record of its batch (commit), bit 1 = has correlation
///        30  u16  stream length S
///        32  u16  type length T
///        34  u16  actor length A
///        36  u16  correlation length C
///        38  u16  metadata length M
///        40       stream, type, actor, correlation (UTF-8), metadata, then the payload to the end
/// ```
enum RecordFrame {
    static let frameHeaderSize = 8
    static let bodyHeaderSize = 40
    /// No record body may exceed this: a larger length field is damage, not data.
    static let maxBodySize = 64 << 20

    static let flagCommit: UInt16 = 1
    static let flagCorrelation: UInt16 = 2

    /// The frame size of a record.
    @inline(__always)
    static func frameSize(streamBytes: Int, event: ProposedEvent) -> Int {
        frameHeaderSize + bodyHeaderSize + streamBytes + event.type.utf8.count + event.actor.utf8.count
            + (event.correlation?.utf8.count ?? 0) + event.metadata.count + event.payload.count
    }

    /// Appends the frame of one record to `buffer`: direct stores, one checksum.
    ///
    /// - Complexity: O(n) in the record's size.
    static func encode(
        into buffer: WriteBuffer, position: UInt64, stream: UnsafeRawBufferPointer, version: UInt64,
        recorded: Int64, event: ProposedEvent, commit: Bool
    ) {
        withUTF8(event.type) { type in
            withUTF8(event.actor) { actor in
                withUTF8(event.correlation ?? "") { correlation in
                    event.metadata.withUnsafeBytes { metadata in
                    event.payload.withUnsafeBytes { payload in
                        let bodyLength = bodyHeaderSize + stream.count + type.count + actor.count + correlation.count
                            + metadata.count + payload.count
                        let p = buffer.reserve(frameHeaderSize + bodyLength)
                        var flags: UInt16 = commit ? flagCommit : 0
                        if event.correlation != nil { flags |= flagCorrelation }
                        p.storeBytes(of: UInt32(bodyLength).littleEndian, toByteOffset: 4, as: UInt32.self)
                        p.storeBytes(of: position.littleEndian, toByteOffset: 8, as: UInt64.self)
                        p.storeBytes(of: version.littleEndian, toByteOffset: 16, as: UInt64.self)
                        p.storeBytes(of: UInt64(bitPattern: recorded).littleEndian, toByteOffset: 24, as: UInt64.self)
                        p.storeBytes(of: event.effective.rawValue.littleEndian, toByteOffset: 32, as: UInt32.self)
                        p.storeBytes(of: flags.littleEndian, toByteOffset: 36, as: UInt16.self)
                        p.storeBytes(of: UInt16(stream.count).littleEndian, toByteOffset: 38, as: UInt16.self)
                        p.storeBytes(of: UInt16(type.count).littleEndian, toByteOffset: 40, as: UInt16.self)
                        p.storeBytes(of: UInt16(actor.count).littleEndian, toByteOffset: 42, as: UInt16.self)
                        p.storeBytes(of: UInt16(correlation.count).littleEndian, toByteOffset: 44, as: UInt16.self)
                        p.storeBytes(of: UInt16(metadata.count).littleEndian, toByteOffset: 46, as: UInt16.self)
                        var at = frameHeaderSize + bodyHeaderSize
                        for part in [stream, type, actor, correlation, metadata, payload] where part.count > 0 {
                            if let src = part.baseAddress { (p + at).copyMemory(from: src, byteCount: part.count) }
                            at += part.count
                        }
                        let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: p + 4, count: 4 + bodyLength))
                        p.storeBytes(of: crc.littleEndian, toByteOffset: 0, as: UInt32.self)
                        buffer.commit(frameHeaderSize + bodyLength)
                    }
                    }
                }
            }
        }
    }

    /// Encodes one record into a new array (for tests and tools).
    static func encoded(position: UInt64, stream: String, version: UInt64, recorded: Int64, event: ProposedEvent, commit: Bool) -> [UInt8] {
        let b = WriteBuffer(capacity: 256)
        withUTF8(stream) { encode(into: b, position: position, stream: $0, version: version, recorded: recorded, event: event, commit: commit) }
        return Array(b.bytes(0..<b.count))
    }

    /// What is found at an offset of a segment.
    enum Parsed {
        /// A whole, valid record, and the offset just past it.
        case record(RecordView, next: Int)
        /// The bytes end before the record does: a torn or still-growing tail.
        case incomplete
        /// The bytes there are not a valid record.
        case corrupt(String)
    }

    /// Parses the frame starting at `offset` of `bytes`, checking its length and (unless
    /// `checksum` is false: `verify` checks them several records at a time) its checksum.
    ///
    /// - Complexity: O(n) in the record's size (the checksum).
    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int, checksum: Bool = true) -> Parsed {
        let available = bytes.count - offset
        if available < frameHeaderSize { return .incomplete }
        let crc = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
        let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian)
        if length < bodyHeaderSize + 3 || length > maxBodySize {
            // A zeroed or garbled length. If the frame could not have been whole anyway,
            // this is as likely a torn tail as damage; the caller decides.
            return .corrupt("bad record length \(length)")
        }
        if available < frameHeaderSize + length { return .incomplete }
        if checksum {
            let covered = UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + frameHeaderSize + length)])
            let actual = CRC32C.checksum(covered)
            if actual != crc {
                return .corrupt("checksum mismatch: stored \(hex(crc)), computed \(hex(actual))")
            }
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + frameHeaderSize)..<(offset + frameHeaderSize + length)])
        let view = RecordView(body: body)
        if bodyHeaderSize + view.stringBytes > length || view.streamLength == 0 || view.typeLength == 0 || view.actorLength == 0 {
            return .corrupt("field lengths do not fit the record")
        }
        return .record(view, next: offset + frameHeaderSize + length)
    }

    /// The bytes a record's checksum covers (its length field and body), from a body
    /// parsed out of its frame.
    static func checksummedBytes(ofBody body: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: body.baseAddress! - 4, count: body.count + 4)
    }

    /// The checksum stored in the frame of a body parsed out of it.
    static func storedChecksum(ofBody body: UnsafeRawBufferPointer) -> UInt32 {
        (body.baseAddress! - frameHeaderSize).loadUnaligned(as: UInt32.self).littleEndian
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}

/// A record read in place: accessors decode fields from the bytes without copying
/// until asked. Valid only while the bytes it points into are.
struct RecordView {
    let body: UnsafeRawBufferPointer

    @inline(__always) private func u16(_ at: Int) -> Int { Int(body.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian) }

    var position: UInt64 { body.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian }
    var version: UInt64 { body.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian }
    var recordedMicros: Int64 { Int64(bitPattern: body.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian) }
    var effectiveRaw: UInt32 { body.loadUnaligned(fromByteOffset: 24, as: UInt32.self).littleEndian }
    var flags: UInt16 { UInt16(u16(28)) }
    var commits: Bool { flags & RecordFrame.flagCommit != 0 }
    var streamLength: Int { u16(30) }
    var typeLength: Int { u16(32) }
    var actorLength: Int { u16(34) }
    var correlationLength: Int { u16(36) }
    var metadataLength: Int { u16(38) }
    /// Bytes between the body header and the payload.
    var stringBytes: Int { streamLength + typeLength + actorLength + correlationLength + metadataLength }

    /// The stream name's bytes.
    var streamBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: body[40..<(40 + streamLength)])
    }

    private func string(_ from: Int, _ count: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: body[from..<(from + count)]), as: UTF8.self)
    }

    var stream: String { string(40, streamLength) }
    var type: String { string(40 + streamLength, typeLength) }
    var actor: String { string(40 + streamLength + typeLength, actorLength) }
    var correlation: String? {
        flags & RecordFrame.flagCorrelation == 0 ? nil : string(40 + streamLength + typeLength + actorLength, correlationLength)
    }
    var metadata: UnsafeRawBufferPointer {
        let from = 40 + streamLength + typeLength + actorLength + correlationLength
        return UnsafeRawBufferPointer(rebasing: body[from..<(from + metadataLength)])
    }
    var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: body[(40 + stringBytes)...])
    }

    /// Whether the stream name equals `name` byte for byte.
    func streamEquals(_ name: [UInt8]) -> Bool {
        streamLength == name.count && name.withUnsafeBytes { $0.elementsEqual(streamBytes) }
    }

    /// Copies the record out.
    func materialize() -> RecordedEvent {
        RecordedEvent(
            position: position, stream: stream, version: version, type: type,
            effective: EffectiveDate(unchecked: effectiveRaw),
            recorded: RecordedTime(microseconds: recordedMicros), actor: actor, correlation: correlation,
            metadata: Array(metadata), payload: Array(payload))
    }

    /// Copies out a record of `stream` (its name already compared), taking the type's and
    /// actor's `String`s from `names` when an earlier record had the same: a stream's
    /// events share a few of each, so reading one allocates little more than payloads.
    func materialize(stream: String, names: inout RecentNames) -> RecordedEvent {
        let typeBytes = UnsafeRawBufferPointer(rebasing: body[(40 + streamLength)..<(40 + streamLength + typeLength)])
        let actorFrom = 40 + streamLength + typeLength
        let actorBytes = UnsafeRawBufferPointer(rebasing: body[actorFrom..<(actorFrom + actorLength)])
        return RecordedEvent(
            position: position, stream: stream, version: version, type: names.string(typeBytes),
            effective: EffectiveDate(unchecked: effectiveRaw),
            recorded: RecordedTime(microseconds: recordedMicros), actor: names.string(actorBytes), correlation: correlation,
            metadata: Array(metadata), payload: Array(payload))
    }
}

/// The few strings a stream's records repeat (types, actors), by their bytes: a small
/// list searched in order, the newest first.
struct RecentNames {
    private var entries: [(bytes: [UInt8], string: String)] = []

    /// The string of `bytes`, made once.
    mutating func string(_ bytes: UnsafeRawBufferPointer) -> String {
        for e in entries where e.bytes.count == bytes.count {
            if e.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return e.string }
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if entries.count < 16 { entries.append((Array(bytes), s)) }
        return s
    }
}

/// Calls `body` with a string's UTF-8 bytes, without copying a native string (where
/// `withUTF8` on a copy of a string would copy all of it).
@inline(__always)
public func withUTF8<T>(_ s: String, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
    if let r = try s.utf8.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) { return r }
    return try Array(s.utf8).withUnsafeBytes(body)
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
