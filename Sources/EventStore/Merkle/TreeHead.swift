/// The `TREE` file: how many leaves the persisted hash files cover, and the root they
/// give. Written atomically after the hash files are flushed, when a segment is
/// sealed; hashes past it are not trusted on open (they are recomputed from the log).
///
/// ```
///  0  8   magic "FPLTREE1"
///  8  u16 format version (1)
/// 10  u16 size (76)
/// 12  u32 reserved, 0
/// 16  16  store id
/// 32  u64 tree size: leaves covered
/// 40  32  root of the tree of that size
/// 72  u32 CRC-32C of bytes 0 ..< 72
/// ```
struct TreeHead: Equatable {
    static let size = 76
    static let magic: [UInt8] = Array("FPLTREE1".utf8)
    static let fileName = "TREE"

    var storeID: [UInt8]
    var treeSize: UInt64
    var root: MerkleHash

    func encoded() -> [UInt8] {
        smallFile(magic: TreeHead.magic, size: TreeHead.size) { b in
            b.append(contentsOf: storeID)
            b.appendLE(treeSize)
            b.append(contentsOf: root.bytes)
        }
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> TreeHead {
        try checkSmallFile(bytes, magic: magic, size: size, what: "tree head", path: path)
        let n = bytes[32..<40].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
        guard let root = MerkleHash(bytes: bytes[40..<72]) else {
            throw StoreError(.corruptRecord, "not a tree head file", path: path, offset: 40)
        }
        return TreeHead(storeID: Array(bytes[16..<32]), treeSize: n, root: root)
    }

    /// The file holding the hashes of perfect subtrees of `height` (0, 4, 8, ...).
    static func levelFileName(height: Int) -> String {
        height < 10 ? "tree-0\(height).hashes" : "tree-\(height).hashes"
    }
}
