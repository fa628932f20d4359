import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension EventStore {
    /// What ``verify(progress:)`` found.
    public struct VerifyReport: Sendable, Equatable {
        /// Records whose checksum and position were checked.
        public var records: UInt64
        /// Segment bytes read.
        public var bytes: Int64
        /// The first damage found, with its segment, offset and position; `nil` when
        /// every record is whole.
        public var damage: StoreError?
        /// The digest recomputed from the records, when every record is whole and
        /// agrees with the hashes the tree kept for it.
        public var digest: Digest?

        public init(records: UInt64, bytes: Int64, damage: StoreError?, digest: Digest? = nil) {
            self.records = records
            self.bytes = bytes
            self.damage = damage
            self.digest = digest
        }
    }

    /// Reads every record of the log and checks its checksum and position, checks the
    /// checksum of every persisted index, and recomputes the Merkle tree from the
    /// records: every leaf hash and every stored subtree hash must equal what the tree
    /// kept when the record was appended, so a record rewritten with a valid checksum
    /// is found too. Stops at the first damage and reports it with its position;
    /// damage makes the store refuse appends.
    ///
    /// - Parameter progress: Called now and then with the position reached and the
    ///   number of records, for a progress bar.
    /// - Returns: The report, with the recomputed digest when all is well.
    /// - Complexity: O(n) in the size of the log.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) -> VerifyReport {
        let (sealed, total, committed, activePath) = state.withLock { s in
            (s.sealed, s.nextPosition, s.active?.committedBytes ?? 0, s.active?.file.path)
        }
        var report = VerifyReport(records: 0, bytes: 0, damage: nil)
        report.bytes = sealed.reduce(0) { $0 + Int64($1.data.count) } + committed
        // The tree as kept, brought up to the end (the unpersisted tail is hashed from
        // the log: there is nothing older to compare it with).
        let treeReady = (try? currentTree(through: total)) != nil
        let pieces = VerifyPieces(total: total)
        let results = Mutex([PieceResult?](repeating: nil, count: pieces.count))
        let done = Atomic<UInt64>(0)
        nonisolated(unsafe) let progress = progress
        let workers = min(pieces.count, max(1, Self.verifyThreads))
        // While the cores hash, a thread of its own reads ahead of them and checks the
        // segments' indexes.
        let reader = VerifyReader(store: self, pieces: pieces, sealed: sealed)
        // Pieces are aligned blocks of the tree, checked on every core at once; each
        // gives its subtree roots, folded together at the end.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let i = reader.taken.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < pieces.count else { return }
                let range = pieces.range(i)
                var check = TreeCheck(tree: tree, base: range.lowerBound, hashes: treeReady)
                var result = PieceResult()
                // Records are hashed 64 at a time, a block of the tree (``RecordBlock``);
                // the pieces start at multiples of 4,096, so the blocks are aligned. The
                // records' bytes are read where they are mapped, not copied.
                let block = RecordBlock()
                do {
                    // The checksums too are checked here, with the hashes, four at a time.
                    try forEachRecord(from: range.lowerBound, through: range.upperBound - 1, checksums: false, { r in
                        result.records += 1
                        if result.records & 0xFFFF == 0 {
                            let n = done.wrappingAdd(0x10000, ordering: .relaxed).newValue
                            if worker == 0 { progress?(n, total) }
                        }
                        block.add(r)
                        if block.isFull { try check.check(block, path: directory) }
                        return true
                    }, finish: {
                        // Records that wait in a block not full (the piece's last, or
                        // those before damage), while their bytes are still mapped.
                        try check.check(block, path: directory)
                    })
                    result.hashes = check.frontier.hashes
                } catch let bad as ChecksumMismatch {
                    result.failure = checksumDamage(at: bad.position)
                } catch {
                    result.failure = Self.storeError(error, activePath ?? directory)
                }
                // The scan runs ahead of the checks: what counts is the records found whole.
                if let p = result.failure?.position, range.contains(p) { result.records = p - range.lowerBound }
                results.withLock { $0[i] = result }
            }
        }
        let indexDamage = reader.finish()
        let all = results.withLock { $0 }.map { $0 ?? PieceResult() }
        report.records = all.reduce(0) { $0 + $1.records }
        do {
            // A damaged index first, as when the indexes were checked before the records.
            if let indexDamage { throw indexDamage }
            // The first failure in log order, whatever thread found it first.
            if let failure = all.compactMap(\.failure).min(by: { ($0.position ?? .max) < ($1.position ?? .max) }) {
                throw failure
            }
            if treeReady {
                let root = try pieces.fold(all.map(\.hashes), tree: tree, path: directory)
                let kept = try tree.root(size: total)
                guard root == kept else {
                    throw StoreError(.corruptRecord, "the recomputed root \(root.hex) differs from the kept root \(kept.hex)", path: directory)
                }
                report.digest = Digest(size: total, root: kept)
            }
        } catch {
            report.damage = damaged(Self.storeError(error, activePath ?? directory))
        }
        // Damage found on open (or by an earlier read) lies past the readable prefix
        // just checked: it is still damage.
        if report.damage == nil, let known = damage {
            report.damage = known
            report.digest = nil
        }
        progress?(report.records, total)
        return report
    }
}

