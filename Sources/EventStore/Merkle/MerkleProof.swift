/// Making and checking RFC 6962 / RFC 9162 proofs.
///
/// Proofs are made over any tree that can answer for the root of a perfect subtree
/// (`height`, `index`); they are checked with nothing but hashes, so an inspector needs
/// no store to check one.
public enum MerkleProof {
    /// Why a proof does not hold.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// One line: what was wrong.
        public var message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    // MARK: Checking

    /// Checks that `leaf` is the leaf at `index` of the tree of `size` leaves whose root
    /// is `root` (RFC 9162, section 2.1.3.2).
    ///
    /// - Throws: ``Failure`` naming what does not hold.
    public static func checkInclusion(leaf: MerkleHash, index: UInt64, size: UInt64, proof: [MerkleHash],
                                      root: MerkleHash) throws(Failure) {
        guard index < size else {
            throw Failure("index \(index) is not in a tree of \(size) record\(size == 1 ? "" : "s")")
        }
        let expected = inclusionProofLength(index: index, size: size)
        guard proof.count == expected else {
            throw Failure("the proof has \(proof.count) hash\(proof.count == 1 ? "" : "es"); index \(index) in a tree of \(size) needs \(expected)")
        }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            if fn & 1 == 1 || fn == sn {
                r = MerkleHash.node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleHash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw Failure("the proof is too short for index \(index) in a tree of \(size)") }
        guard r == root else {
            throw Failure("the proof leads to root \(r.hex), not \(root.hex): the record is not in that tree at that index")
        }
    }

