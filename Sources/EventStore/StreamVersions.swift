/// Streams' last versions keyed by the stream's 64-bit hash (``StreamHash``, already
/// computed for the index), for the writer's checks: no `String` hashing per stream. The
/// name is kept beside the hash and compared on a hit, so two streams whose hashes
/// collide are told apart (the second goes to a dictionary by name).
///
/// Open addressing with linear probing over one array of small slots (a probe touches
/// one cache line; the name only on a hash hit); slots are never freed (a removed stream
/// keeps its slot with no version), so probing stays valid.
struct StreamVersions {
    private struct Slot {
        var hash: UInt64 = 0
        var version: UInt64 = 0
        /// Index of the name + 1; 0 for an empty slot.
        var name: Int32 = 0
        var present = false
    }

    private var slots: [Slot]
    private var names: [String] = []
    private var overflow: [String: UInt64] = [:]

    init(capacity: Int = 8) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = Array(repeating: Slot(), count: n)
    }

    /// The slot holding `hash`, or the empty slot where it would go.
    private func slot(_ hash: UInt64) -> Int {
        slots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: hash) & mask
            while s[i].name != 0 && s[i].hash != hash { i = (i + 1) & mask }
            return i
        }
    }

    func get(_ name: String, _ hash: UInt64) -> UInt64? {
        let s = slots[slot(hash)]
        if s.name == 0 { return nil }
        if names[Int(s.name) - 1] == name { return s.present ? s.version : nil }
        return overflow[name]
    }

    mutating func set(_ name: String, _ hash: UInt64, _ version: UInt64?) {
        var i = slot(hash)
        if slots[i].name != 0 {
            if names[Int(slots[i].name) - 1] == name {
                slots[i].version = version ?? 0
                slots[i].present = version != nil
            } else {
                overflow[name] = version
            }
            return
        }
        guard let version else { return }
        if (names.count + 1) * 2 > slots.count {
            grow()
            i = slot(hash)
        }
        names.append(name)
        slots[i] = Slot(hash: hash, version: version, name: Int32(names.count), present: true)
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        for s in old where s.name != 0 { slots[slot(s.hash)] = s }
    }
}
