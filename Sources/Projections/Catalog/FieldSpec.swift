/// What a field holds, in canonical JSON and in protobuf.
public indirect enum FieldKind: Sendable {
    /// A string. Required strings may not be empty.
    case text
    /// `YYYY-MM-DD`; protobuf uint32 yyyymmdd.
    case date
    /// An amount in fen: an integer, not negative; protobuf int64.
    case fen
    /// An amount in fen that may be negative (a net income); protobuf int64.
    case signedFen
    /// A count: an integer, not negative; protobuf int32.
    case count
    /// A year, 1949-2100; protobuf int32.
    case year
    /// `true` or `false`.
    case bool
    /// `true`/`false`, or the labels 认可/不认可; protobuf bool.
    case approval
    /// One of a label set; protobuf enum.
    case label(LabelSet)
    /// A 12-digit village code; protobuf string.
    case village
    /// A fund unit: `county-<6 digits>`, `town-<9 digits>`, `village-<12 digits>`, `org-<name>`.
    case unit
    /// An 18-character id number with a valid check character.
    case idNumber
    /// A position in the log: an integer, not negative; protobuf uint64.
    case position
    /// Any integer; protobuf int64.
    case integer
    /// A nested object.
    case message(MessageSchema)
    /// The replacement data of a correction: an object of the corrected event's type,
    /// stored as that event's encoded message.
    case correctionData

    /// A string in protobuf (a text, village code, unit or id number).
    var isText: Bool {
        switch self {
        case .text, .village, .unit, .idNumber: return true
        default: return false
        }
    }

    var isLengthDelimited: Bool {
        switch self {
        case .text, .village, .unit, .idNumber, .message, .correctionData: return true
        default: return false
        }
    }
}

/// One field of a message: its JSON name (equal to the protobuf name), protobuf number,
/// kind, and whether it must be given.
public final class FieldSpec: Sendable {
    public let name: String
    public let number: Int
    public let kind: FieldKind
    public let required: Bool
    public let repeated: Bool
    /// Fields sharing a oneof name: exactly one of them must be given.
    public let oneof: String?

    init(_ name: String, _ number: Int, _ kind: FieldKind, required: Bool = true, repeated: Bool = false, oneof: String? = nil) {
        self.name = name
        self.number = number
        self.kind = kind
        self.required = required
        self.repeated = repeated
        self.oneof = oneof
    }
}

/// The fields of a message, in field-number order.
public final class MessageSchema: Sendable {
    /// The protobuf message name (`fp.HouseholdIdentified`).
    public let name: String
    public let fields: [FieldSpec]

    /// The index in ``fields`` of each field name.
    let indexByName: [String: Int]

    init(_ name: String, _ fields: [FieldSpec]) {
        self.name = name
        self.fields = fields.sorted { $0.number < $1.number }
        indexByName = Dictionary(uniqueKeysWithValues: self.fields.enumerated().map { ($1.name, $0) })
    }

    func field(named n: String) -> FieldSpec? { indexByName[n].map { fields[$0] } }
    func field(number n: Int) -> FieldSpec? { fields.first { $0.number == n } }
}

/// Shorthands for the catalog table.
func req(_ name: String, _ number: Int, _ kind: FieldKind) -> FieldSpec { FieldSpec(name, number, kind) }
func opt(_ name: String, _ number: Int, _ kind: FieldKind) -> FieldSpec { FieldSpec(name, number, kind, required: false) }
func list(_ name: String, _ number: Int, _ kind: FieldKind, required: Bool = true) -> FieldSpec {
    FieldSpec(name, number, kind, required: required, repeated: true)
}
