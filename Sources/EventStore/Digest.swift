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
