import EventStore
import Logging
import NIOCore
import PostgresNIO

/// One statement at a time on a connection, blocking; PostgreSQL's errors become
/// ``StoreError``s that say what went wrong in the store's words.
struct SQL {
    let connection: PostgresConnection
    let logger: Logger
    let place: String

    @discardableResult
    func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        do {
            return try connection.query(query, logger: logger).wait()
        } catch {
            throw storeError(error)
        }
    }

    /// Sends a query and returns at once: the server works on it while the caller does
    /// something else (the scan reads the next page while it folds this one).
    func start(_ query: PostgresQuery) -> EventLoopFuture<PostgresQueryResult> {
        connection.query(query, logger: logger)
    }

    /// Waits for a query ``start(_:)`` sent.
    func finish(_ pending: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
        do {
            return try pending.wait()
        } catch {
            throw storeError(error)
        }
    }

    /// Runs `body` in a transaction (READ COMMITTED), rolled back if it throws.
    func transaction<R>(_ body: () throws -> R) throws -> R {
        try run("BEGIN")
        do {
            let r = try body()
            try run("COMMIT")
            return r
        } catch {
            _ = try? connection.query("ROLLBACK", logger: logger).wait()
            throw error
        }
    }

    func storeError(_ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        let message = PostgresEventLog.describe(error)
        switch (error as? PSQLError)?.serverInfo?[.sqlState] {
        case "23505": return StoreError(.versionConflict, "another writer took the same stream version first: \(message)", path: place)
        case "53100": return StoreError(.diskFull, "the database server is out of disk space: \(message)", path: place)
        case "25006": return StoreError(.readOnly, "the database is read-only: \(message)", path: place)
        case "42501": return StoreError(.permissionDenied, message, path: place)
        default: return StoreError(.io, "PostgreSQL: \(message)", path: place)
        }
    }
}

/// The tables, and every statement the log runs on them. `docs/postgres.md` shows the
/// same DDL.
enum Schema {
    /// Creates the tables if they are missing, once, under an advisory lock (several
    /// processes may open a new database at once).
    static func create(_ sql: SQL) throws {
        try sql.transaction {
            try sql.run("SELECT pg_advisory_xact_lock(7426001)")
            try sql.run("""
                CREATE TABLE IF NOT EXISTS fp_logs (
                    county        text PRIMARY KEY CHECK (county ~ '^[0-9]{6}$'),
                    store_id      text NOT NULL,
                    next_position bigint NOT NULL DEFAULT 0,
                    streams       bigint NOT NULL DEFAULT 0,
                    last_recorded bigint NOT NULL DEFAULT 0,
                    frontier      bytea NOT NULL DEFAULT ''::bytea
                )
                """)
            try sql.run("""
                CREATE TABLE IF NOT EXISTS fp_events (
                    county      text NOT NULL,
                    position    bigint NOT NULL,
                    stream      text NOT NULL,
                    version     bigint NOT NULL,
                    type        text NOT NULL,
                    effective   integer NOT NULL,
                    recorded    bigint NOT NULL,
                    actor       text NOT NULL,
                    correlation text,
                    ends_batch  boolean NOT NULL,
                    metadata    bytea NOT NULL,
                    payload     bytea NOT NULL,
                    PRIMARY KEY (county, position),
                    UNIQUE (county, stream, version)
                ) PARTITION BY LIST (county)
                """)
        }
    }

