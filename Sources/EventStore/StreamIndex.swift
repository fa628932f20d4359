import Synchronization

/// A 64-bit hash of a stream name: FNV-1a over its UTF-8 bytes, then the SplitMix64
/// finaliser so that the bits used by the Bloom filter are well mixed. Collisions are
/// possible and harmless: every lookup checks the stream name in the record itself.
enum StreamHash {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        h ^= h &>> 30; h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h &>> 27; h = h &* 0x94d0_49bb_1331_11eb
        h ^= h &>> 31
        return h
    }

    static func of(_ name: String) -> UInt64 {
        var name = name
        return name.withUTF8 { of(UnsafeRawBufferPointer($0)) }
    }
}

/// One index entry: where version `version` of the stream with hash `hash` starts
/// in its segment.
struct IndexEntry: Comparable {
    var hash: UInt64
    var version: UInt64
    var offset: UInt64

    static func < (a: IndexEntry, b: IndexEntry) -> Bool {
        a.hash != b.hash ? a.hash < b.hash : a.version < b.version
    }
}

/// The persisted index of one sealed segment (`<first position>.idx`). Immutable once
/// written; memory-mapped, so opening a store reads only the headers.
///
/// ```
/// header (64 bytes)
///   0  8   magic "FPLINDEX"
///   8  u16 format version (1)
///  10  u16 header size (64)
///  12  u32 Bloom filter hash count k
///  16  u64 first position of the segment
///  24  u64 record count N
///  32  u64 segment length in bytes that this index covers
///  40  u64 streams started in this segment (records with version 0)
///  48  u64 Bloom filter length in bytes B (a multiple of 8)
///  56  u32 sparse interval I (an offset is kept for every I-th record)
///  60  u32 CRC-32C of bytes 0 ..< 60
/// entries: N x 24 bytes (stream hash u64, version u64, segment offset u64), sorted by
///          hash, then version
/// sparse:  ceil(N / I) x u64: the offset of records first, first+I, first+2I, ...
/// bloom:   B bytes over the stream hashes
/// trailer: u32 CRC-32C of entries, sparse and bloom (checked by verify, not on open)
/// ```
struct SegmentIndex: @unchecked Sendable {
    // @unchecked: `storage` is immutable after init (a read-only mapping or an array
    // that is never mutated); every access is a read.
    static let headerSize = 64
    static let magic: [UInt8] = Array("FPLINDEX".utf8)
    static let sparseInterval = 64

    private enum Storage {
        case mapped(MappedFile)
        case memory(OwnedBytes)
    }

    private let storage: Storage
    /// Counts lookups until the second, when the mapping is filled in (``entries(hash:from:)``).
    private let lookups = SecondLookup()
    let bytes: UnsafeRawBufferPointer
    let firstPosition: UInt64
    let recordCount: UInt64
    let coveredBytes: UInt64
    let streamsStarted: UInt64
    private let bloomHashes: Int
    private let bloomBytes: Int
    private let sparseCount: Int

    private var entriesStart: Int { SegmentIndex.headerSize }
    private var sparseStart: Int { entriesStart + Int(recordCount) * 24 }
    private var bloomStart: Int { sparseStart + sparseCount * 8 }

    /// Opens a persisted index by mapping it; checks the header, not the body.
    init(path: String) throws {
        let file = try MappedFile(path: path)
        try self.init(storage: .mapped(file), bytes: file.bytes, path: path)
    }

    /// Wraps an index built in memory (used when it could not be persisted).
    init(memory: [UInt8]) throws {
        let owned = OwnedBytes(memory)
        try self.init(storage: .memory(owned), bytes: owned.bytes, path: "(memory)")
    }

