import EventStore

/// Converts an event's data between canonical JSON and its protobuf message, driven
/// by the catalog's schemas, checking everything the schema says on the way in.
enum DataCodec {
    /// Encodes a `data` object as the schema's protobuf message.
    ///
    /// - Parameters:
    ///   - correctionData: Encodes a correction's replacement data (it needs the type of
    ///     the corrected event, which only the caller knows).
    /// - Throws: ``ProjectionError`` `invalid` naming the first field that is unknown, missing or wrong.
    static func encode(_ object: JSONObject, _ schema: MessageSchema, path: @autoclosure () -> String,
                       correctionData: (JSONObject, String) throws -> [UInt8] = DataCodec.noCorrectionData) throws -> [UInt8] {
        // One pass over the members: each to its field's slot, unknown names refused.
        var given = [JSONValue?](repeating: nil, count: schema.fields.count)
        for m in object.members {
            guard let k = schema.indexByName[m.key] else {
                let known = schema.fields.map(\.name)
                throw ProjectionError.field(path: path() + "." + m.key, message: known.isEmpty
                    ? "unknown field; \(schema.name.dropFirst(3)) has no fields"
                    : "unknown field; the fields are " + known.joined(separator: ", "))
            }
            given[k] = m.value
        }
        var w = ProtoWriter()
        var oneofs: [String: [String]] = [:]
        for (k, f) in schema.fields.enumerated() {
            let value = given[k]
            // Paths are spelled out only for an error: an import checks millions of fields.
            func fieldPath() -> String { path() + "." + f.name }
            if let group = f.oneof {
                if let v = value, v != .null { oneofs[group, default: []].append(f.name) } else { oneofs[group, default: []] += [] }
            }
            guard let value, value != .null else {
                if f.required && f.oneof == nil { throw ProjectionError.field(path: fieldPath(), message: "is required") }
                continue
            }
            if f.repeated {
                guard case .array(let items) = value else {
                    throw ProjectionError.field(path: fieldPath(), message: "must be an array, not \(value.kindName)")
                }
                if f.kind.isText {
                    for (k, item) in items.enumerated() { w.string(f.number, try text(item, f, path: "\(fieldPath())[\(k)]")) }
                } else if f.kind.isLengthDelimited {
                    for (k, item) in items.enumerated() {
                        w.lengthDelimited(f.number, try lengthDelimited(item, f, path: "\(fieldPath())[\(k)]", correctionData))
                    }
                } else if !items.isEmpty {
                    var packed = ProtoWriter()
                    for (k, item) in items.enumerated() { packed.varint(try scalar(item, f, path: "\(fieldPath())[\(k)]")) }
                    w.lengthDelimited(f.number, packed.bytes)
                }
                continue
            }
            if f.kind.isText {
                let s = try text(value, f, path: fieldPath())
                if !s.isEmpty || f.oneof != nil { w.string(f.number, s) }
            } else if f.kind.isLengthDelimited {
                let payload = try lengthDelimited(value, f, path: fieldPath(), correctionData)
                if case .message = f.kind { w.lengthDelimited(f.number, payload) } else if !payload.isEmpty || f.oneof != nil {
                    w.lengthDelimited(f.number, payload)
                }
            } else {
                let v = try scalar(value, f, path: fieldPath())
                if v != 0 { w.varintField(f.number, v) }
            }
        }
        for (group, given) in oneofs where given.count != 1 {
            let names = schema.fields.filter { $0.oneof == group }.map(\.name)
            throw ProjectionError.field(path: path() + "." + names.joined(separator: "|"),
                             message: given.isEmpty ? "one of \(names.joined(separator: ", ")) is required"
                                                    : "give only one of \(names.joined(separator: ", "))")
        }
        return w.bytes
    }

    private static func lengthDelimited(_ value: JSONValue, _ f: FieldSpec, path: @autoclosure () -> String,
                                        _ correctionData: (JSONObject, String) throws -> [UInt8]) throws -> [UInt8] {
        switch f.kind {
        case .message(let schema):
            guard case .object(let o) = value else { throw ProjectionError.field(path: path(), message: "must be an object, not \(value.kindName)") }
            return try encode(o, schema, path: path(), correctionData: correctionData)
        case .correctionData:
            guard case .object(let o) = value else { throw ProjectionError.field(path: path(), message: "must be an object, not \(value.kindName)") }
            return try correctionData(o, path())
        default:
            return Array(try text(value, f, path: path()).utf8)
        }
    }