/// Reads ahead of `verify`'s cores on a thread of its own. Shortly before a core takes a
/// piece it touches a byte of each page of the piece's records, so that the kernel reads
/// them from disk while the cores hash the pieces before (a scan that faults its own pages
/// in waits for each read), and asks for the piece's kept leaf hashes. Reaching a sealed
/// segment, it checks its index's checksum. Touching waits for the disk: the hashing cores
/// never do it.
private final class VerifyReader: Sendable {
    /// The pieces the cores have taken: the next one to take.
    let taken = Atomic<Int>(0)
    private let stop = Atomic<Bool>(false)
    private let indexDamage = Mutex<StoreError?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    private let touched = Atomic<Int>(0)

    init(store: EventStore, pieces: VerifyPieces, sealed: [SealedSegment]) {
        let thread = Thread { [self] in
            var indexed = 0
            /// Checks the indexes of the segments that start before `end`, in order.
            func checkIndexes(before end: UInt64) {
                while indexed < sealed.count, sealed[indexed].firstPosition < end {
                    let seg = sealed[indexed]
                    indexed += 1
                    guard !seg.index.verifyBody() else { continue }
                    let e = StoreError(.corruptRecord, "index checksum mismatch for segment \(seg.path)",
                                       path: StoreFiles.name(first: seg.firstPosition, suffix: StoreFiles.indexSuffix))
                    indexDamage.withLock { if $0 == nil { $0 = e } }
                }
            }
            var k = 0
            while k < pieces.count, !stop.load(ordering: .relaxed) {
                // The pieces being hashed and the next one.
                guard k <= taken.load(ordering: .relaxed) else {
                    usleep(1000)
                    continue
                }
                let range = pieces.range(k)
                checkIndexes(before: range.upperBound)
                touch(range, sealed: sealed)
                store.tree.readAhead(height: 0, range)
                k += 1
            }
            checkIndexes(before: .max)
            finished.signal()
        }
        thread.name = "fp-ledger.verify-reader"
        thread.start()
    }

    /// Touches a byte of each page of the records `positions` in sealed segments.
    private func touch(_ positions: Range<UInt64>, sealed: [SealedSegment]) {
        var sum = 0
        for seg in sealed where seg.endPosition > positions.lowerBound && seg.firstPosition < positions.upperBound {
            let from = positions.lowerBound > seg.firstPosition ? Int(seg.index.seek(to: positions.lowerBound).offset) : 0
            // The sparse index gives an offset at or before a position: go on a little.
            let to = positions.upperBound < seg.endPosition ? Int(seg.index.seek(to: positions.upperBound).offset) + (256 << 10) : seg.data.count
            let bytes = seg.data.bytes
            for at in stride(from: from, to: min(to, bytes.count), by: 4096) { sum &+= Int(bytes[at]) }
        }
        touched.store(sum, ordering: .relaxed)  // so that the loads are not left out
    }

