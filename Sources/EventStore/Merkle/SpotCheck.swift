/// A spot check: positions an inspector draws from a seed of their own choosing, whose
/// records the office hands over with inclusion proofs. A consistency proof shows only
/// that the office still holds the old tree's hashes; a record rewritten since (with its
/// kept hashes left alone) is found when a draw lands on it, because its bytes then do
/// not hash to the checkpoint's root (`docs/verification.md`, "Spot checks").
public enum SpotCheck {
    /// The `count` distinct positions below `size` drawn for `seed`, in ascending order.
    ///
    /// Draw `i` (from 0) is the first 8 bytes, big-endian, of
    /// SHA-256("fp-ledger spot-check\n" ‖ seed ‖ "\n" ‖ i in decimal), modulo `size`;
    /// a position drawn before is skipped, until `count` distinct positions are drawn.
    ///
    /// - Precondition: `count <= size`.
    /// - Complexity: O(count log count) expected, while `count` is well below `size`.
    public static func positions(seed: String, count: Int, size: UInt64) -> [UInt64] {
        precondition(UInt64(count) <= size)
        var drawn = Set<UInt64>()
        var i: UInt64 = 0
        while drawn.count < count {
            drawn.insert(draw(seed: seed, index: i) % size)
            i += 1
        }
        return drawn.sorted()
    }

    /// Draw `index` for `seed`, before it is reduced modulo the size.
    static func draw(seed: String, index: UInt64) -> UInt64 {
        let h = MerkleHash.sha256(of: Array("fp-ledger spot-check\n\(seed)\n\(index)".utf8)).bytes
        return h.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The chance that `draws` distinct positions among `records` all miss a set of
    /// `rewritten` records: C(records - rewritten, draws) / C(records, draws), which is
    /// at most (1 - rewritten / records)^draws.
    public static func missProbability(records: UInt64, rewritten: UInt64, draws: Int) -> Double {
        guard rewritten > 0 else { return 1 }
        var p = 1.0
        for i in 0..<UInt64(draws) {
            guard records - i > 0, records >= rewritten + i else { return 0 }
            p *= Double(records - rewritten - i) / Double(records - i)
        }
        return p
    }

    /// The position a record's canonical bytes hold (their first 8 bytes, little-endian),
    /// `nil` when they are too short to be a record.
    public static func position(ofCanonicalBytes bytes: [UInt8]) -> UInt64? {
        guard bytes.count >= 8 else { return nil }
        return bytes[0..<8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
