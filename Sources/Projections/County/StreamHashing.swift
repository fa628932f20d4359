/// The FNV-1a hash of a name's bytes: what the county fold's household slots and the
/// event kinds' lookup by type are keyed by (no `Hasher`, no `String`).
enum StreamHashing {
    static func fnv1a(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for x in b { h = (h ^ UInt64(x)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