    /// Registers a county's log and creates its partition.
    static func createLog(_ sql: SQL, county: String, storeID: String) throws {
        precondition(county.utf8.count == 6 && county.utf8.allSatisfy { (0x30...0x39).contains($0) })
        try sql.transaction {
            try sql.run("SELECT pg_advisory_xact_lock(7426001)")
            try sql.run(PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS fp_events_\(county) PARTITION OF fp_events FOR VALUES IN ('\(county)')"))
            try sql.run("INSERT INTO fp_logs (county, store_id) VALUES (\(county), \(storeID)) ON CONFLICT (county) DO NOTHING")
        }
    }

    /// Whether the database holds the log tables at all.
    static func exists(_ sql: SQL) throws -> Bool {
        let result = try sql.run("SELECT to_regclass('fp_logs') IS NOT NULL")
        return try result.rows.first?.decode(Bool.self) ?? false
    }

    /// The counties that have a log.
    static func counties(_ sql: SQL) throws -> [String] {
        guard try exists(sql) else { return [] }
        return try sql.run("SELECT county FROM fp_logs ORDER BY county").rows.map { try $0.decode(String.self) }
    }

    /// A log's head: its id, next position, stream count, last recorded time and tree edge.
    struct LogRow {
        var storeID: String
        var next: UInt64
        var streams: UInt64
        var lastRecorded: Int64
        var frontier: MerkleFrontier
        /// The server's clock when read (microseconds since 1970), for recorded times.
        var now: Int64
    }

    static func log(_ sql: SQL, county: String, forUpdate: Bool = false) throws -> LogRow? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let result = try sql.run("""
            SELECT store_id, next_position, streams, last_recorded, frontier,
                   (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
            FROM fp_logs WHERE county = \(county)\(unescaped: lock)
            """)
        guard let row = result.rows.first else { return nil }
        let (id, next, streams, last, edge, now) = try row.decode((String, Int64, Int64, Int64, ByteBuffer, Int64).self)
        let bytes = Array(edge.readableBytesView)
        var hashes: [MerkleHash] = []
        var i = 0
        while i + 32 <= bytes.count {
            guard let hash = MerkleHash(bytes: bytes[i..<(i + 32)]) else { break }  // 32 bytes: always a hash
            hashes.append(hash)
            i += 32
        }
        guard hashes.count == UInt64(next).nonzeroBitCount else {
            throw StoreError(.corruptRecord, "the tree kept with the log of county \(county) has \(hashes.count) hashes "
                + "where \(UInt64(next).nonzeroBitCount) belong to \(next) records", path: sql.place)
        }
        return LogRow(storeID: id, next: UInt64(next), streams: UInt64(streams), lastRecorded: last,
                      frontier: MerkleFrontier(size: UInt64(next), hashes: hashes), now: now)
    }

    static func saveHead(_ sql: SQL, county: String, next: UInt64, streams: UInt64, lastRecorded: Int64,
                         frontier: MerkleFrontier) throws {
        var edge = ByteBuffer()
        for h in frontier.hashes { edge.writeBytes(h.bytes) }
        try sql.run("""
            UPDATE fp_logs SET next_position = \(Int64(next)), streams = \(Int64(streams)), last_recorded = \(lastRecorded),
                               frontier = \(edge)
            WHERE county = \(county)
            """)
    }

    private static let columns = "position, stream, version, type, effective, recorded, actor, correlation, ends_batch, metadata, payload"

    /// The rows of positions `from..<to`, in position order, for ``withRecord(_:_:_:)``.
    static func rows(county: String, from: UInt64, to: UInt64) -> PostgresQuery {
        """
        SELECT \(unescaped: columns) FROM fp_events
        WHERE county = \(county) AND position >= \(Int64(from)) AND position < \(Int64(to))
        ORDER BY position
        """
    }

