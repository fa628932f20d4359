extension EventStore {
    /// A tree head: the number of records and the Merkle root over them. Publish it
    /// (signed, as a ``LogCheckpoint``) and anyone can later check that the log still
    /// holds exactly those records, with more after them.
    public struct Digest: Sendable, Equatable {
        /// Records covered: positions `0 ..< size`.
        public var size: UInt64
        /// RFC 6962 Merkle tree hash over their canonical bytes.
        public var root: MerkleHash

        public init(size: UInt64, root: MerkleHash) {
            self.size = size
            self.root = root
        }
    }

    /// Proof that one record is in the tree of a given size.
    public struct InclusionProof: Sendable, Equatable {
        /// The record's position, which is its leaf index.
        public var position: UInt64
        /// The size of the tree the proof is for.
        public var size: UInt64
        /// SHA-256(0x00 ‖ canonical bytes).
        public var leafHash: MerkleHash
        /// The root of the tree of `size` records.
        public var root: MerkleHash
        /// The audit path, bottom up.
        public var hashes: [MerkleHash]
        /// The record's canonical bytes, so the leaf hash can be recomputed.
        public var canonicalBytes: [UInt8]

        public init(position: UInt64, size: UInt64, leafHash: MerkleHash, root: MerkleHash, hashes: [MerkleHash], canonicalBytes: [UInt8]) {
            self.position = position
            self.size = size
            self.leafHash = leafHash
            self.root = root
            self.hashes = hashes
            self.canonicalBytes = canonicalBytes
        }
    }

    /// Proof that the tree of `newSize` records extends the tree of `oldSize`.
    public struct ConsistencyProof: Sendable, Equatable {
        public var oldSize: UInt64
        public var newSize: UInt64
        public var oldRoot: MerkleHash
        public var newRoot: MerkleHash
        public var hashes: [MerkleHash]

        public init(oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash, hashes: [MerkleHash]) {
            self.oldSize = oldSize
            self.newSize = newSize
            self.oldRoot = oldRoot
            self.newRoot = newRoot
            self.hashes = hashes
        }
    }

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
    /// were removed). A read-only open then hashes those records on every digest; one
    /// open for writing hashes and persists them once.
    public var merkleTreeIsBehind: Bool { tree.persistedSize() < sealedEnd }

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
