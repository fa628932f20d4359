/// A Merkle tree held whole in memory, built from its leaf hashes: for a backend that
/// keeps no hash files (the PostgreSQL store), digests of earlier sizes and proofs are
/// computed from the leaves read back. Every perfect subtree is kept, level by level.
///
/// - Complexity: O(n) hashes and 2n hashes of memory to build; O(log n) per root or
///   proof after.
public struct MerkleLeaves: Sendable {
    /// `levels[h][i]`: the root of the perfect subtree of height h at index i.
    private var levels: [[MerkleHash]]

    /// The tree over these leaf hashes, in position order.
    public init(_ leaves: [MerkleHash]) {
        levels = [leaves]
        while let below = levels.last, below.count > 1 {
            var up: [MerkleHash] = []
            up.reserveCapacity(below.count / 2)
            var i = 0
            while i + 1 < below.count {
                up.append(MerkleHash.node(below[i], below[i + 1]))
                i += 2
            }
            levels.append(up)
        }
    }

    /// How many leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// The leaf hash at `index`.
    public func leaf(_ index: UInt64) -> MerkleHash { levels[0][Int(index)] }

    private func perfect(_ height: Int, _ index: UInt64) -> MerkleHash { levels[height][Int(index)] }

    /// The root of the tree of the first `size` leaves.
    public func root(size: UInt64) -> MerkleHash {
        precondition(size <= self.size)
        return MerkleProof.root(size: size, perfect: perfect)
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    public func inclusionProof(index: UInt64, size: UInt64) -> [MerkleHash] {
        precondition(index < size && size <= self.size)
        return MerkleProof.inclusion(index: index, size: size, perfect: perfect)
    }

    /// The consistency proof from the tree of `oldSize` leaves to that of `newSize`.
    public func consistencyProof(oldSize: UInt64, newSize: UInt64) -> [MerkleHash] {
        precondition(oldSize > 0 && oldSize <= newSize && newSize <= self.size)
        return MerkleProof.consistency(oldSize: oldSize, newSize: newSize, perfect: perfect)
    }
}
