import CCRC32C

/// CRC-32C (Castagnoli), the checksum that frames every record and header.
///
/// Polynomial 0x1EDC6F41 (reflected 0x82F63B78), initial value 0xFFFFFFFF, final
/// XOR 0xFFFFFFFF: the variant of iSCSI (RFC 3720), ext4, LevelDB and RocksDB. Its
/// published check value is `0xE3069283` for the ASCII bytes "123456789".
///
/// On x86-64 CPUs with SSE 4.2 the `crc32` instruction computes it; elsewhere a
/// table-driven slicing-by-8 (eight bytes a step, eight 256-entry tables). Both give the
/// same values; the tests hold each to the published vectors.
public enum CRC32C {
    /// Whether the hardware instruction is used.
    public static let usesHardware: Bool = fp_crc32c_hw_available() != 0

    /// The eight lookup tables, 256 entries each, laid out one after another.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    /// Computes the CRC-32C of a byte buffer.
    ///
    /// - Parameter bytes: The bytes to checksum.
    /// - Returns: The finished checksum.
    /// - Complexity: O(n) in the number of bytes.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// Computes the CRC-32C of a byte sequence.
    ///
    /// - Parameter bytes: The bytes to checksum.
    /// - Returns: The finished checksum.
    /// - Complexity: O(n) in the number of bytes.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ update(0, UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        let copy = Array(bytes)
        return copy.withUnsafeBytes { update(0, $0) }
    }

    /// Continues a checksum over more bytes: `update(checksum(a), b) == checksum(a + b)`.
    ///
    /// - Parameters:
    ///   - crc: The finished checksum of the bytes before (0 for none).
    ///   - bytes: The bytes that follow.
    /// - Returns: The finished checksum of both parts.
    /// - Complexity: O(n) in the number of bytes.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        if usesHardware { return ~fp_crc32c_hw_update(~crc, base, bytes.count) }
        return updateWithTables(crc, bytes)
    }

    /// The checksums of `count` buffers at once (`pointers[i]`, `lengths[i]` bytes) into
    /// `out`: with the instruction, four at a time, their steps interleaved (`verify`).
    static func checksums(_ pointers: UnsafePointer<UnsafeRawPointer?>, lengths: UnsafePointer<Int>, count: Int,
                          into out: UnsafeMutablePointer<UInt32>) {
        if usesHardware {
            fp_crc32c_hw_many(pointers, lengths, count, out)
            return
        }
        for i in 0..<count { out[i] = checksum(UnsafeRawBufferPointer(start: pointers[i], count: lengths[i])) }
    }

    /// The portable table-driven computation (the reference, and the fallback).
    ///
    /// - Complexity: O(n) in the number of bytes.
    static func updateWithTables(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc
        guard var p = bytes.baseAddress, bytes.count > 0 else { return crc }
        var n = bytes.count
        tables.withUnsafeBufferPointer { tb in
            let t = tb.baseAddress.unsafelyUnwrapped
            while n >= 8 {
                let word = p.loadUnaligned(as: UInt64.self).littleEndian ^ UInt64(c)
                let lo = UInt32(truncatingIfNeeded: word)
                let hi = UInt32(truncatingIfNeeded: word &>> 32)
                c = t[7 &* 256 &+ Int(lo & 0xFF)]
                    ^ t[6 &* 256 &+ Int((lo &>> 8) & 0xFF)]
                    ^ t[5 &* 256 &+ Int((lo &>> 16) & 0xFF)]
                    ^ t[4 &* 256 &+ Int(lo &>> 24)]
                    ^ t[3 &* 256 &+ Int(hi & 0xFF)]
                    ^ t[2 &* 256 &+ Int((hi &>> 8) & 0xFF)]
                    ^ t[1 &* 256 &+ Int((hi &>> 16) & 0xFF)]
                    ^ t[Int(hi &>> 24)]
                p += 8
                n &-= 8
            }
            while n > 0 {
                c = (c &>> 8) ^ t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)]
                p += 1
                n &-= 1
            }
        }
        return ~c
    }
}
