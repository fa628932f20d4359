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
        var check = TreeCheck(tree: tree)
        do {
            try forEachRecord(from: 0, through: total == 0 ? nil : total - 1) { r in
                report.records += 1
                if report.records & 0xFFFF == 0 { progress?(r.position, total) }
                if treeReady { try check.add(MerkleHash.leaf(r.canonicalBytes), position: r.position, path: directory) }
                return true
            }
            if treeReady {
                let kept = try tree.root(size: total)
                guard check.frontier.root == kept else {
                    throw StoreError(.corruptRecord, "the recomputed root \(check.frontier.root.hex) differs from the kept root \(kept.hex)",
                                     path: directory)
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

/// Recomputes the tree leaf by leaf and compares it with the hashes the store kept.
private struct TreeCheck {
    let tree: LogTree
    var frontier = MerkleFrontier()
    var keptLeaves: [MerkleHash] = []
    var keptFrom: UInt64 = 0

    init(tree: LogTree) { self.tree = tree }

    mutating func add(_ leaf: MerkleHash, position: UInt64, path: String) throws {
        if position >= keptFrom + UInt64(keptLeaves.count) {
            keptFrom = position
            let end = min(tree.storedCount(height: 0), position + 4096)
            keptLeaves = position < end ? try tree.stored(height: 0, position..<end) : []
        }
        let i = Int(position - keptFrom)
        if i < keptLeaves.count, keptLeaves[i] != leaf {
            throw mismatch(position: position, kept: keptLeaves[i], computed: leaf, path: path)
        }
        var mismatch: (Int, UInt64)?
        let tree = self.tree
        frontier.append(leaf) { height, index, hash in
            guard mismatch == nil, height % LogTree.levelStride == 0, index < tree.storedCount(height: height) else { return }
            if (try? tree.stored(height: height, index..<(index + 1)).first) != hash { mismatch = (height, index) }
        }
        if let (height, index) = mismatch {
            // Every leaf below matched: the stored subtree hash is what is wrong.
            let first = index << UInt64(height)
            throw StoreError(.corruptRecord,
                             "the tree's stored hash of records \(first)...\(first + (1 << UInt64(height)) - 1) does not match them (height \(height)): the tree file is damaged",
                             path: path + "/" + TreeHead.levelFileName(height: height), position: first)
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
