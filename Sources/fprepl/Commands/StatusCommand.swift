import EventStore
import PostgresStore

/// `status`: the store's path, events, streams, segments, bytes and last position.
enum StatusCommand {
    static func run(_ session: Session) throws -> String {
        let opened: any EventLog
        do {
            opened = try session.store()
        } catch let e as StoreError {
            throw CommandError("cannot open the store: \(e)")
        }
        guard let store = opened as? EventStore else {
            return try postgres(opened, session)
        }
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
            ("digest", "digest", (try? store.digest()).map { .text($0.root.hex) } ?? .null),
        ]
        if let damage = store.damage {
            fields.append(("damage", "damage", .text("\(damage)")))
        }
        return RecordResult(fields: fields).render(session.mode)
    }

    /// `status` of a log on PostgreSQL: no segments or bytes of ours, the county instead.
    private static func postgres(_ store: any EventLog, _ session: Session) throws -> String {
        let postgres = store as? PostgresEventLog
        let streams = try postgres?.streamCount()
        let n = store.endPosition
        let fields: [(key: String, label: String, value: ResultValue)] = [
            ("store", "store", .text(store.location)),
            ("backend", "backend", .text("postgresql")),
            ("county", "county", postgres.map { .text($0.county) } ?? .null),
            ("events", "events", .integer(Int64(n))),
            ("streams", "streams", streams.map { .integer(Int64($0)) } ?? .null),
            ("last_position", "last position", n == 0 ? .null : .integer(Int64(n - 1))),
            ("digest", "digest", (try? store.digest()).map { .text($0.root.hex) } ?? .null),
        ]
        return RecordResult(fields: fields).render(session.mode)
    }
}
