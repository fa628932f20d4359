/// What one piece of the log gave: its records, its subtree roots, or what was wrong.
struct PieceResult {
    var records: UInt64 = 0
    var hashes: [MerkleHash] = []
    var failure: StoreError?
}

/// The log cut into blocks of 2^s records aligned in the tree (the last one shorter),
/// so each block is a perfect subtree (or the ragged right edge) checked on its own.
struct VerifyPieces {
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
