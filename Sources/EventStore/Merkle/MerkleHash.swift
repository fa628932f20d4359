import CSHA256

/// A SHA-256 hash in the store's Merkle tree (RFC 6962 / RFC 9162): a record's leaf
/// hash, an inner node, or a root.
///
/// Leaf hash = SHA-256(0x00 ‖ the record's canonical bytes); node hash =
/// SHA-256(0x01 ‖ left ‖ right); the root of the empty tree is SHA-256 of nothing. The
/// canonical bytes of a record are its body exactly as stored (`docs/format.md`,
/// `docs/verification.md`).
///
/// Held as four words, so it is compared and copied without allocating.
public struct MerkleHash: Hashable, Sendable, CustomStringConvertible {
    /// Bytes in a hash.
    public static let byteCount = 32

    // The 32 bytes in order, as they lie in memory.
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    private init() {}

    /// A hash from exactly 32 bytes; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.init()
        withUnsafeMutableBytes(of: &self) { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
    }

    /// A hash from 64 hexadecimal digits (either case); `nil` otherwise.
    public init?(hex: String) {
        guard let bytes = HexDigits.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// A hash from standard, padded base64 of 32 bytes; `nil` otherwise.
    public init?(base64: String) {
        guard let bytes = Base64.decode(base64) else { return nil }
        self.init(bytes: bytes)
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes(of: self) { Array($0) } }
    /// Lowercase hexadecimal, 64 digits.
    public var hex: String { HexDigits.encode(bytes) }
    /// Standard base64 with padding (44 characters), as in C2SP checkpoints.
    public var base64: String { Base64.encode(bytes) }
    public var description: String { hex }

    /// The root of the empty tree: SHA-256 of no bytes.
    public static let emptyTree: MerkleHash = sha256(nil, 0, nil, 0, nil, 0)

    /// The leaf hash of a record's canonical bytes: SHA-256(0x00 ‖ bytes).
    public static func leaf(_ canonicalBytes: UnsafeRawBufferPointer) -> MerkleHash {
        withUnsafeBytes(of: UInt8(0)) { prefix in
            sha256(prefix.baseAddress, 1, canonicalBytes.baseAddress, canonicalBytes.count, nil, 0)
        }
    }

    /// The leaf hashes of `count` records at once (`records[i]`, `lengths[i]` bytes each)
    /// into `out`: with the CPU's SHA extensions four records' rounds are interleaved,
    /// about 1.8 times the speed of one after another (`verify`).
    static func leaves(_ records: UnsafePointer<UnsafeRawPointer?>, lengths: UnsafePointer<Int>, count: Int,
                       into out: UnsafeMutablePointer<MerkleHash>) {
        out.withMemoryRebound(to: UInt8.self, capacity: count * byteCount) { o in
            fp_sha256_leaves(records, lengths, count, o)
        }
    }

    /// The inner nodes over `count` pairs of hashes, `children[2i]` and `children[2i+1]`,
    /// into `out` (which must not overlap `children`), four at a time as
    /// ``leaves(_:lengths:count:into:)``.
    static func nodes(_ children: UnsafePointer<MerkleHash>, pairs count: Int, into out: UnsafeMutablePointer<MerkleHash>) {
        children.withMemoryRebound(to: UInt8.self, capacity: 2 * count * byteCount) { c in
            out.withMemoryRebound(to: UInt8.self, capacity: count * byteCount) { o in fp_sha256_nodes(c, count, o) }
        }
    }

    /// The leaf hashes of records held in buffers, at once.
    public static func leaves(_ records: [UnsafeRawBufferPointer]) -> [MerkleHash] {
        guard !records.isEmpty else { return [] }
        let pointers: [UnsafeRawPointer?] = records.map(\.baseAddress), lengths = records.map(\.count)
        return [MerkleHash](unsafeUninitializedCapacity: records.count) { out, initialized in
            leaves(pointers, lengths: lengths, count: records.count, into: out.baseAddress!)
            initialized = records.count
        }
    }

    /// The level above `level` (of an even number of hashes): the node over each pair.
    public static func nodes(over level: [MerkleHash]) -> [MerkleHash] {
        precondition(level.count % 2 == 0, "a level of pairs")
        guard !level.isEmpty else { return [] }
        return [MerkleHash](unsafeUninitializedCapacity: level.count / 2) { out, initialized in
            level.withUnsafeBufferPointer { nodes($0.baseAddress!, pairs: level.count / 2, into: out.baseAddress!) }
            initialized = level.count / 2
        }
    }

    /// The leaf hash of bytes held in an array.
    public static func leaf(_ canonicalBytes: [UInt8]) -> MerkleHash {
        canonicalBytes.withUnsafeBytes { leaf($0) }
    }

    /// An inner node: SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        withUnsafeBytes(of: UInt8(1)) { prefix in
            withUnsafeBytes(of: left) { l in
                withUnsafeBytes(of: right) { r in sha256(prefix.baseAddress, 1, l.baseAddress, 32, r.baseAddress, 32) }
            }
        }
    }

    /// SHA-256 of plain bytes (no prefix), for tests and tools.
    static func sha256(of bytes: [UInt8]) -> MerkleHash {
        bytes.withUnsafeBytes { sha256($0.baseAddress, $0.count, nil, 0, nil, 0) }
    }

    private static func sha256(_ a: UnsafeRawPointer?, _ an: Int, _ b: UnsafeRawPointer?, _ bn: Int,
                               _ c: UnsafeRawPointer?, _ cn: Int) -> MerkleHash {
        var out = MerkleHash()
        withUnsafeMutableBytes(of: &out) { o in
            fp_sha256_3(a, an, b, bn, c, cn, o.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }
}

/// Lowercase hexadecimal.
enum HexDigits {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = value(u[i]), let lo = value(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// Standard base64 (RFC 4648 section 4) with padding, decoded strictly: no whitespace,
/// no missing or extra padding, no stray bits.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = UInt32(bytes[i])
            let b1 = n > 1 ? UInt32(bytes[i + 1]) : 0
            let b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
            let v = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes strictly; `nil` when the text is not canonical base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 4 * 3)
        var i = 0
        while i < u.count {
            let last = i + 4 == u.count
            var v: UInt32 = 0
            var pad = 0
            for k in 0..<4 {
                let c = u[i + k]
                if c == UInt8(ascii: "=") {
                    // Padding only at the very end, only in the last two places.
                    guard last, k >= 2 else { return nil }
                    pad += 1
                    v <<= 6
                    continue
                }
                guard pad == 0 else { return nil }
                let x = values[Int(c)]
                guard x >= 0 else { return nil }
                v = v << 6 | UInt32(x)
            }
            out.append(UInt8(v >> 16 & 255))
            if pad < 2 { out.append(UInt8(v >> 8 & 255)) } else if v & 0xFFFF != 0 { return nil }
            if pad < 1 { out.append(UInt8(v & 255)) } else if v & 0xFF != 0 { return nil }
            i += 4
        }
        return out
    }
}
