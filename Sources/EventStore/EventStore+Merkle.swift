extension EventStore {
    /// The digest of the whole log as it stands.
    ///
    /// - Throws: ``StoreError`` when the log cannot be read to bring the tree up to
    ///   date (damage).
    /// - Complexity: O(1) when the tree is current; the first call after opening
    ///   hashes the active segment's records.
    public func digest() throws -> Digest {
        let n = endPosition
        try currentTree(through: n)
        return Digest(size: n, root: try tree.root(size: n))
    }

    /// The digest of the first `size` records: what the log's digest was when it
    /// held that many.
    ///
    /// - Throws: ``StoreError`` `invalidArgument` when the log holds fewer records.
    /// - Complexity: O(log n) stored hashes.
    public func digest(size: UInt64) throws -> Digest {
        let n = endPosition
        _ = try ProofRequest.size(size, end: n, place: directory)
        try currentTree(through: n)
        return Digest(size: size, root: try tree.root(size: size))
    }

    /// Proof that the record at `position` is in the tree of `size` records (default:
    /// the whole log).
    ///
    /// - Throws: ``StoreError`` `invalidArgument` when the position or size is out of
    ///   range.
    /// - Complexity: O(log n) stored hashes.
    public func inclusionProof(position: UInt64, size: UInt64? = nil) throws -> InclusionProof {
        let n = endPosition
        let size = try ProofRequest.inclusion(position: position, size: size, end: n, place: directory)
        try currentTree(through: n)
        var bytes: [UInt8] = []
        try forEachRecord(from: position, through: position) { r in
            bytes = Array(r.canonicalBytes)
            return false
        }
        return InclusionProof(position: position, size: size, leafHash: try tree.leaf(position), root: try tree.root(size: size),
                              hashes: try tree.inclusionProof(index: position, size: size), canonicalBytes: bytes)
    }

    /// Proof that the tree of `newSize` records (default: the whole log) extends the
    /// tree of `oldSize`.
    ///
    /// - Throws: ``StoreError`` `invalidArgument` when `oldSize` is 0 or the sizes are
    ///   out of order or past the log's end.
    /// - Complexity: O(log n) stored hashes.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64? = nil) throws -> ConsistencyProof {
        let n = endPosition
        let newSize = try ProofRequest.consistency(from: oldSize, to: newSize, end: n, place: directory)
        try currentTree(through: n)
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, oldRoot: try tree.root(size: oldSize),
                                newRoot: try tree.root(size: newSize),
                                hashes: try tree.consistencyProof(oldSize: oldSize, newSize: newSize))
    }

    /// Whether the Merkle tree kept on disk covers fewer records than the sealed
    /// segments hold (a store written before the tree existed, or whose tree files
    /// were removed), or no longer described the records when the store was opened
    /// (``RecoveryReport/treeRepairs``). A read-only open then hashes those records on
    /// every digest; one open for writing hashes and persists them once.
    public var merkleTreeNeedsWriting: Bool { tree.persistedSize() < sealedEnd || !tree.repairs.isEmpty }

    /// Brings the tree up to `size` records from the log.
    func currentTree(through size: UInt64) throws {
        try tree.catchUp(to: size, sealedEnd: sealedEnd, read: treeReader)
    }

    /// Where the sealed segments end: records below are flushed and never change.
    var sealedEnd: UInt64 {
        state.withLock { s in s.active?.firstPosition ?? s.sealed.last?.endPosition ?? 0 }
    }

    /// Reads canonical bytes of records for the tree.
    var treeReader: LogTree.RecordReader {
        { [self] from, to, body in
            guard from < to else { return }
            try forEachRecord(from: from, through: to - 1) { r in
                body(r.canonicalBytes)
                return true
            }
        }
    }
}
