import EventStore
import Foundation

/// A snapshot: a projection saved beside the log, so that it need not be folded again
/// from the first record. (Not a checkpoint: that name is the signed tree head of
/// `docs/verification.md`.) Every snapshot has the same framing (`docs/format.md`): a magic,
/// a format version, the store's id, the last position folded and the checksum of the
/// record there, the body, and a checksum of it all. A file is used only when every one
/// of them matches the log as it is now.
///
/// ```
/// 0   8  magic ("FPLCKPT1": the county, named when snapshots were called checkpoints;
///        "FPLFIND1": findings)
/// 8   4  projection format version (u32 LE)
/// 12 16  store id
/// 28  8  position of the last record folded (u64 LE)
/// 36  4  CRC-32C of that record (as stored in its frame)
/// 40  8  body length B (u64 LE)
/// 48  B  body, protobuf wire format
/// 48+B 4 CRC-32C of bytes 0 ..< 48+B
/// ```
enum SnapshotFile {
    /// Writes a snapshot atomically (a temporary file, then rename), mode 0600 in
    /// a directory of mode 0700.
    ///
    /// - Parameter legacy: the file's name in older builds, removed once this one is written.
    /// - Throws: ``ProjectionError`` `io` naming the file and the system's error; the
    ///   store's errors reading the record at `position`.
    static func save(_ body: [UInt8], to file: String, replacing legacy: String? = nil, magic: [UInt8], version: UInt32,
                     position: UInt64, store: any EventLog) throws {
        var header = magic
        header.appendLE(version)
        header.append(contentsOf: hexBytes(store.storeID))
        header.appendLE(position)
        header.appendLE(try store.checksum(at: position))
        header.appendLE(UInt64(body.count))
        // The body is written where it lies: no copy of tens of megabytes into one buffer.
        let crc = body.withUnsafeBytes { CRC32C.update(CRC32C.checksum(header), $0) }
        var trailer: [UInt8] = []
        trailer.appendLE(crc)
        let dir = store.projectionsDirectory
        try makeDirectories(dir)
        let tmp = file + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ProjectionError(.io, "cannot write the snapshot", file: tmp, errno: errno) }
        fchmod(fd, 0o600)  // readable by the owner only, whatever an older file had
        var written = true
        for part in [header, body, trailer] where written {
            written = part.withUnsafeBytes { FileBytes.writeAll(fd, $0) }
        }
        let problem = written ? nil : errno
        close(fd)
        if let problem {
            unlink(tmp)
            throw ProjectionError(.io, "cannot write the snapshot", file: tmp, errno: problem)
        }
        // rename(2) replaces the old file atomically, or creates the first one.
        guard rename(tmp, file) == 0 else {
            let problem = errno
            try? FileManager.default.removeItem(atPath: tmp)
            throw ProjectionError(.io, "cannot replace the snapshot", file: file, errno: problem)
        }
        if let legacy { unlink(legacy) }
    }

    /// Makes a directory and those above it that are missing, mode 0700 (a PostgreSQL
    /// log's snapshots live under the user's cache directory, made on first use).
    private static func makeDirectories(_ dir: String) throws {
        var path = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw ProjectionError(.io, "cannot make the snapshots' directory", file: path, errno: errno)
            }
        }
    }

    /// `file`, or the file's name in older builds when only that one is there.
    static func existing(_ file: String, legacy: String) -> String {
        access(file, F_OK) != 0 && access(legacy, F_OK) == 0 ? legacy : file
    }

    /// Reads a snapshot if it belongs to this log as it is now.
    ///
    /// - Returns: the position it was taken at and its body, or `nil` and why not (`nil`
    ///   and no reason when there is no file).
    static func load(_ file: String, magic: [UInt8], version: UInt32,
                     store: any EventLog) -> (found: (position: UInt64, body: [UInt8])?, note: String?) {
        guard let b = FileBytes.read(file) else { return (nil, nil) }
        func u32(_ at: Int) -> UInt32 { b[at..<(at + 4)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian } }
        func u64(_ at: Int) -> UInt64 { b[at..<(at + 8)].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian } }
        guard b.count >= 52, b.prefix(8).elementsEqual(magic) else { return (nil, "\(file) is not a snapshot; rebuilt") }
        guard u32(b.count - 4) == CRC32C.checksum(b[0..<(b.count - 4)]) else { return (nil, "\(file) is damaged (checksum); rebuilt") }
        guard u32(8) == version else { return (nil, "\(file) is of projection format \(u32(8)), this build writes \(version); rebuilt") }
        guard b[12..<28].elementsEqual(hexBytes(store.storeID)) else { return (nil, "\(file) belongs to another store; rebuilt") }
        let position = u64(28)
        guard position < store.endPosition, let crc = try? store.checksum(at: position), crc == u32(36) else {
            return (nil, "\(file) does not match this log at position \(position) (rewritten or cut); rebuilt")
        }
        let length = Int(u64(40))
        guard 48 + length + 4 == b.count else { return (nil, "\(file) does not decode; rebuilt") }
        return ((position, Array(b[48..<(48 + length)])), nil)
    }

    /// The store id's hex as its 16 bytes.
    static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.utf8.makeIterator()
        while let a = it.next(), let c = it.next() {
            func v(_ x: UInt8) -> UInt8 { x >= 97 ? x - 87 : x - 48 }
            out.append(v(a) << 4 | v(c))
        }
        return out
    }

    /// A body that does not decode.
    struct Malformed: Error {}

    static func fields(_ bytes: [UInt8]) throws -> [(Int, ProtoReader.Value)] {
        var r = ProtoReader(bytes: bytes)
        var out: [(Int, ProtoReader.Value)] = []
        while let f = try r.next() { out.append(f) }
        return out
    }
}
