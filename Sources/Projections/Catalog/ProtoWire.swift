/// The protobuf wire format, just what the catalog needs: varints and length-delimited
/// fields, written in field-number order, repeated enums packed (as protoc does).
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ number: Int, _ wireType: UInt64) { varint(UInt64(number) << 3 | wireType) }

    mutating func varintField(_ number: Int, _ v: UInt64) {
        tag(number, 0)
        varint(v)
    }

    mutating func lengthDelimited(_ number: Int, _ payload: [UInt8]) {
        lengthDelimited(number, payload[...])
    }

    /// A string field, its UTF-8 written straight in (no array of its own).
    mutating func string(_ number: Int, _ s: String) {
        tag(number, 2)
        varint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    /// A field whose bytes are part of a larger buffer (a message read back as it was).
    mutating func lengthDelimited(_ number: Int, _ payload: ArraySlice<UInt8>) {
        tag(number, 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }
}

/// Reads protobuf wire-format fields.
struct ProtoReader {
    let bytes: [UInt8]
    var i = 0

    struct Malformed: Error {}

    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    mutating func varint() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard i < bytes.count, shift < 64 else { throw Malformed() }
            let b = bytes[i]
            i += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    /// The next field, or `nil` at the end.
    mutating func next() throws -> (number: Int, value: Value)? {
        guard i < bytes.count else { return nil }
        let key = try varint()
        let number = Int(key >> 3)
        switch key & 7 {
        case 0: return (number, .varint(try varint()))
        case 2:
            let n = Int(try varint())
            guard n >= 0, i + n <= bytes.count else { throw Malformed() }
            defer { i += n }
            return (number, .bytes(bytes[i..<(i + n)]))
        case 1:
            guard i + 8 <= bytes.count else { throw Malformed() }
            i += 8
            return (number, .varint(0))
        case 5:
            guard i + 4 <= bytes.count else { throw Malformed() }
            i += 4
            return (number, .varint(0))
        default: throw Malformed()
        }
    }
}
