/// An event to be appended: everything but what the store assigns (position, stream
/// version, recorded time).
public struct ProposedEvent: Sendable, Equatable {
    /// The event type, e.g. `ExitApproved`. 1 to 65,535 bytes of UTF-8.
    public var type: String
    /// When it happened in the world.
    public var effective: EffectiveDate
    /// Who entered it (an operator or system id). 1 to 65,535 bytes of UTF-8.
    public var actor: String
    /// An optional id tying events of one operation together (an import, a request).
    public var correlation: String?
    /// Data about the event rather than of it (in this project: the source document
    /// number 文号 and the reason), opaque to the store. At most 65,535 bytes.
    public var metadata: [UInt8]
    /// The event's data, opaque to the store (a protobuf message in this project).
    public var payload: [UInt8]

    /// Creates an event to append.
    public init(type: String, effective: EffectiveDate, actor: String, correlation: String? = nil,
                metadata: [UInt8] = [], payload: [UInt8]) {
        self.type = type
        self.effective = effective
        self.actor = actor
        self.correlation = correlation
        self.metadata = metadata
        self.payload = payload
    }
}

/// An event as stored: the proposed event plus what the store assigned.
public struct RecordedEvent: Sendable, Equatable {
    /// The global position in the log, from 0, gap-free.
    public var position: UInt64
    /// The stream, `category-id` by convention (`household-5301241012010001`).
    public var stream: String
    /// The version within the stream, from 0, gap-free.
    public var version: UInt64
    /// The event type.
    public var type: String
    /// When it happened in the world.
    public var effective: EffectiveDate
    /// When the store recorded it.
    public var recorded: RecordedTime
    /// Who entered it.
    public var actor: String
    /// The correlation id, if one was given.
    public var correlation: String?
    /// The event's metadata.
    public var metadata: [UInt8]
    /// The event's data.
    public var payload: [UInt8]

    /// Creates a stored event (the store makes these; tools and tests may too).
    public init(position: UInt64, stream: String, version: UInt64, type: String, effective: EffectiveDate,
                recorded: RecordedTime, actor: String, correlation: String? = nil, metadata: [UInt8] = [], payload: [UInt8]) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.effective = effective
        self.recorded = recorded
        self.actor = actor
        self.correlation = correlation
        self.metadata = metadata
        self.payload = payload
    }
}

/// The optimistic-concurrency condition of an append, checked atomically with the write.
public enum ExpectedVersion: Sendable, Equatable, CustomStringConvertible {
    /// Append whatever the stream's version.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last version must be exactly this.
    case exact(UInt64)

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .exact(let v): return "version \(v)"
        }
    }
}

/// Events for one stream within an append.
public struct StreamWrite: Sendable, Equatable {
    /// The stream to append to. 1 to 65,535 bytes of UTF-8.
    public var stream: String
    /// The condition the stream must meet.
    public var expected: ExpectedVersion
    /// The events, in order. May be empty only to check a condition.
    public var events: [ProposedEvent]

    /// Creates a write to one stream.
    public init(stream: String, expected: ExpectedVersion = .any, events: [ProposedEvent]) {
        self.stream = stream
        self.expected = expected
        self.events = events
    }
}

/// What an append assigned.
public struct AppendResult: Sendable, Equatable {
    /// The positions of the appended events, in order; empty when nothing was appended.
    public var positions: Range<UInt64>
    /// Each write's stream and that stream's last version after it, in the order of the
    /// writes (a stream written twice appears twice; writes that only checked a stream
    /// that does not exist do not appear).
    public var written: [(stream: String, version: UInt64)] { Array(zip(streams, versions)) }
    /// For each stream written, its last version after the append (built when asked).
    public var lastVersions: [String: UInt64] {
        var d = [String: UInt64](minimumCapacity: streams.count)
        for (s, v) in zip(streams, versions) { d[s] = v }
        return d
    }

    var streams: [String]
    var versions: [UInt64]

    /// What an append assigned: its positions, and each write's stream with its last
    /// version after it (for another backend's appends).
    public init(positions: Range<UInt64>, streams: [String] = [], versions: [UInt64] = []) {
        self.positions = positions
        self.streams = streams
        self.versions = versions
    }
}