    /// Checks that the tree of `newSize` leaves with root `newRoot` extends the tree of
    /// `oldSize` leaves with root `oldRoot`: same leaves, in the same order, with more
    /// after them (RFC 9162, section 2.1.4.2).
    ///
    /// - Throws: ``Failure`` naming what does not hold.
    public static func checkConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash,
                                        proof: [MerkleHash]) throws(Failure) {
        guard oldSize <= newSize else {
            throw Failure("the old size \(oldSize) is larger than the new size \(newSize): the log shrank")
        }
        guard oldSize > 0 else { throw Failure("a consistency proof from the empty tree proves nothing; none is accepted") }
        if oldSize == newSize {
            guard proof.isEmpty else { throw Failure("trees of equal size need an empty proof, not \(proof.count) hashes") }
            guard oldRoot == newRoot else {
                throw Failure("two trees of \(oldSize) records with different roots (\(oldRoot.hex), \(newRoot.hex)): history was rewritten")
            }
            return
        }
        let expected = consistencyProofLength(oldSize: oldSize, newSize: newSize)
        guard proof.count == expected else {
            throw Failure("the proof has \(proof.count) hash\(proof.count == 1 ? "" : "es"); sizes \(oldSize) to \(newSize) need \(expected)")
        }
        var path = proof[...]
        let seed: MerkleHash
        if oldSize & (oldSize - 1) == 0 {
            seed = oldRoot  // the old tree is a perfect subtree of the new one
        } else {
            seed = path.removeFirst()
        }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = seed
        var sr = seed
        for c in path {
            guard sn != 0 else { throw Failure("the proof is too long for sizes \(oldSize) to \(newSize)") }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleHash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw Failure("the proof is too short for sizes \(oldSize) to \(newSize)") }
        guard fr == oldRoot else {
            throw Failure("the proof does not lead to the old root \(oldRoot.hex) (it leads to \(fr.hex)): the new log does not extend the old one")
        }
        guard sr == newRoot else {
            throw Failure("the proof does not lead to the new root \(newRoot.hex) (it leads to \(sr.hex))")
        }
    }

    /// Hashes in an inclusion proof for `index` in a tree of `size`.
    static func inclusionProofLength(index: UInt64, size: UInt64) -> Int {
        inclusion(index: index, size: size) { (_: Int, _: UInt64) -> MerkleHash in .emptyTree }.count
    }

    /// Hashes in a consistency proof from `oldSize` to `newSize`, 0 < old <= new.
    static func consistencyProofLength(oldSize: UInt64, newSize: UInt64) -> Int {
        consistency(oldSize: oldSize, newSize: newSize) { (_: Int, _: UInt64) -> MerkleHash in .emptyTree }.count
    }

    // MARK: Making

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 PATH).
    ///
    /// - Parameter perfect: The root of the perfect subtree of `height` at `index`.
    /// - Complexity: O(log n) calls to `perfect`.
    static func inclusion<E: Error>(index: UInt64, size: UInt64,
                                    perfect: (Int, UInt64) throws(E) -> MerkleHash) throws(E) -> [MerkleHash] {
        precondition(index < size)
        var ranges = RangeHasher<E>()
        var out: [MerkleHash] = []
        // Walk down from the whole tree, remembering the sibling at each split.
        var lo: UInt64 = 0, hi = size, m = index
        var siblings: [(UInt64, UInt64)] = []
        while hi - lo > 1 {
            let k = largestPowerOfTwo(below: hi - lo)
            if m < k {
                siblings.append((lo + k, hi))
                hi = lo + k
            } else {
                siblings.append((lo, lo + k))
                lo += k
                m -= k
            }
        }
        for (a, b) in siblings.reversed() { out.append(try ranges.hash(a, b, perfect)) }
        return out
    }

    /// The consistency proof from the tree of `oldSize` leaves to the tree of `newSize`
    /// (RFC 9162 SUBPROOF), 0 < oldSize <= newSize. Empty when the sizes are equal.
    ///
    /// - Complexity: O(log n) calls to `perfect`.
    static func consistency<E: Error>(oldSize: UInt64, newSize: UInt64,
                                      perfect: (Int, UInt64) throws(E) -> MerkleHash) throws(E) -> [MerkleHash] {
        precondition(oldSize > 0 && oldSize <= newSize)
        if oldSize == newSize { return [] }
        var ranges = RangeHasher<E>()
        var lo: UInt64 = 0, hi = newSize, m = oldSize
        var complete = true
        var tail: [(UInt64, UInt64)] = []
        var head: (UInt64, UInt64)?
        while true {
            let n = hi - lo
            if m == n {
                if !complete { head = (lo, hi) }
                break
            }
            let k = largestPowerOfTwo(below: n)
            if m <= k {
                tail.append((lo + k, hi))
                hi = lo + k
            } else {
                tail.append((lo, lo + k))
                lo += k
                m -= k
                complete = false
            }
        }
        var out: [MerkleHash] = []
        if let (a, b) = head { out.append(try ranges.hash(a, b, perfect)) }
        for (a, b) in tail.reversed() { out.append(try ranges.hash(a, b, perfect)) }
        return out
    }

    /// The root of the tree of the first `size` leaves.
    static func root<E: Error>(size: UInt64, perfect: (Int, UInt64) throws(E) -> MerkleHash) throws(E) -> MerkleHash {
        guard size > 0 else { return .emptyTree }
        var ranges = RangeHasher<E>()
        return try ranges.hash(0, size, perfect)
    }

    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n > 1)
        return 1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}

/// MTH over `lo..<hi` where `lo` is aligned to the largest power of two not above the
/// range (as every range in RFC 6962's recursion is): perfect subtrees come from the
/// store, ragged right edges are folded from them and remembered.
private struct RangeHasher<E: Error> {
    struct Range: Hashable { var lo, hi: UInt64 }
    var memo: [Range: MerkleHash] = [:]

    mutating func hash(_ lo: UInt64, _ hi: UInt64, _ perfect: (Int, UInt64) throws(E) -> MerkleHash) throws(E) -> MerkleHash {
        let n = hi - lo
        if n & (n - 1) == 0 {
            let height = n.trailingZeroBitCount
            return try perfect(height, lo >> UInt64(height))
        }
        if let h = memo[Range(lo: lo, hi: hi)] { return h }
        let k = MerkleProof.largestPowerOfTwo(below: n)
        let h = MerkleHash.node(try hash(lo, lo + k, perfect), try hash(lo + k, hi, perfect))
        memo[Range(lo: lo, hi: hi)] = h
        return h
    }
}
