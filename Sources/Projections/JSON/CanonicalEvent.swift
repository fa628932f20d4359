import EventStore

/// One event in the canonical JSON form (`docs/import-export.md`): the envelope and its data,
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
    /// The stream's category and id (`household`, `5301241012010001`).
    public var category: StreamCategory
    public var id: String
    /// ``type`` as an enum.
    var kind: EventKind { EventKind(type: type) }

    static let envelopeFields = ["stream", "type", "effective", "actor", "document", "reason", "expected_version", "data"]

    /// Reads one JSON line. Export's own fields (position, version, recorded) are
    /// accepted and ignored, so an export can be imported into another store.
    ///
    /// - Throws: ``ProjectionError``: `syntax` for text that is not JSON (with its column),
    ///   `invalid` naming the first bad field.
    public static func parse(line: String) throws -> CanonicalEvent {
        var line = line
        return try line.withUTF8 { try parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Reads one JSON line given as UTF-8 bytes.
    public static func parse(utf8 line: UnsafeRawBufferPointer) throws -> CanonicalEvent {
        guard case .object(let o) = try JSONParser.parse(line) else {
            throw ProjectionError.field(path: "(line)", message: "an event is a JSON object, one per line")
        }
        return try CanonicalEvent(envelope: o)
    }

    private enum Field { case stream, type, effective, actor, document, reason, expectedVersion, data, export }

    /// The envelope's field (or export's) a member names, compared as bytes: an import
    /// reads millions of them (comparing `String`s one by one, or hashing them, was a
    /// fifth of its parsing).
    private static func field(_ key: String) -> Field? {
        let u = key.utf8
        func `is`(_ name: StaticString) -> Bool {
            u.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
        switch u.count {
        case 4: return `is`("type") ? .type : `is`("data") ? .data : nil
        case 5: return `is`("actor") ? .actor : nil
        case 6: return `is`("stream") ? .stream : `is`("reason") ? .reason : nil
        case 7: return `is`("version") ? .export : nil
        case 8: return `is`("document") ? .document : `is`("position") || `is`("recorded") ? .export : nil
        case 9: return `is`("effective") ? .effective : nil
        case 16: return `is`("expected_version") ? .expectedVersion : nil
        default: return nil
        }
    }

    /// Checks an envelope object.
    public init(envelope o: JSONObject) throws {
        var streamValue, typeValue, effectiveValue, actorValue, documentValue, reasonValue, expectedValue, dataValue: JSONValue?
        for m in o.members {
            guard let field = Self.field(m.key) else {
                throw ProjectionError.field(path: m.key, message: "unknown field; the envelope's fields are " + Self.envelopeFields.joined(separator: ", "))
            }
            switch field {
            case .stream: streamValue = m.value
            case .type: typeValue = m.value
            case .effective: effectiveValue = m.value
            case .actor: actorValue = m.value
            case .document: documentValue = m.value
            case .reason: reasonValue = m.value
            case .expectedVersion: expectedValue = m.value
            case .data: dataValue = m.value
            case .export: break
            }
        }
        func string(_ value: JSONValue?, _ key: String, required: Bool) throws -> String? {
            guard let v = value, v != .null else {
                if required { throw ProjectionError.field(path: key, message: "is required") }
                return nil
            }
            guard case .string(let s) = v else { throw ProjectionError.field(path: key, message: "must be a string, not \(v.kindName)") }
            if required && s.isEmpty { throw ProjectionError.field(path: key, message: "must not be empty") }
            // An audit trail shows these as they are: a newline or an escape sequence in
            // an actor or a stream would forge a row.
            if let p = ControlCharacters.problem(in: s) {
                throw ProjectionError.field(path: key, message: p)
            }
            return s
        }
        let type = try string(typeValue, "type", required: true) ?? ""
        guard let spec = EventCatalog.spec(for: type) else {
            throw ProjectionError.field(path: "type", message: "unknown event type \"\(type)\"; the catalog has "
                + EventCatalog.all.map(\.type).joined(separator: ", "))
        }
        let stream = try string(streamValue, "stream", required: true) ?? ""
        guard let (category, id) = StreamCategory.split(stream) else {
            throw ProjectionError.field(path: "stream", message: "\"\(stream)\" is not category-id; categories: "
                + StreamCategory.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let expected = spec.category, expected != category {
            throw ProjectionError.field(path: "stream", message: "\(type) belongs in a \(expected.rawValue)-<id> stream, not \(stream)")
        }
        if category == .village, VillageCode(id) == nil {
            throw ProjectionError.field(path: "stream", message: "a village stream is village-<12-digit code>, not \(stream)")
        }
        let effectiveText = try string(effectiveValue, "effective", required: true) ?? ""
        guard let effective = EffectiveDate(effectiveText) else {
            throw ProjectionError.field(path: "effective", message: "\"\(effectiveText)\" is not a date YYYY-MM-DD")
        }
        let actor = try string(actorValue, "actor", required: true) ?? ""
        var expected = ExpectedVersion.any
        if let v = expectedValue, v != .null {
            guard case .integer(let n) = v, n >= -1 else {
                throw ProjectionError.field(path: "expected_version", message: "must be -1 (no stream yet) or a version 0 or more")
            }
            expected = n == -1 ? .noStream : .exact(UInt64(n))
        }
        guard let dataValue else { throw ProjectionError.field(path: "data", message: "is required (use {} for an event without data)") }
        guard case .object(let data) = dataValue else { throw ProjectionError.field(path: "data", message: "must be an object, not \(dataValue.kindName)") }
        self.stream = stream
        self.type = type
        self.effective = effective
        self.actor = actor
        self.document = try string(documentValue, "document", required: false)
        self.reason = try string(reasonValue, "reason", required: false)
        self.expectedVersion = expected
        self.data = data
        self.spec = spec
        self.category = category
        self.id = id
        try checkSemantics()
    }

    /// Rules the schema alone cannot say.
    private func checkSemantics() throws {
        switch kind {
        case .policySet:
            guard case .string(let key)? = data["key"], let needsYear = EventCatalog.policyKeys[key] else {
                throw ProjectionError.field(path: "data.key", message: "not a policy key; the keys are "
                    + EventCatalog.policyKeys.keys.sorted().joined(separator: ", "))
            }
            if needsYear && (data["year"] == nil || data["year"] == .null) {
                throw ProjectionError.field(path: "data.year", message: "is required for \(key)")
            }
        case .correction:
            let action = data["action"]
            let hasData = data["data"] != nil && data["data"] != .null
            if action == .string("replace") && !hasData {
                throw ProjectionError.field(path: "data.data", message: "is required for a replace (the replacement data)")
            }
            if action == .string("retract") && hasData {
                throw ProjectionError.field(path: "data.data", message: "a retract carries no data")
            }
        case .householdIdentified:
            if case .array(let members)? = data["members"] {
                if members.isEmpty { throw ProjectionError.field(path: "data.members", message: "a household has at least one member") }
                let heads = members.filter { if case .object(let p) = $0 { return p["relation"] == .string("户主") } else { return false } }
                if heads.count != 1 {
                    throw ProjectionError.field(path: "data.members", message: "exactly one member has relation 户主; here \(heads.count) do")
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
    /// - Throws: ``ProjectionError`` `invalid` naming the first bad field.
    public func proposed(typeOfPosition: (UInt64) -> String? = { _ in nil }) throws -> ProposedEvent {
        // A correction names an event of its own stream that is not itself a correction,
        // whether it retracts it or replaces its data.
        var targetSpec: EventSpec?
        if kind == .correction, case .integer(let target)? = data["target"], target >= 0 {
            guard let t = typeOfPosition(UInt64(target)) else {
                throw ProjectionError.field(path: "data.target", message: "no event at that position in \(stream)")
            }
            guard EventKind(type: t) != .correction, let s = EventCatalog.spec(for: t) else {
                throw ProjectionError.field(path: "data.target", message: "a correction cannot correct a correction")
            }
            targetSpec = s
        }
        let payload = try DataCodec.encode(data, spec.schema, path: "data") { replacement, path in
            guard let targetSpec else { throw ProjectionError.field(path: "data.target", message: "no event at that position in \(stream)") }
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
    /// - Throws: ``ProjectionError`` when the stored payload does not decode.
    public static func line(_ record: RecordedEvent, typeOfPosition: (UInt64) -> String? = { _ in nil }) throws -> String {
        guard let spec = EventCatalog.spec(for: record.type) else {
            throw ProjectionError.field(path: "type", message: "position \(record.position) holds an event type the catalog does not know: \(record.type)")
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