    private init(storage: Storage, bytes: UnsafeRawBufferPointer, path: String) throws {
        self.storage = storage
        self.bytes = bytes
        guard bytes.count >= SegmentIndex.headerSize, bytes.prefix(8).elementsEqual(SegmentIndex.magic) else {
            throw StoreError(.corruptRecord, "not an index file", path: path, offset: 0)
        }
        let stored = bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self).littleEndian
        guard stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<60])) else {
            throw StoreError(.corruptRecord, "index header checksum mismatch", path: path, offset: 0)
        }
        let version = bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian
        guard version == 1 else {
            throw StoreError(.unsupportedFormat, "index format version \(version); this build reads version 1", path: path, offset: 8)
        }
        func u64(_ at: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }
        bloomHashes = Int(bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
        firstPosition = u64(16)
        recordCount = u64(24)
        coveredBytes = u64(32)
        streamsStarted = u64(40)
        bloomBytes = Int(u64(48))
        let interval = Int(bytes.loadUnaligned(fromByteOffset: 56, as: UInt32.self).littleEndian)
        guard interval == SegmentIndex.sparseInterval, recordCount < (1 << 40), bloomBytes % 8 == 0, bloomBytes > 0 else {
            throw StoreError(.corruptRecord, "index header fields out of range", path: path, offset: 0)
        }
        sparseCount = (Int(recordCount) + interval - 1) / interval
        let expected = SegmentIndex.headerSize + Int(recordCount) * 24 + sparseCount * 8 + bloomBytes + 4
        guard bytes.count == expected else {
            throw StoreError(.corruptRecord, "index file is \(bytes.count) bytes, its header says \(expected)", path: path, offset: Int64(bytes.count))
        }
    }

    /// Checks the trailer checksum over the whole body.
    ///
    /// - Complexity: O(n) in the index size.
    func verifyBody() -> Bool {
        let end = bytes.count - 4
        let stored = bytes.loadUnaligned(fromByteOffset: end, as: UInt32.self).littleEndian
        return stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[SegmentIndex.headerSize..<end]))
    }

    @inline(__always)
    func entry(_ i: Int) -> IndexEntry {
        let at = entriesStart + i * 24
        return IndexEntry(
            hash: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian,
            version: bytes.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self).littleEndian,
            offset: bytes.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self).littleEndian)
    }

    /// The offset of the record at sparse slot `i` (position first + i * interval).
    func sparseOffset(_ i: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: sparseStart + i * 8, as: UInt64.self).littleEndian
    }

    /// The nearest indexed offset at or before `position`, with that record's position.
    func seek(to position: UInt64) -> (position: UInt64, offset: UInt64) {
        let slot = min(Int((position - firstPosition) / UInt64(SegmentIndex.sparseInterval)), sparseCount - 1)
        return (firstPosition + UInt64(slot * SegmentIndex.sparseInterval), sparseOffset(slot))
    }

    /// Whether the segment may hold the stream (false: it certainly does not).
    func mayContain(hash: UInt64) -> Bool {
        Bloom.mayContain(hash: hash, bits: UnsafeRawBufferPointer(rebasing: bytes[bloomStart..<(bloomStart + bloomBytes)]), k: bloomHashes)
    }

    /// The index of the first entry not less than `(hash, version)`.
    ///
    /// - Complexity: O(log n).
    func lowerBound(hash: UInt64, version: UInt64) -> Int {
        var lo = 0, hi = Int(recordCount)
        let key = IndexEntry(hash: hash, version: version, offset: 0)
        while lo < hi {
            let mid = (lo + hi) / 2
            if entry(mid) < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The entries of every stream with this hash, from `version` on, in version order
    /// per stream (several streams may share a hash).
    ///
    /// - Complexity: O(log n + k) for k entries returned.
    func entries(hash: UInt64, from version: UInt64) -> [IndexEntry] {
        // A binary search touches pages all over the file; the first touch of each is a
        // page fault, and in a fresh process those made the first few thousand lookups
        // slow (p99 195 us against 70). The second lookup maps the whole file (about a
        // millisecond a segment, once): a process that asks one question and leaves does
        // not pay for it, one that goes on asking stops taking the faults.
        if case .mapped(let file) = storage, lookups.second() { file.populate() }
        guard mayContain(hash: hash) else { return [] }
        var i = lowerBound(hash: hash, version: version)
        var out: [IndexEntry] = []
        while i < Int(recordCount) {
            let e = entry(i)
            if e.hash != hash { break }
            out.append(e)
            i += 1
        }
        return out
    }

    /// Builds the bytes of an index from the entries of a segment in append order.
    ///
    /// - Parameters:
    ///   - appendOrder: one entry per record, in position order.
    /// - Complexity: O(n log n).
    static func build(firstPosition: UInt64, appendOrder: [IndexEntry], coveredBytes: UInt64, streamsStarted: UInt64) -> [UInt8] {
        let n = appendOrder.count
        let sorted = appendOrder.sorted()
        var distinct = 0
        var last: UInt64? = nil
        for e in sorted where e.hash != last { distinct += 1; last = e.hash }
        let bloomBits = max(64, ((distinct * 10 + 63) / 64) * 64)
        var bloom = [UInt8](repeating: 0, count: bloomBits / 8)
        let k = 7
        for e in sorted { Bloom.insert(hash: e.hash, bits: &bloom, k: k) }

        var b: [UInt8] = magic
        b.reserveCapacity(headerSize + n * 24 + (n / sparseInterval + 1) * 8 + bloom.count + 4)
        b.appendLE(UInt16(1))
        b.appendLE(UInt16(headerSize))
        b.appendLE(UInt32(k))
        b.appendLE(firstPosition)
        b.appendLE(UInt64(n))
        b.appendLE(coveredBytes)
        b.appendLE(streamsStarted)
        b.appendLE(UInt64(bloom.count))
        b.appendLE(UInt32(sparseInterval))
        b.appendLE(CRC32C.checksum(b))
        for e in sorted {
            b.appendLE(e.hash)
            b.appendLE(e.version)
            b.appendLE(e.offset)
        }
        var i = 0
        while i < n {
            b.appendLE(appendOrder[i].offset)
            i += sparseInterval
        }
        b.append(contentsOf: bloom)
        let crc = b.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        b.appendLE(crc)
        return b
    }
}

/// A Bloom filter over 64-bit stream hashes, with k probes by double hashing.
enum Bloom {
    @inline(__always)
    private static func probes(_ hash: UInt64) -> (UInt64, UInt64) {
        (hash, (hash &>> 33 | hash &<< 31) | 1)
    }

    static func insert(hash: UInt64, bits: inout [UInt8], k: Int) {
        let m = UInt64(bits.count * 8)
        let (h1, h2) = probes(hash)
        for i in 0..<UInt64(k) {
            let bit = (h1 &+ i &* h2) % m
            bits[Int(bit / 8)] |= UInt8(1) << (bit % 8)
        }
    }

    static func mayContain(hash: UInt64, bits: UnsafeRawBufferPointer, k: Int) -> Bool {
        let m = UInt64(bits.count * 8)
        let (h1, h2) = probes(hash)
        for i in 0..<UInt64(k) {
            let bit = (h1 &+ i &* h2) % m
            if bits[Int(bit / 8)] & (UInt8(1) << (bit % 8)) == 0 { return false }
        }
        return true
    }
}

/// The index of the active (last) segment, kept in memory and rebuilt by scanning
/// the segment on open. Becomes a ``SegmentIndex`` when the segment is sealed.
struct ActiveIndex {
    /// One entry per record, in position order.
    var entries: [IndexEntry] = []
    /// For each stream hash, the index into `entries` of its latest record; with
    /// `previous`, a chain back through the stream's records. No array per stream: an
    /// active segment touching 200,000 households builds in one pass of small stores.
    var latest: [UInt64: Int32] = [:]
    /// For each entry, the index of the previous entry with the same hash, or -1.
    var previous: [Int32] = []
    var streamsStarted: UInt64 = 0

    mutating func add(_ e: IndexEntry) {
        let index = Int32(entries.count)
        previous.append(latest.updateValue(index, forKey: e.hash) ?? -1)
        entries.append(e)
        if e.version == 0 { streamsStarted += 1 }
    }

    mutating func removeLast(_ n: Int) {
        for _ in 0..<n {
            guard let e = entries.popLast(), let prev = previous.popLast() else { return }
            latest[e.hash] = prev < 0 ? nil : prev
            if e.version == 0 { streamsStarted -= 1 }
        }
    }

    /// Entries of streams with this hash from `version` on.
    func entries(hash: UInt64, from version: UInt64) -> [IndexEntry] {
        var out: [IndexEntry] = []
        var i = latest[hash] ?? -1
        while i >= 0 {
            let e = entries[Int(i)]
            if e.version >= version { out.append(e) }
            i = previous[Int(i)]
        }
        return out.reversed()
    }
}

/// True the second time it is asked, false before and after.
private final class SecondLookup: Sendable {
    private let asked = Atomic<Int>(0)

    func second() -> Bool {
        asked.load(ordering: .relaxed) < 2 && asked.wrappingAdd(1, ordering: .relaxed).newValue == 2
    }
}