    /// A string field's value, checked against its kind (written by the caller straight
    /// into the message: an array for each string was a good part of encoding).
    private static func text(_ value: JSONValue, _ f: FieldSpec, path: @autoclosure () -> String) throws -> String {
        guard case .string(let s) = value else { throw ProjectionError.field(path: path(), message: "must be a string, not \(value.kindName)") }
        if f.required && s.isEmpty { throw ProjectionError.field(path: path(), message: "must not be empty") }
        // No text an event carries holds control characters: each shows on one line.
        if let p = ControlCharacters.problem(in: s) {
            throw ProjectionError.field(path: path(), message: p)
        }
        switch f.kind {
        case .village:
            guard VillageCode(s) != nil else { throw ProjectionError.field(path: path(), message: "\"\(s)\" is not a 12-digit village code") }
        case .unit:
            guard FundUnit(s) != nil else {
                throw ProjectionError.field(path: path(), message: "\"\(s)\" is not a unit (county-<6 digits>, town-<9 digits>, village-<12 digits> or org-<name>)")
            }
        case .idNumber:
            if let p = IDNumber.problem(in: s) { throw ProjectionError.field(path: path(), message: p.description) }
        default: break
        }
        return s
    }

    private static func scalar(_ value: JSONValue, _ f: FieldSpec, path: @autoclosure () -> String) throws -> UInt64 {
        func integer() throws -> Int64 {
            switch value {
            case .integer(let n): return n
            case .number(let t):
                // A whole number past what 64 bits hold reads as a number of another kind.
                let digits = t.hasPrefix("-") ? t.dropFirst() : Substring(t)
                if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    if case .fen = f.kind { throw ProjectionError.field(path: path(), message: Self.tooLarge(t)) }
                    throw ProjectionError.field(path: path(), message: "\(t) is too large")
                }
                throw ProjectionError.field(path: path(), message: "must be a whole number, not \(t)")
            default: throw ProjectionError.field(path: path(), message: "must be a number, not \(value.kindName)")
            }
        }
        switch f.kind {
        case .date:
            guard case .string(let s) = value else { throw ProjectionError.field(path: path(), message: "must be a date YYYY-MM-DD, not \(value.kindName)") }
            guard let d = EffectiveDate(s) else { throw ProjectionError.field(path: path(), message: "\"\(s)\" is not a date YYYY-MM-DD") }
            return UInt64(d.rawValue)
        case .fen, .count, .position:
            let n = try integer()
            guard n >= 0 else { throw ProjectionError.field(path: path(), message: "must not be negative") }
            if case .fen = f.kind, n > Fen.largest { throw ProjectionError.field(path: path(), message: Self.tooLarge(n)) }
            if case .count = f.kind, n > Int64(Int32.max) { throw ProjectionError.field(path: path(), message: "is too large") }
            return UInt64(n)
        case .signedFen, .integer:
            let n = try integer()
            if case .signedFen = f.kind, n.magnitude > UInt64(Fen.largest) { throw ProjectionError.field(path: path(), message: Self.tooLarge(n)) }
            return UInt64(bitPattern: n)
        case .year:
            let n = try integer()
            guard (1949...2100).contains(n) else { throw ProjectionError.field(path: path(), message: "\(n) is not a year between 1949 and 2100") }
            return UInt64(n)
        case .bool:
            guard case .bool(let b) = value else { throw ProjectionError.field(path: path(), message: "must be true or false, not \(value.kindName)") }
            return b ? 1 : 0
        case .approval:
            switch value {
            case .bool(let b): return b ? 1 : 0
            case .string("认可"): return 1
            case .string("不认可"): return 0
            default: throw ProjectionError.field(path: path(), message: "must be true or false (认可 or 不认可)")
            }
        case .label(let set):
            guard case .string(let s) = value else {
                throw ProjectionError.field(path: path(), message: "must be one of the labels of \(set.name), not \(value.kindName)")
            }
            guard let n = set.number(for: s) else {
                throw ProjectionError.field(path: path(), message: "\"\(s)\" is not a label of \(set.name); one of: " + set.labels.joined(separator: ", "))
            }
            return UInt64(n)
        default:
            throw ProjectionError.field(path: path(), message: "cannot be encoded as a number")
        }
    }

    static func noCorrectionData(_ o: JSONObject, _ path: String) throws -> [UInt8] {
        throw ProjectionError.field(path: path, message: "replacement data is not expected here")
    }

    /// Decodes a protobuf message back to its canonical `data` object: labels for enums,
    /// `YYYY-MM-DD` for dates, required fields always present, optional ones when set.
    ///
    /// - Parameter correctionData: Decodes a correction's replacement data.
    /// - Throws: ``ProjectionError`` `undecodable` when the bytes are not a message of this schema.
    static func decode(_ bytes: [UInt8], _ schema: MessageSchema, path: String,
                       correctionData: ([UInt8]) throws -> JSONValue = { _ in .null }) throws -> JSONObject {
        var reader = ProtoReader(bytes: bytes)
        var scalars: [Int: [UInt64]] = [:]
        var blobs: [Int: [[UInt8]]] = [:]
        do {
            while let (number, value) = try reader.next() {
                guard let f = schema.field(number: number) else { continue }
                switch value {
                case .varint(let v): scalars[number, default: []].append(v)
                case .bytes(let b):
                    if f.kind.isLengthDelimited {
                        blobs[number, default: []].append(Array(b))
                    } else {
                        var packed = ProtoReader(bytes: Array(b))
                        while packed.i < packed.bytes.count { scalars[number, default: []].append(try packed.varint()) }
                    }
                }
            }
        } catch {
            throw ProjectionError.field(path: path, message: "the stored \(schema.name) is not valid protobuf")
        }
        var out = JSONObject()
        for f in schema.fields {
            let p = path + "." + f.name
            if f.kind.isLengthDelimited {
                let values = try (blobs[f.number] ?? []).map { try blobValue($0, f, path: p, correctionData) }
                if f.repeated {
                    if f.required || !values.isEmpty { out.members.append((f.name, .array(values))) }
                } else if let v = values.last {
                    out.members.append((f.name, v))
                } else if f.required && f.oneof == nil {
                    if case .message(let s) = f.kind {
                        out.members.append((f.name, .object(try decode([], s, path: p))))
                    } else {
                        out.members.append((f.name, .string("")))
                    }
                }
            } else {
                let values = (scalars[f.number] ?? []).map { scalarValue($0, f) }
                if f.repeated {
                    if f.required || !values.isEmpty { out.members.append((f.name, .array(values))) }
                } else if let v = values.last {
                    out.members.append((f.name, v))
                } else if f.required {
                    out.members.append((f.name, scalarValue(0, f)))
                }
            }
        }
        return out
    }

    private static func blobValue(_ b: [UInt8], _ f: FieldSpec, path: String, _ correctionData: ([UInt8]) throws -> JSONValue) throws -> JSONValue {
        switch f.kind {
        case .message(let s): return .object(try decode(b, s, path: path))
        case .correctionData:
            return try correctionData(b)
        default: return .string(String(decoding: b, as: UTF8.self))
        }
    }

    private static func scalarValue(_ v: UInt64, _ f: FieldSpec) -> JSONValue {
        switch f.kind {
        case .date: return v == 0 ? .null : .string(EffectiveDate(rawValue: UInt32(truncatingIfNeeded: v))?.description ?? "")
        case .bool, .approval: return .bool(v != 0)
        case .label(let set): return set.label(for: Int(v)).map { .string($0) } ?? .null
        case .signedFen, .integer: return .integer(Int64(bitPattern: v))
        case .count, .year: return .integer(Int64(Int32(truncatingIfNeeded: v)))
        default: return .integer(Int64(bitPattern: v))
        }
    }

    /// Why an amount is refused: more than any event may carry (``Fen/largest``).
    static func tooLarge(_ n: some CustomStringConvertible) -> String {
        "\(n) fen is more than the largest amount an event may carry (10^15 fen, 10 trillion yuan)"
    }
}
