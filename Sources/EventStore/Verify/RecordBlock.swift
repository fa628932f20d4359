/// Up to 64 records waiting to be hashed together, a perfect block of the tree: their
/// leaves four at a time, then the block's 63 nodes four at a time, so the CPU's SHA unit
/// works on four messages at once. The records' bytes are where the scan found them
/// (``EventStore/forEachRecord(from:through:checksums:_:finish:)`` keeps them mapped until it
/// ends).
final class RecordBlock {
    static let height = 6
    static let capacity = 1 << height
    private let records = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: capacity)
    private let lengths = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    /// What each record's checksum covers, the checksum its frame holds, and the one
    /// computed.
    private let checksummed = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: capacity)
    private let checksummedLengths = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    private let storedChecksums = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
    private let checksums = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
    /// The block's hashes level by level: 64 leaves, the 32 nodes above them, ..., the root.
    private let levels = UnsafeMutablePointer<MerkleHash>.allocate(capacity: 2 * capacity - 1)
    private(set) var count = 0
    private(set) var first: UInt64 = 0

    deinit {
        for p in [records, checksummed] as [UnsafeMutablePointer<UnsafeRawPointer?>] { p.deallocate() }
        for p in [lengths, checksummedLengths] { p.deallocate() }
        for p in [storedChecksums, checksums] { p.deallocate() }
        levels.deallocate()
    }

    var isFull: Bool { count == Self.capacity }

    /// Takes a record, and what its checksum covers and holds: read now, while the record
    /// is in the cache (derived later, in a second pass, verify ran 2% slower).
    func add(_ r: BorrowedRecord) {
        if count == 0 { first = r.position }
        let bytes = r.canonicalBytes
        records[count] = bytes.baseAddress
        lengths[count] = bytes.count
        let covered = RecordFrame.checksummedBytes(ofBody: bytes)
        checksummed[count] = covered.baseAddress
        checksummedLengths[count] = covered.count
        storedChecksums[count] = RecordFrame.storedChecksum(ofBody: bytes)
        count += 1
    }

    /// The first record waiting whose checksum does not match its frame's (its index in
    /// the block), `nil` when all match.
    func firstBadChecksum() -> Int? {
        CRC32C.checksums(checksummed, lengths: checksummedLengths, count: count, into: checksums)
        return (0..<count).first { checksums[$0] != storedChecksums[$0] }
    }

    func clear() { count = 0 }

    /// Hashes a full block: its 64 leaves, then level by level up to its root.
    func hashAll() {
        precondition(isFull)
        MerkleHash.leaves(records, lengths: lengths, count: count, into: levels)
        var start = 0, width = Self.capacity
        while width > 1 {
            MerkleHash.nodes(levels + start, pairs: width / 2, into: levels + start + width)
            start += width
            width /= 2
        }
    }

    /// The hashes of `height` (0 for the leaves) of the block last hashed whole.
    func level(_ height: Int) -> UnsafeBufferPointer<MerkleHash> {
        var start = 0, width = Self.capacity
        for _ in 0..<height {
            start += width
            width /= 2
        }
        return UnsafeBufferPointer(start: levels, count: 2 * Self.capacity - 1).extracting(start..<(start + width))
    }

    /// The leaf hashes of the records waiting, in order (a block not full).
    func hashLeaves() -> [MerkleHash] {
        MerkleHash.leaves(records, lengths: lengths, count: count, into: levels)
        return Array(UnsafeBufferPointer(start: levels, count: count))
    }
}
