/// The right edge of a Merkle tree (a "compact range" over `0..<size`): the roots of
/// the perfect subtrees that make up the tree, one per set bit of `size`, largest
/// first. Appending a leaf merges equal-height subtrees, O(log n) hashes at worst and
/// one on average; the root folds them right to left.
public struct MerkleFrontier: Sendable, Equatable {
    /// Leaves so far.
    public private(set) var size: UInt64 = 0
    /// Perfect subtree roots, leftmost (tallest) first.
    public private(set) var hashes: [MerkleHash] = []

    public init() {}

    /// A frontier from its subtree roots (as read back from storage).
    public init(size: UInt64, hashes: [MerkleHash]) {
        precondition(hashes.count == size.nonzeroBitCount)
        self.size = size
        self.hashes = hashes
    }

    /// Heights of the perfect subtrees a tree of `size` leaves is made of, tallest
    /// first, with each one's index at its height.
    static func decomposition(of size: UInt64) -> [(height: Int, index: UInt64)] {
        var out: [(Int, UInt64)] = []
        var start: UInt64 = 0
        var h = 63
        while h >= 0 {
            if size & (1 << UInt64(h)) != 0 {
                out.append((h, start >> UInt64(h)))
                start += 1 << UInt64(h)
            }
            h -= 1
        }
        return out
    }

    /// Appends a leaf; `completed` hears of every perfect subtree of height >= 1 that
    /// the leaf completes, as (height, index at that height, hash), lowest first.
    public mutating func append(_ leaf: MerkleHash, completed: (Int, UInt64, MerkleHash) -> Void = { _, _, _ in }) {
        append(subtree: leaf, height: 0, completed: completed)
    }

    /// Appends a perfect subtree of 2^height leaves whose root is `root` (a leaf: height
    /// 0), the frontier holding a multiple of 2^height leaves: as appending its leaves one
    /// by one would, reporting the nodes completed above it.
    public mutating func append(subtree root: MerkleHash, height: Int, completed: (Int, UInt64, MerkleHash) -> Void = { _, _, _ in }) {
        precondition(size & ((1 << UInt64(height)) - 1) == 0, "a subtree is appended at a multiple of its size")
        let index = size
        var h = root
        var level = height
        var s = size >> UInt64(height)
        while s & 1 == 1 {
            h = MerkleHash.node(hashes.removeLast(), h)
            level += 1
            s >>= 1
            completed(level, index >> UInt64(level), h)
        }
        hashes.append(h)
        size += 1 << UInt64(height)
    }

    /// The tree's root: RFC 6962's MTH over all leaves so far.
    public var root: MerkleHash {
        guard var r = hashes.last else { return .emptyTree }
        for h in hashes.dropLast().reversed() { r = MerkleHash.node(h, r) }
        return r
    }
}
