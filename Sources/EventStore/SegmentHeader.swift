/// The 64-byte header at the start of every segment file.
///
/// ```
///  0  8  magic "FPLEDGER"
///  8  u16 format version (1)
/// 10  u16 header size (64)
/// 12  u32 reserved, 0
/// 16  u64 first position: the position of the segment's first record
/// 24  u64 sequence number of the segment, from 0
/// 32  16  store id: the random id of the store the segment belongs to
/// 48  i64 created, microseconds since 1970-01-01 UTC
/// 56  u32 reserved, 0
/// 60  u32 CRC-32C of bytes 0 ..< 60
/// ```
struct SegmentHeader: Equatable {
    static let size = 64
    static let magic: [UInt8] = Array("FPLEDGER".utf8)
    static let formatVersion: UInt16 = 1

    var firstPosition: UInt64
    var sequence: UInt64
    var storeID: [UInt8]
    var created: Int64

    func encoded() -> [UInt8] {
        var b = SegmentHeader.magic
        b.appendLE(SegmentHeader.formatVersion)
        b.appendLE(UInt16(SegmentHeader.size))
        b.appendLE(UInt32(0))
        b.appendLE(firstPosition)
        b.appendLE(sequence)
        b.append(contentsOf: storeID)
        b.appendLE(UInt64(bitPattern: created))
        b.appendLE(UInt32(0))
        b.appendLE(CRC32C.checksum(b))
        return b
    }

    /// Decodes and checks a header; the error names the file.
    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> SegmentHeader {
        guard bytes.count >= size else {
            throw StoreError(.corruptRecord, "segment header is cut short (\(bytes.count) of \(size) bytes)", path: path, offset: 0)
        }
        guard bytes.prefix(8).elementsEqual(magic) else {
            throw StoreError(.corruptRecord, "not a segment file (bad magic)", path: path, offset: 0)
        }
        let stored = bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self).littleEndian
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<60]))
        guard stored == actual else {
            throw StoreError(.corruptRecord, "segment header checksum mismatch", path: path, offset: 0)
        }
        let version = bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian
        guard version == formatVersion else {
            throw StoreError(.unsupportedFormat, "segment format version \(version); this build reads version \(formatVersion)", path: path, offset: 8)
        }
        return SegmentHeader(
            firstPosition: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian,
            sequence: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian,
            storeID: Array(bytes[32..<48]),
            created: Int64(bitPattern: bytes.loadUnaligned(fromByteOffset: 48, as: UInt64.self).littleEndian))
    }
}

/// File names in a store directory. Segments and their indexes are named by the
/// position of their first record, zero-padded to 20 digits, so `ls` lists them in
/// log order.
enum StoreFiles {
    static let lock = "LOCK"
    static let identity = "STORE"
    static let segmentSuffix = ".seg"
    static let indexSuffix = ".idx"

    static func name(first: UInt64, suffix: String) -> String {
        let digits = String(first)
        return String(repeating: "0", count: 20 - digits.count) + digits + suffix
    }

    /// The first position encoded in a segment or index file name, or `nil` when the
    /// name is not one of ours.
    static func firstPosition(ofName name: String, suffix: String) -> UInt64? {
        guard name.hasSuffix(suffix), name.utf8.count == 20 + suffix.utf8.count else { return nil }
        let digits = name.prefix(20)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }
}

/// The `STORE` file: who this store is. Its random id is stamped into every segment
/// header, so a segment, tree file or projection snapshot from another store is recognised.
///
/// ```
///  0  8  magic "FPLSTORE"
///  8  u16 format version (1)
/// 10  u16 size (44)
/// 12  u32 reserved, 0
/// 16  16  store id
/// 32  i64 created, microseconds since 1970-01-01 UTC
/// 40  u32 CRC-32C of bytes 0 ..< 40
/// ```
struct StoreIdentity: Equatable {
    static let size = 44
    static let magic: [UInt8] = Array("FPLSTORE".utf8)

    var storeID: [UInt8]
    var created: Int64

    static func new() -> StoreIdentity {
        var rng = SystemRandomNumberGenerator()
        var id: [UInt8] = []
        for _ in 0..<2 { id.appendLE(rng.next() as UInt64) }
        return StoreIdentity(storeID: id, created: RecordedTime.now().microseconds)
    }

    func encoded() -> [UInt8] {
        smallFile(magic: StoreIdentity.magic, size: StoreIdentity.size) { b in
            b.append(contentsOf: storeID)
            b.appendLE(UInt64(bitPattern: created))
        }
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> StoreIdentity {
        try checkSmallFile(bytes, magic: magic, size: size, what: "store identity", path: path)
        let created = bytes[32..<40].withUnsafeBytes { Int64(bitPattern: $0.loadUnaligned(as: UInt64.self).littleEndian) }
        return StoreIdentity(storeID: Array(bytes[16..<32]), created: created)
    }
}

/// A small fixed-layout file (`STORE`, `TREE`): magic, format version 1, its size, four
/// reserved bytes, the body, and the CRC-32C of everything before it.
func smallFile(magic: [UInt8], size: Int, body: (inout [UInt8]) -> Void) -> [UInt8] {
    var b = magic
    b.appendLE(UInt16(1))
    b.appendLE(UInt16(size))
    b.appendLE(UInt32(0))
    body(&b)
    b.appendLE(CRC32C.checksum(b))
    precondition(b.count == size)
    return b
}

/// Checks a small fixed-layout file (`STORE`, `TREE`): its length and magic, the CRC-32C
/// of everything before its last four bytes, and format version 1 at offset 8.
func checkSmallFile(_ bytes: [UInt8], magic: [UInt8], size: Int, what: String, path: String) throws {
    guard bytes.count == size, bytes.prefix(magic.count).elementsEqual(magic) else {
        throw StoreError(.corruptRecord, "not a \(what) file", path: path, offset: 0)
    }
    let stored = bytes[(size - 4)..<size].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
    guard stored == CRC32C.checksum(bytes[0..<(size - 4)]) else {
        throw StoreError(.corruptRecord, "\(what) checksum mismatch", path: path, offset: Int64(size - 4))
    }
    let version = UInt16(bytes[8]) | UInt16(bytes[9]) << 8
    guard version == 1 else {
        throw StoreError(.unsupportedFormat, "\(what) format version \(version); this build reads version 1", path: path, offset: 8)
    }
}
