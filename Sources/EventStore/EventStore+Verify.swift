import Dispatch
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
        for seg in sealed where !seg.index.verifyBody() {
            let e = damaged(StoreError(.corruptRecord, "index checksum mismatch for segment \(seg.path)",
                                       path: StoreFiles.name(first: seg.firstPosition, suffix: StoreFiles.indexSuffix)))
            report.damage = e
            return report
        }
        report.bytes = sealed.reduce(0) { $0 + Int64($1.data.count) } + committed
        // The tree as kept, brought up to the end (the unpersisted tail is hashed from
        // the log: there is nothing older to compare it with).
        let treeReady = (try? currentTree(through: total)) != nil
        let pieces = VerifyPieces(total: total)
        let results = Mutex([PieceResult?](repeating: nil, count: pieces.count))
        let next = Atomic<Int>(0)
        let done = Atomic<UInt64>(0)
        nonisolated(unsafe) let progress = progress
        let workers = min(pieces.count, max(1, Self.verifyThreads))
        // Pieces are aligned blocks of the tree, checked on every core at once; each
        // gives its subtree roots, folded together at the end.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < pieces.count else { return }
                let range = pieces.range(i)
                var check = TreeCheck(tree: tree, base: range.lowerBound)
                var result = PieceResult()
                // Records are hashed 16 at a time, a block of the tree (``LeafBatch``);
                // the pieces start at multiples of 4,096, so the blocks are aligned.
                var batch = LeafBatch()
                /// Records that wait in a batch not full, checked one by one.
                func checkWaiting() throws {
                    for (k, leaf) in batch.leaves().enumerated() { try check.add(leaf, position: batch.first + UInt64(k), path: directory) }
                    batch.clear()
                }
                do {
                    try forEachRecord(from: range.lowerBound, through: range.upperBound - 1) { r in
                        result.records += 1
                        if result.records & 0xFFFF == 0 {
                            let n = done.wrappingAdd(0x10000, ordering: .relaxed).newValue
                            if worker == 0 { progress?(n, total) }
                        }
                        guard treeReady else { return true }
                        batch.add(r)
                        if batch.isFull {
                            // Emptied first: a block that fails is not checked again below.
                            let (leaves, first) = (batch.leaves(), batch.first)
                            batch.clear()
                            try check.addBlock(leaves, first: first, path: directory)
                        }
                        return true
                    }
                    try checkWaiting()
                    result.hashes = check.frontier.hashes
                } catch {
                    // Records that waited in the batch come before the failure after them.
                    do { try checkWaiting(); result.failure = Self.storeError(error, activePath ?? directory) } catch let earlier {
                        result.failure = Self.storeError(earlier, activePath ?? directory)
                    }
                }
                results.withLock { $0[i] = result }
            }
        }
        let all = results.withLock { $0 }.map { $0 ?? PieceResult() }
        report.records = all.reduce(0) { $0 + $1.records }
        do {
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

extension EventStore {
    /// Threads `verify` hashes on: the machine's cores.
    static var verifyThreads: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Up to 16 records waiting to be hashed together (copied: a borrowed record lasts its
/// call), a perfect block of the tree: two leaves at a time and, in ``TreeCheck/addBlock``,
/// two nodes at a time, so the CPU's SHA unit works on two messages at once.
private struct LeafBatch {
    static let height = 4
    static let count = 1 << height
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private(set) var first: UInt64 = 0

    init() {
        bytes.reserveCapacity(Self.count * 256)
        ends.reserveCapacity(Self.count)
    }

    var isFull: Bool { ends.count == Self.count }

    mutating func add(_ r: BorrowedRecord) {
        if ends.isEmpty { first = r.position }
        bytes.append(contentsOf: r.canonicalBytes)
        ends.append(bytes.count)
    }

    mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// The leaf hashes of the records waiting, in order.
    func leaves() -> [MerkleHash] {
        var out: [MerkleHash] = []
        out.reserveCapacity(ends.count)
        bytes.withUnsafeBytes { all in
            func record(_ k: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: all[(k == 0 ? 0 : ends[k - 1])..<ends[k]])
            }
            var k = 0
            while k + 1 < ends.count {
                let (x, y) = MerkleHash.leaves(record(k), record(k + 1))
                out.append(x)
                out.append(y)
                k += 2
            }
            if k < ends.count { out.append(MerkleHash.leaf(record(k))) }
        }
        return out
    }
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

    init(tree: LogTree, base: UInt64) {
        self.tree = tree
        self.base = base
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

    /// A block of 16 leaves starting at `first` (a multiple of 16): each checked against
    /// the kept leaves in order, then its nodes hashed two at a time and its root added
    /// to the frontier as a subtree, as 16 calls of ``add(_:position:path:)`` would.
    mutating func addBlock(_ leaves: [MerkleHash], first: UInt64, path: String) throws {
        for (k, leaf) in leaves.enumerated() {
            if let kept = try kept(height: 0, index: first + UInt64(k)), kept != leaf {
                throw mismatch(position: first + UInt64(k), kept: kept, computed: leaf, path: path)
            }
        }
        var level = leaves
        while level.count > 1 {
            var next: [MerkleHash] = []
            next.reserveCapacity(level.count / 2)
            var k = 0
            while k + 3 < level.count {
                let (x, y) = MerkleHash.nodes((level[k], level[k + 1]), (level[k + 2], level[k + 3]))
                next.append(x)
                next.append(y)
                k += 4
            }
            if k + 1 < level.count { next.append(MerkleHash.node(level[k], level[k + 1])) }
            level = next
        }
        try append(level[0], height: LeafBatch.height, first: first, path: path)
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