    /// Stops reading ahead, waits for the index checks, and returns the first damaged
    /// index (in log order).
    func finish() -> StoreError? {
        stop.store(true, ordering: .relaxed)
        finished.wait()
        return indexDamage.withLock { $0 }
    }
}

extension EventStore {
    /// The damage of a record whose checksum `verify` found wrong, as a checked read
    /// reports it: with its segment, offset and both checksums.
    fileprivate func checksumDamage(at position: UInt64) -> StoreError {
        do {
            try forEachRecord(from: position, through: position) { _ in true }
        } catch {
            return Self.storeError(error, directory)
        }
        // Read whole this time: the file changed while it was verified.
        return StoreError(.corruptRecord, "record damaged: checksum mismatch, then whole when read again", path: directory,
                          position: position)
    }

    /// Threads `verify` hashes on: the machine's cores.
    static var verifyThreads: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Up to 64 records waiting to be hashed together, a perfect block of the tree: their
/// leaves four at a time, then the block's 63 nodes four at a time, so the CPU's SHA unit
/// works on four messages at once. The records' bytes are where the scan found them
/// (``EventStore/forEachRecord(from:through:_:finish:)`` keeps them mapped until it ends).
private final class RecordBlock {
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

/// The record at `position` does not match its checksum (found by ``TreeCheck``, which
/// knows neither its segment nor its offset: `verify` reads it again to say).
private struct ChecksumMismatch: Error {
    let position: UInt64
}

/// What one piece of the log gave: its records, its subtree roots, or what was wrong.
private struct PieceResult {
    var records: UInt64 = 0
    var hashes: [MerkleHash] = []
    var failure: StoreError?
}

/// The log cut into blocks of 2^s records aligned in the tree (the last one shorter),
/// so each block is a perfect subtree (or the ragged right edge) checked on its own.
private struct VerifyPieces {
    let total: UInt64
    let shift: Int
    var count: Int { total == 0 ? 0 : Int((total + (1 << UInt64(shift)) - 1) >> UInt64(shift)) }

    init(total: UInt64) {
        self.total = total
        // About 32 pieces, none smaller than 4,096 records.
        let bits = 64 - total.leadingZeroBitCount
        shift = max(12, bits - 5)
    }

    func range(_ i: Int) -> Range<UInt64> {
        let lo = UInt64(i) << UInt64(shift)
        return lo..<min(total, lo + (1 << UInt64(shift)))
    }

