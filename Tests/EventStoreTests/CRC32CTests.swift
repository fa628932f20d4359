import Testing
@testable import EventStore

@Suite struct CRC32CTests {
    @Test func publishedCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    // RFC 3720, appendix B.4: the iSCSI test vectors.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test func tablesAndHardwareAgree() {
        var rng = SystemRandomNumberGenerator()
        for n in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099] {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let table = bytes.withUnsafeBytes { CRC32C.updateWithTables(0, $0) }
            #expect(CRC32C.checksum(bytes) == table, "length \(n)")
            let seeded = bytes.withUnsafeBytes { CRC32C.updateWithTables(0x1234_5678, $0) }
            #expect(bytes.withUnsafeBytes { CRC32C.update(0x1234_5678, $0) } == seeded)
        }
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.updateWithTables(0, $0) } == 0xE306_9283)
    }

    /// Many buffers at once (four at a time, interleaved, then the rest one by one) give
    /// each buffer's own checksum, the table-driven one, whatever mix of lengths.
    @Test func manyAtOnceAreEachOnesChecksum() {
        let lengths = [0, 1, 7, 8, 9, 63, 64, 65, 150, 151, 300, 5, 0, 4099, 16, 17, 2]
        let buffers = lengths.enumerated().map { i, n in (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ i) } }
        for count in 0...buffers.count {
            let batch = Array(buffers[0..<count])
            var pointers: [UnsafeRawPointer?] = []
            let sums = [UInt32](unsafeUninitializedCapacity: max(1, count)) { out, initialized in
                func nest(_ k: Int) {
                    if k == count {
                        CRC32C.checksums(pointers, lengths: batch.map(\.count), count: count, into: out.baseAddress!)
                        return
                    }
                    batch[k].withUnsafeBytes { b in
                        pointers.append(b.baseAddress)
                        nest(k + 1)
                    }
                }
                nest(0)
                initialized = count
            }
            for (k, b) in batch.enumerated() {
                #expect(sums[k] == b.withUnsafeBytes { CRC32C.updateWithTables(0, $0) }, "buffer \(k) of \(count)")
            }
        }
    }

    @Test func emptyIsZero() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func updateContinuesAcrossAnySplit() {
        let bytes = (0..<257).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let whole = CRC32C.checksum(bytes)
        for split in [0, 1, 7, 8, 9, 64, 200, 257] {
            let a = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<split])) }
            let b = bytes.withUnsafeBytes { CRC32C.update(a, UnsafeRawBufferPointer(rebasing: $0[split...])) }
            #expect(b == whole, "split at \(split)")
        }
    }

    @Test func detectsEverySingleBitFlip() {
        let bytes = Array("household-5301241012010001 ExitApproved".utf8)
        let good = CRC32C.checksum(bytes)
        for i in 0..<(bytes.count * 8) {
            var b = bytes
            b[i / 8] ^= UInt8(1) << (i % 8)
            #expect(CRC32C.checksum(b) != good)
        }
    }
}