    /// Up to `limit` rows of one type from position `from` on (before `to`), in order.
    static func rows(county: String, type: String, from: UInt64, to: UInt64, limit: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: columns) FROM fp_events
        WHERE county = \(county) AND type = \(type) AND position >= \(Int64(from)) AND position < \(Int64(to))
        ORDER BY position LIMIT \(Int64(limit))
        """
    }

    /// Calls `body` with the record of a row (as ``rows(county:from:to:)`` selects them),
    /// read from the row's binary cells into `builder`'s buffer: no String, Array or
    /// event is made per record (the scan path).
    static func withRecord<R>(_ row: PostgresRow, _ builder: inout CanonicalRecordBuilder,
                              _ body: (BorrowedRecord) throws -> R) throws -> R {
        // The cells' bytes by index: no PostgresCell (and its column name) per cell.
        let columns = PostgresRandomAccessRow(row)
        guard columns.count == 11 else { throw StoreError(.io, "a row of fp_events has \(columns.count) columns, not 11") }
        func cell(_ i: Int) -> ByteBuffer? { columns[data: i].value }
        func int64(_ i: Int) throws -> Int64 {
            guard let b = cell(i), let v = b.getInteger(at: b.readerIndex, as: Int64.self) else {
                throw StoreError(.corruptRecord, "a row of fp_events lacks column \(i)")
            }
            return v
        }
        let position = try int64(0)
        guard let e = cell(4), let effective = e.getInteger(at: e.readerIndex, as: Int32.self), effective > 0,
              EffectiveDate(rawValue: UInt32(effective)) != nil else {
            throw StoreError(.corruptRecord, "the record at position \(position) has no valid effective date", position: UInt64(position))
        }
        guard let ends = cell(8), let endsByte = ends.getInteger(at: ends.readerIndex, as: UInt8.self) else {
            throw StoreError(.corruptRecord, "the record at position \(position) lacks ends_batch", position: UInt64(position))
        }
        let empty = ByteBuffer()
        return try (cell(1) ?? empty).withUnsafeReadableBytes { stream in
            try (cell(3) ?? empty).withUnsafeReadableBytes { type in
                try (cell(6) ?? empty).withUnsafeReadableBytes { actor in
                    try (cell(7) ?? empty).withUnsafeReadableBytes { correlation in
                        try (cell(9) ?? empty).withUnsafeReadableBytes { metadata in
                            try (cell(10) ?? empty).withUnsafeReadableBytes { payload in
                                try builder.withRecord(
                                    position: UInt64(position), version: UInt64(try int64(2)), recorded: try int64(5),
                                    effective: UInt32(effective), endsBatch: endsByte != 0, hasCorrelation: cell(7) != nil,
                                    stream: stream, type: type, actor: actor, correlation: correlation,
                                    metadata: metadata, payload: payload, body)
                            }
                        }
                    }
                }
            }
        }
    }

    /// A stream's events from `version` on, among positions before `before`.
    static func stream(_ sql: SQL, county: String, stream: String, from version: UInt64, before: UInt64,
                       limit: Int) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let rows = try sql.run("""
            SELECT \(unescaped: columns) FROM fp_events
            WHERE county = \(county) AND stream = \(stream) AND version >= \(Int64(clamping: version))
              AND position < \(Int64(clamping: before))
            ORDER BY version LIMIT \(Int64(clamping: limit))
            """).rows
        return try rows.map { try record($0).event }
    }

    static func streamVersion(_ sql: SQL, county: String, stream: String) throws -> UInt64? {
        let rows = try sql.run("""
            SELECT version FROM fp_events WHERE county = \(county) AND stream = \(stream) ORDER BY version DESC LIMIT 1
            """).rows
        return try rows.first?.decode(Int64?.self).map(UInt64.init)
    }

    /// The last versions of some streams, for an append's conditions: one backward
    /// step on the (county, stream, version) index per stream, however long the streams.
    static func lastVersions(_ sql: SQL, county: String, streams: [String]) throws -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for row in try sql.run("""
            SELECT s.stream, (SELECT e.version FROM fp_events e WHERE e.county = \(county) AND e.stream = s.stream
                              ORDER BY e.version DESC LIMIT 1)
            FROM unnest(\(streams)::text[]) AS s(stream)
            """).rows {
            let (s, v) = try row.decode((String, Int64?).self)
            if let v { out[s] = UInt64(v) }
        }
        return out
    }

    static func insert(_ sql: SQL, county: String, _ records: ArraySlice<CopiedRecord>) throws {
        var positions: [Int64] = [], streams: [String] = [], versions: [Int64] = [], types: [String] = []
        var effective: [Int32] = [], recorded: [Int64] = [], actors: [String] = [], correlations: [String] = []
        var hasCorrelation: [Bool] = [], ends: [Bool] = [], metadata: [ByteBuffer] = [], payloads: [ByteBuffer] = []
        for r in records {
            let e = r.event
            positions.append(Int64(e.position))
            streams.append(e.stream)
            versions.append(Int64(e.version))
            types.append(e.type)
            effective.append(Int32(e.effective.rawValue))
            recorded.append(e.recorded.microseconds)
            actors.append(e.actor)
            correlations.append(e.correlation ?? "")
            hasCorrelation.append(e.correlation != nil)
            ends.append(r.endsBatch)
            metadata.append(ByteBuffer(bytes: e.metadata))
            payloads.append(ByteBuffer(bytes: e.payload))
        }
        try sql.run("""
            INSERT INTO fp_events (county, \(unescaped: columns))
            SELECT \(county), p, s, v, t, e, r, a, CASE WHEN hc THEN c END, b, m, pl
            FROM unnest(\(positions)::bigint[], \(streams)::text[], \(versions)::bigint[], \(types)::text[],
                        \(effective)::integer[], \(recorded)::bigint[], \(actors)::text[], \(correlations)::text[],
                        \(hasCorrelation)::boolean[], \(ends)::boolean[], \(metadata)::bytea[], \(payloads)::bytea[])
                 AS u(p, s, v, t, e, r, a, c, hc, b, m, pl)
            """)
    }

    private static func record(_ row: PostgresRow) throws -> CopiedRecord {
        let (p, s, v, t, e, r, a, c, b, m, pl) = try row.decode(
            (Int64, String, Int64, String, Int32, Int64, String, String?, Bool, ByteBuffer, ByteBuffer).self)
        guard e > 0, let effective = EffectiveDate(rawValue: UInt32(e)) else {
            throw StoreError(.corruptRecord, "the record at position \(p) has effective date \(e), which is no date", position: UInt64(p))
        }
        return CopiedRecord(event: RecordedEvent(
            position: UInt64(p), stream: s, version: UInt64(v), type: t, effective: effective,
            recorded: RecordedTime(microseconds: r), actor: a, correlation: c,
            metadata: Array(m.readableBytesView), payload: Array(pl.readableBytesView)), endsBatch: b)
    }
}