    /// The root over all pieces: whole blocks merge as leaves of height `shift`
    /// (each merge checked against the stored hash of its height where one is kept),
    /// then the last block's own subtrees follow.
    func fold(_ pieces: [[MerkleHash]], tree: LogTree, path: String) throws -> MerkleHash {
        guard total > 0 else { return .emptyTree }
        var top = MerkleFrontier()
        var mismatch: (Int, UInt64)?
        let whole = Int(total >> UInt64(shift))
        for i in 0..<whole {
            top.append(pieces[i][0]) { j, index, hash in
                let height = shift + j
                guard mismatch == nil, height % LogTree.levelStride == 0, index < tree.storedCount(height: height) else { return }
                if (try? tree.stored(height: height, index..<(index + 1)).first) != hash { mismatch = (height, index) }
            }
        }
        if let (height, index) = mismatch { throw storedHashDamaged(height: height, index: index, path: path) }
        // The whole blocks' subtrees, then the last block's: the tree's right edge.
        return MerkleFrontier(size: total, hashes: top.hashes + (whole < pieces.count ? pieces[whole] : [])).root
    }
}

/// A stored subtree hash that differs from the one recomputed from records that all
/// matched their kept leaf hashes: the tree file is what is damaged.
private func storedHashDamaged(height: Int, index: UInt64, path: String) -> StoreError {
    let first = index << UInt64(height)
    return StoreError(.corruptRecord,
                      "the tree's stored hash of records \(first)...\(first + (1 << UInt64(height)) - 1) does not match them (height \(height)): the tree file is damaged",
                      path: path + "/" + TreeHead.levelFileName(height: height), position: first)
}

/// Recomputes the tree leaf by leaf over one piece starting at `base` (a multiple of
/// 2^h for every height h the piece reaches) and compares it with the kept hashes.
private struct TreeCheck {
    let tree: LogTree
    let base: UInt64
    var frontier = MerkleFrontier()
    /// How many hashes of each stored height the tree held when the check began.
    let counts: [UInt64]
    /// A run of kept hashes per stored height, read 4,096 at a time.
    var runs: [(from: UInt64, hashes: [MerkleHash])]

    /// Whether the tree is recomputed (false: the kept tree could not be brought up to
    /// the log's end, and only the checksums are checked).
    let hashes: Bool

    init(tree: LogTree, base: UInt64, hashes: Bool) {
        self.tree = tree
        self.base = base
        self.hashes = hashes
        counts = stride(from: 0, to: 64, by: LogTree.levelStride).map { tree.storedCount(height: $0) }
        runs = Array(repeating: (0, []), count: counts.count)
    }

    /// The kept hash of `height` at `index`, `nil` when the tree keeps none there.
    mutating func kept(height: Int, index: UInt64) throws -> MerkleHash? {
        let k = height / LogTree.levelStride
        guard index < counts[k] else { return nil }
        if index < runs[k].from || index >= runs[k].from + UInt64(runs[k].hashes.count) {
            runs[k] = (index, try tree.stored(height: height, index..<min(counts[k], index + 4096)))
        }
        return runs[k].hashes[Int(index - runs[k].from)]
    }

    /// The first of `hashes` (those of `height` from `index` on) that differs from the
    /// kept one, with the kept one; `nil` when every one the tree keeps matches. One
    /// comparison of memory when they lie in one run of kept hashes (blocks do).
    mutating func firstDifference(height: Int, from index: UInt64,
                                  _ hashes: UnsafeBufferPointer<MerkleHash>) throws -> (offset: Int, kept: MerkleHash)? {
        let k = height / LogTree.levelStride
        let n = index < counts[k] ? Int(min(UInt64(hashes.count), counts[k] - index)) : 0
        guard n > 0, try kept(height: height, index: index) != nil else { return nil }
        let run = runs[k]
        if index + UInt64(n) <= run.from + UInt64(run.hashes.count) {
            let same = run.hashes.withUnsafeBytes { kept in
                memcmp(kept.baseAddress! + Int(index - run.from) * MerkleHash.byteCount, hashes.baseAddress!, n * MerkleHash.byteCount) == 0
            }
            if same { return nil }
        }
        for j in 0..<n {
            if let kept = try kept(height: height, index: index + UInt64(j)), kept != hashes[j] { return (j, kept) }
        }
        return nil
    }

