#if canImport(Glibc)
import Glibc
#endif

/// The record at `position` does not match its checksum (found by ``TreeCheck``, which
/// knows neither its segment nor its offset: `verify` reads it again to say).
struct ChecksumMismatch: Error {
    let position: UInt64
}

/// A stored subtree hash that differs from the one recomputed from records that all
/// matched their kept leaf hashes: the tree file is what is damaged.
func storedHashDamaged(height: Int, index: UInt64, path: String) -> StoreError {
    let first = index << UInt64(height)
    return StoreError(.corruptRecord,
                      "the tree's stored hash of records \(first)...\(first + (1 << UInt64(height)) - 1) does not match them (height \(height)): the tree file is damaged",
                      path: path + "/" + TreeHead.levelFileName(height: height), position: first)
}

/// Recomputes the tree leaf by leaf over one piece starting at `base` (a multiple of
/// 2^h for every height h the piece reaches) and compares it with the kept hashes.
struct TreeCheck {
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
