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

/// The checks every backend makes on the sizes and positions a digest or proof is asked
/// for, with the same messages.
public enum ProofRequest {
    /// `size` itself, when the log of `end` records holds that many.
    public static func size(_ size: UInt64, end n: UInt64, place: String) throws -> UInt64 {
        guard size <= n else {
            throw StoreError(.invalidArgument, "the log holds \(n) record\(n == 1 ? "" : "s"), not \(size)", path: place)
        }
        return size
    }

    /// The tree size of an inclusion proof (default: the whole log), checked.
    public static func inclusion(position: UInt64, size: UInt64?, end n: UInt64, place: String) throws -> UInt64 {
        let size = try Self.size(size ?? n, end: n, place: place)
        guard position < size else {
            throw StoreError(.invalidArgument, "position \(position) is not in a tree of \(size) record\(size == 1 ? "" : "s")",
                             path: place)
        }
        return size
    }

    /// The new size of a consistency proof (default: the whole log), checked.
    public static func consistency(from oldSize: UInt64, to newSize: UInt64?, end n: UInt64, place: String) throws -> UInt64 {
        let newSize = try size(newSize ?? n, end: n, place: place)
        guard oldSize > 0 else {
            throw StoreError(.invalidArgument, "a consistency proof starts from a size of at least 1 (every log extends the empty one: there is nothing to prove from 0)", path: place)
        }
        guard oldSize <= newSize else {
            throw StoreError(.invalidArgument, "the old size \(oldSize) is larger than the new size \(newSize)", path: place)
        }
        return newSize
    }
}