    /// Checks the records waiting in `block` and empties it (so that a block that fails
    /// is not checked again): their checksums first, four at a time; then a full block
    /// (64 records from a multiple of 64) has its leaves compared with the kept leaves in
    /// order, its nodes of a stored height with the kept ones, and its root added to the
    /// frontier as a subtree, as 64 calls of ``add(_:position:path:)`` would; a block not
    /// full goes leaf by leaf. A record whose checksum fails ends the check after the
    /// records before it (``ChecksumMismatch``).
    mutating func check(_ block: RecordBlock, path: String) throws {
        let first = block.first, count = block.count
        guard count > 0 else { return }
        let bad = block.firstBadChecksum()
        guard hashes else {
            block.clear()
            if let bad { throw ChecksumMismatch(position: first + UInt64(bad)) }
            return
        }
        guard bad == nil, block.isFull else {
            let leaves = block.hashLeaves()
            block.clear()
            for k in 0..<(bad ?? count) { try add(leaves[k], position: first + UInt64(k), path: path) }
            if let bad { throw ChecksumMismatch(position: first + UInt64(bad)) }
            return
        }
        block.hashAll()
        block.clear()
        let leaves = block.level(0)
        if let (k, kept) = try firstDifference(height: 0, from: first, leaves) {
            throw mismatch(position: first + UInt64(k), kept: kept, computed: leaves[k], path: path)
        }
        for height in stride(from: LogTree.levelStride, to: RecordBlock.height, by: LogTree.levelStride) {
            if let (k, _) = try firstDifference(height: height, from: first >> UInt64(height), block.level(height)) {
                // Every leaf below matched: the stored subtree hash is what is wrong.
                throw storedHashDamaged(height: height, index: (first >> UInt64(height)) + UInt64(k), path: path)
            }
        }
        try append(block.level(RecordBlock.height)[0], height: RecordBlock.height, first: first, path: path)
    }

    mutating func add(_ leaf: MerkleHash, position: UInt64, path: String) throws {
        if let kept = try kept(height: 0, index: position), kept != leaf {
            throw mismatch(position: position, kept: kept, computed: leaf, path: path)
        }
        try append(leaf, height: 0, first: position, path: path)
    }

    /// Appends a checked subtree (a leaf: height 0) whose first leaf is `first`, and
    /// compares it (above the leaves) and every node it completes with the kept hashes.
    private mutating func append(_ root: MerkleHash, height: Int, first: UInt64, path: String) throws {
        var completed: [(Int, UInt64, MerkleHash)] = height > 0 && height % LogTree.levelStride == 0
            ? [(height, first >> UInt64(height), root)] : []
        let base = self.base
        frontier.append(subtree: root, height: height) { h, relative, hash in
            if h % LogTree.levelStride == 0 { completed.append((h, (base >> UInt64(h)) + relative, hash)) }
        }
        for (h, index, hash) in completed {
            guard let kept = try kept(height: h, index: index), kept != hash else { continue }
            // Every leaf below matched: the stored subtree hash is what is wrong.
            throw storedHashDamaged(height: h, index: index, path: path)
        }
    }

    /// A record whose leaf hash differs from the one kept: the record was changed, or
    /// the kept leaf hash was. When the kept leaves of its block (16 records) still fold to
    /// the block's kept hash, the leaves file is consistent and the record changed;
    /// when they do not, the leaves file is damaged.
    private func mismatch(position: UInt64, kept: MerkleHash, computed: MerkleHash, path: String) -> StoreError {
        let height = LogTree.levelStride
        let block = position >> UInt64(height)
        let first = block << UInt64(height)
        if block < tree.storedCount(height: height),
           let leaves = try? tree.stored(height: 0, first..<(first + (1 << UInt64(height)))),
           let blockHash = try? tree.stored(height: height, block..<(block + 1)).first {
            var f = MerkleFrontier()
            for l in leaves { f.append(l) }
            if f.root != blockHash {
                return StoreError(.corruptRecord,
                                  "the kept leaf hash of this record is damaged (kept \(kept.hex), computed \(computed.hex)); the record agrees with the rest of the tree. Remove TREE and tree-*.hashes to rebuild them from the log",
                                  path: path + "/" + TreeHead.levelFileName(height: 0), position: position)
            }
        }
        return StoreError(.corruptRecord,
                          "record does not match the hash kept when it was appended (kept \(kept.hex), computed \(computed.hex)): it was changed afterwards",
                          path: path, position: position)
    }
}
