import EventStore
import PostgresStore

/// `status`: the store's path, events, streams, segments, bytes, last position and digest.
enum StatusCommand: ReplCommand {
    static let name = "status"
    static let summary = "the store: path, events, streams, segments, bytes, last position"
    static let example = "status"
    static let reference = "the store: path, events, streams, segments, bytes, last position (and damage, if any)"

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let opened = try session.store()
        guard let store = opened as? EventStore else { return try postgres(opened) }
        let s = store.status()
        var fields: [(key: String, label: String, value: ResultValue)] = [
            ("store", "store", .text(store.directory)),
            ("events", "events", .integer(Int64(s.events))),
            ("streams", "streams", .integer(Int64(s.streams))),
            ("segments", "segments", .integer(Int64(s.segments))),
            ("bytes", "bytes", .integer(s.bytes)),
            ("last_position", "last position", s.lastPosition.map { .integer(Int64($0)) } ?? .null),
            // The Merkle root over all records (docs/verification.md); null only when
            // damage keeps the log from being read to its end.
            ("digest", "digest", .text((try? store.digest())?.root.hex)),
        ]
        if let damage = store.damage {
            fields.append(("damage", "damage", .text("\(damage)")))
        }
        if !session.openingWarnings.isEmpty {
            fields.append(("found_on_open", "found on open", .text(session.openingWarnings.joined(separator: "; "))))
        }
        let recorded = store.recordedRepairs
        if let last = recorded.last {
            fields.append(("repairs", "repairs", .text("\(counted(recorded.count, "repair")) on record in REPAIRS; the last: \(last)")))
        }
        return .record(RecordResult(fields: fields))
    }

    /// `status` of a log on PostgreSQL: no segments or bytes of ours, the county instead.
    private static func postgres(_ store: any EventLog) throws -> CommandResult {
        let postgres = store as? PostgresEventLog
        let streams = try postgres?.streamCount()
        let n = store.endPosition
        return .record(RecordResult(fields: [
            ("store", "store", .text(store.location)),
            ("backend", "backend", .text("postgresql")),
            ("county", "county", .text(postgres?.county)),
            ("events", "events", .integer(Int64(n))),
            ("streams", "streams", streams.map { .integer(Int64($0)) } ?? .null),
            ("last_position", "last position", n == 0 ? .null : .integer(Int64(n - 1))),
            ("digest", "digest", .text((try? store.digest())?.root.hex)),
        ]))
    }
}
