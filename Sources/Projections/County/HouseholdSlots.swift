import Foundation

/// Households during a build: states in slots, found through an open-addressing
/// table keyed by the FNV-1a hash of the id's bytes (no `Hasher`, no `String` per
/// lookup); a collision is told apart by comparing the bytes.
struct HouseholdSlots {
    var states: [HouseholdState?] = []
    var ids: [String] = []
    private var idBytes: [UInt8] = []          // every id's bytes, one after another
    private var idRanges: [Range<Int>] = []
    /// Open addressing, one 32-byte entry per bucket: the hash, the slot, and the id's
    /// first 16 bytes inline (a household code is 16 digits), so a lookup at 10^5
    /// households touches one cache line, not four arrays.
    private var table: [Entry] = Array(repeating: Entry(), count: 1024)

    private struct Entry {
        var key: UInt64 = 0
        var slot: Int32 = -1
        var length: Int32 = 0
        var head: (UInt64, UInt64) = (0, 0)
    }

    /// The first 16 bytes of an id, zero-padded.
    @inline(__always)
    private static func head(_ id: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        if id.count >= 16 {
            return (id.loadUnaligned(fromByteOffset: 0, as: UInt64.self), id.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        var padded: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &padded) { p in
            if let src = id.baseAddress, let dst = p.baseAddress, id.count > 0 { dst.copyMemory(from: src, byteCount: id.count) }
        }
        return padded
    }

    mutating func slot(for id: UnsafeRawBufferPointer) -> Int {
        let h = StreamHashing.fnv1a(id)
        let head = Self.head(id)
        var mask = table.count - 1
        var k = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = table[k]
            if e.slot < 0 { break }
            if e.key == h, Int(e.length) == id.count, e.head == head, id.count <= 16 || sameID(Int(e.slot), id) { return Int(e.slot) }
            k = (k + 1) & mask
        }
        let s = append(id)
        if states.count * 2 > table.count {
            grow()
            mask = table.count - 1
            k = Int(truncatingIfNeeded: h) & mask
            while table[k].slot >= 0 { k = (k + 1) & mask }
        }
        table[k] = Entry(key: h, slot: Int32(s), length: Int32(id.count), head: head)
        return s
    }

    private func sameID(_ s: Int, _ id: UnsafeRawBufferPointer) -> Bool {
        let r = idRanges[s]
        guard r.count == id.count else { return false }
        return idBytes.withUnsafeBytes { all in
            guard let a = all.baseAddress, let b = id.baseAddress else { return r.isEmpty }
            return memcmp(a + r.lowerBound, b, r.count) == 0
        }
    }

    private mutating func grow() {
        let capacity = table.count * 2
        var bigger = [Entry](repeating: Entry(), count: capacity)
        for e in table where e.slot >= 0 {
            var j = Int(truncatingIfNeeded: e.key) & (capacity - 1)
            while bigger[j].slot >= 0 { j = (j + 1) & (capacity - 1) }
            bigger[j] = e
        }
        table = bigger
    }

    /// Adds a household that is already folded (from a snapshot).
    mutating func insert(id: String, state: HouseholdState) {
        let bytes = Array(id.utf8)
        let k = bytes.withUnsafeBytes { slot(for: $0) }
        states[k] = state
    }

    private mutating func append(_ id: UnsafeRawBufferPointer) -> Int {
        states.append(nil)
        ids.append(String(decoding: id, as: UTF8.self))
        idRanges.append(idBytes.count..<(idBytes.count + id.count))
        idBytes.append(contentsOf: id)
        return states.count - 1
    }
}
