import EventStore

/// One event in the canonical JSON form (`EVENTS-JSON.md`): the envelope and its data,
/// checked against the catalog.
public struct CanonicalEvent: Sendable {
    public var stream: String
    public var type: String
    public var effective: EffectiveDate
    public var actor: String
    public var document: String?
    public var reason: String?
    public var expectedVersion: ExpectedVersion
    /// The event's data as written.
    public var data: JSONObject
    /// The catalog entry of ``type``.
    public var spec: EventSpec

    static let envelopeFields = ["stream", "type", "effective", "actor", "document", "reason", "expected_version", "data"]

    /// Reads one JSON line. Export's own fields (position, version, recorded) are
    /// accepted and ignored, so an export can be imported into another store.
    ///
    /// - Throws: ``FieldError`` (with `column` 0) or ``JSONSyntaxError``.
    public static func parse(line: String) throws -> CanonicalEvent {
        var line = line
        return try line.withUTF8 { try parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Reads one JSON line given as UTF-8 bytes.
    public static func parse(utf8 line: UnsafeRawBufferPointer) throws -> CanonicalEvent {
        guard case .object(let o) = try JSONParser.parse(line) else {
            throw FieldError(path: "(line)", message: "an event is a JSON object, one per line")
        }
        return try CanonicalEvent(envelope: o)
    }

    /// The envelope's fields, and export's, by name: one lookup a member (an import
    /// reads millions of them; comparing names one by one was a fifth of its parsing).
    private enum Field { case stream, type, effective, actor, document, reason, expectedVersion, data, export }
    private static let fieldsByName: [String: Field] = [
        "stream": .stream, "type": .type, "effective": .effective, "actor": .actor, "document": .document,
        "reason": .reason, "expected_version": .expectedVersion, "data": .data,
        "position": .export, "version": .export, "recorded": .export,
    ]

    /// Checks an envelope object.
    public init(envelope o: JSONObject) throws {
        var values = [JSONValue?](repeating: nil, count: 8)
        for m in o.members {
            guard let field = Self.fieldsByName[m.key] else {
                throw FieldError(path: m.key, message: "unknown field; the envelope's fields are " + Self.envelopeFields.joined(separator: ", "))
            }
            switch field {
            case .stream: values[0] = m.value
            case .type: values[1] = m.value
            case .effective: values[2] = m.value
            case .actor: values[3] = m.value
            case .document: values[4] = m.value
            case .reason: values[5] = m.value
            case .expectedVersion: values[6] = m.value
            case .data: values[7] = m.value
            case .export: break
            }
        }
        func string(_ slot: Int, _ key: String, required: Bool) throws -> String? {
            guard let v = values[slot], v != .null else {
                if required { throw FieldError(path: key, message: "is required") }
                return nil
            }
            guard case .string(let s) = v else { throw FieldError(path: key, message: "must be a string, not \(v.kindName)") }
            if required && s.isEmpty { throw FieldError(path: key, message: "must not be empty") }
            return s
        }
        let type = try string(1, "type", required: true) ?? ""
        guard let spec = EventCatalog.spec(for: type) else {
            throw FieldError(path: "type", message: "unknown event type \"\(type)\"; the catalog has "
                + EventCatalog.all.map(\.type).joined(separator: ", "))
        }
        let stream = try string(0, "stream", required: true) ?? ""
        guard let (category, id) = StreamCategory.split(stream) else {
            throw FieldError(path: "stream", message: "\"\(stream)\" is not category-id; categories: "
                + StreamCategory.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let expected = spec.category, expected != category {
            throw FieldError(path: "stream", message: "\(type) belongs in a \(expected.rawValue)-<id> stream, not \(stream)")
        }
        if category == .village, VillageCode(id) == nil {
            throw FieldError(path: "stream", message: "a village stream is village-<12-digit code>, not \(stream)")
        }
        let effectiveText = try string(2, "effective", required: true) ?? ""
        guard let effective = EffectiveDate(effectiveText) else {
            throw FieldError(path: "effective", message: "\"\(effectiveText)\" is not a date YYYY-MM-DD")
        }
        let actor = try string(3, "actor", required: true) ?? ""
        var expected = ExpectedVersion.any
        if let v = values[6], v != .null {
            guard case .integer(let n) = v, n >= -1 else {
                throw FieldError(path: "expected_version", message: "must be -1 (no stream yet) or a version 0 or more")
            }
            expected = n == -1 ? .noStream : .exact(UInt64(n))
        }
        guard let dataValue = values[7] else { throw FieldError(path: "data", message: "is required (use {} for an event without data)") }
        guard case .object(let data) = dataValue else { throw FieldError(path: "data", message: "must be an object, not \(dataValue.kindName)") }
        self.stream = stream
        self.type = type
        self.effective = effective
        self.actor = actor
        self.document = try string(4, "document", required: false)
        self.reason = try string(5, "reason", required: false)
        self.expectedVersion = expected
        self.data = data
        self.spec = spec
        try checkSemantics()
    }

    /// Rules the schema alone cannot say.
    private func checkSemantics() throws {
        switch type {
        case "PolicySet":
            guard case .string(let key)? = data["key"], let needsYear = EventCatalog.policyKeys[key] else {
                throw FieldError(path: "data.key", message: "not a policy key; the keys are "
                    + EventCatalog.policyKeys.keys.sorted().joined(separator: ", "))
            }
            if needsYear && (data["year"] == nil || data["year"] == .null) {
                throw FieldError(path: "data.year", message: "is required for \(key)")
            }
        case "Correction":
            let action = data["action"]
            let hasData = data["data"] != nil && data["data"] != .null
            if action == .string("replace") && !hasData {
                throw FieldError(path: "data.data", message: "is required for a replace (the replacement data)")
            }
            if action == .string("retract") && hasData {
                throw FieldError(path: "data.data", message: "a retract carries no data")
            }
        case "HouseholdIdentified":
            if case .array(let members)? = data["members"] {
                if members.isEmpty { throw FieldError(path: "data.members", message: "a household has at least one member") }
                let heads = members.filter { if case .object(let p) = $0 { return p["relation"] == .string("户主") } else { return false } }
                if heads.count != 1 {
                    throw FieldError(path: "data.members", message: "exactly one member has relation 户主; here \(heads.count) do")
                }
            }
        default: break
        }
    }

    /// The event ready to append: its data encoded as its protobuf message, document and
    /// reason as its metadata.
    ///
    /// - Parameter typeOfPosition: The event type at a position (for a correction's
    ///   replacement data), or `nil` when there is no such event in the stream.
    /// - Throws: ``FieldError`` naming the first bad field.
    public func proposed(typeOfPosition: (UInt64) -> String? = { _ in nil }) throws -> ProposedEvent {
        // A correction names an event of its own stream that is not itself a correction,
        // whether it retracts it or replaces its data.
        var targetSpec: EventSpec?
        if type == "Correction", case .integer(let target)? = data["target"], target >= 0 {
            guard let t = typeOfPosition(UInt64(target)) else {
                throw FieldError(path: "data.target", message: "no event at that position in \(stream)")
            }
            guard t != "Correction", let s = EventCatalog.spec(for: t) else {
                throw FieldError(path: "data.target", message: "a correction cannot correct a correction")
            }
            targetSpec = s
        }
        let payload = try DataCodec.encode(data, spec.schema, path: "data") { replacement, path in
            guard let targetSpec else { throw FieldError(path: "data.target", message: "no event at that position in \(stream)") }
            return try DataCodec.encode(replacement, targetSpec.schema, path: path)
        }
        var meta = ProtoWriter()
        if let document, !document.isEmpty { meta.lengthDelimited(1, Array(document.utf8)) }
        if let reason, !reason.isEmpty { meta.lengthDelimited(2, Array(reason.utf8)) }
        return ProposedEvent(type: type, effective: effective, actor: actor, metadata: meta.bytes, payload: payload)
    }
}

/// The canonical JSON line of a stored event, as `export` writes it.
public enum CanonicalExport {
    /// The line (without the newline).
    ///
    /// - Parameters:
    ///   - record: The stored event.
    ///   - typeOfPosition: The type of the event at a position (to decode a correction's
    ///     replacement data).
    /// - Throws: ``FieldError`` when the stored payload does not decode.
    public static func line(_ record: RecordedEvent, typeOfPosition: (UInt64) -> String? = { _ in nil }) throws -> String {
        guard let spec = EventCatalog.spec(for: record.type) else {
            throw FieldError(path: "type", message: "position \(record.position) holds an event type the catalog does not know: \(record.type)")
        }
        let data = try DataCodec.decode(record.payload, spec.schema, path: "data") { bytes in
            var target: UInt64?
            var reader = ProtoReader(bytes: record.payload)
            while let (n, v) = try reader.next() { if n == 1, case .varint(let t) = v { target = t } }
            guard let target, let t = typeOfPosition(target), let targetSpec = EventCatalog.spec(for: t) else { return .null }
            return .object(try DataCodec.decode(bytes, targetSpec.schema, path: "data.data"))
        }
        let meta = try DataCodec.decode(record.metadata, EventCatalog.metadata, path: "metadata")
        var o = JSONObject([
            ("position", .integer(Int64(record.position))), ("version", .integer(Int64(record.version))),
            ("recorded", .string(record.recorded.description)), ("stream", .string(record.stream)),
            ("type", .string(record.type)), ("effective", .string(record.effective.description)),
            ("actor", .string(record.actor)),
        ])
        for m in meta.members { o.members.append(m) }
        o.members.append(("data", .object(data)))
        return JSONWriter.write(.object(o))
    }
}
