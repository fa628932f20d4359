import EventStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The log of one county in a PostgreSQL database: the same contract as the file store
/// (``EventLog``), the records in one table partitioned by county. `docs/postgres.md`
/// describes the schema and why readers never skip a record that commits late.
///
/// Calls block the calling thread (never an event loop's): the projections are
/// synchronous folds, and one connection serves one log object, one call at a time.
public final class PostgresEventLog: EventLog {
    public let address: PostgresAddress
    /// The county code: the partition key and the log's name in the database.
    public let county: String
    public let storeID: String
    public let isReadOnly: Bool

    private let connection: PostgresConnection
    private let logger: Logger
    /// One call at a time on the connection (a transaction is several statements).
    private let session = Mutex<Void>(())
    private let state = Mutex(State())

    private struct State {
        var end: UInt64 = 0
        var closed = false
        /// The whole tree, built when a proof or an earlier digest is asked for, kept
        /// while the log has not grown.
        var leaves: MerkleLeaves?
    }

    /// Rows fetched per query when scanning.
    static let page = 20_000

    public var location: String { address.description.split(separator: "?").first.map(String.init).map { $0 + "?county=\(county)" } ?? "" }
    public var endPosition: UInt64 { state.withLock { $0.end } }

    /// Projection snapshots of a PostgreSQL log are kept on this machine, under the
    /// user's cache directory, named by the log's id (a snapshot checks the log it
    /// belongs to before it is used, so a stale one is rebuilt, never trusted).
    public var projectionsDirectory: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.cache")
        return base + "/fp-ledger/postgres/" + storeID + "/projections"
    }

    private init(address: PostgresAddress, county: String, storeID: String, readOnly: Bool, end: UInt64,
                 connection: PostgresConnection, logger: Logger) {
        self.address = address
        self.county = county
        self.storeID = storeID
        self.isReadOnly = readOnly
        self.connection = connection
        self.logger = logger
        state.withLock { $0.end = end }
    }

    /// Closes the connection without waiting for it (the last reference may go on any
    /// thread, an event loop's among them, where waiting is not allowed), keeping it alive
    /// until it is closed: postgres-nio wants a connection closed before it goes.
    deinit {
        let connection = self.connection
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    // MARK: Opening

    /// Opens (and, for a writer, creates when missing) the log of a county.
    ///
    /// - Parameters:
    ///   - address: The server, database and county; without a county, the database's
    ///     only log.
    ///   - readOnly: Refuse appends; never create anything.
    /// - Throws: ``StoreError`` `io` when the server cannot be reached, `notFound` when
    ///   a reader names a log that does not exist, `invalidArgument` when the county
    ///   cannot be told.
    public static func open(_ address: PostgresAddress, readOnly: Bool = false) throws -> PostgresEventLog {
        var logger = Logger(label: "fp-ledger.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        var config = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                      password: address.password, database: address.database, tls: .disable)
        config.options.connectTimeout = .seconds(10)
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: config,
                                                        id: 1, logger: logger).wait()
        } catch {
            throw StoreError(.io, "cannot connect to PostgreSQL at \(address.host):\(address.port) as \(address.user): "
                + Self.describe(error), path: address.description)
        }
        do {
            let sql = SQL(connection: connection, logger: logger, place: address.description)
            if !readOnly { try Schema.create(sql) }
            let county = try address.county ?? Self.onlyCounty(sql, address: address, readOnly: readOnly)
            var row = try Schema.exists(sql) ? Schema.log(sql, county: county) : nil
            if row == nil {
                guard !readOnly else {
                    throw StoreError(.notFound, "the database holds no log for county \(county)", path: address.description)
                }
                try Schema.createLog(sql, county: county, storeID: Self.newStoreID())
                row = try Schema.log(sql, county: county)
            }
            guard let row else { throw StoreError(.io, "the log of county \(county) could not be created", path: address.description) }
            return PostgresEventLog(address: address, county: county, storeID: row.storeID, readOnly: readOnly, end: row.next,
                                    connection: connection, logger: logger)
        } catch {
            try? connection.close().wait()
            throw error
        }
    }

    /// The county of a database that holds exactly one log.
    private static func onlyCounty(_ sql: SQL, address: PostgresAddress, readOnly: Bool) throws -> String {
        let counties = try Schema.counties(sql)
        switch counties.count {
        case 1: return counties[0]
        case 0:
            throw StoreError(.invalidArgument, "the database holds no log yet: name its county, "
                + "postgres://\(address.user)@\(address.host)/\(address.database)?county=CODE", path: address.description)
        default:
            throw StoreError(.invalidArgument, "the database holds the logs of \(counties.count) counties "
                + "(\(counties.prefix(5).joined(separator: ", "))\(counties.count > 5 ? ", ..." : "")): name one with ?county=CODE",
                path: address.description)
        }
    }

    private static func newStoreID() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let b = UInt8.random(in: 0...255, using: &g)
            return String(b >> 4, radix: 16) + String(b & 15, radix: 16)
        }.joined()
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            if let u = e.underlying { return "\(u)" }
            return "\(e.code)"
        }
        if let e = error as? StoreError { return e.message }
        return "\(error)"
    }

    // MARK: EventLog

    public func refresh() throws {
        let end = try withSQL { try Schema.log($0, county: county)?.next } ?? 0
        state.withLock { s in
            if s.end != end { s.leaves = nil }
            s.end = end
        }
    }

    public func close() throws {
        let wasOpen = state.withLock { s in
            defer { s.closed = true }
            return !s.closed
        }
        if wasOpen { try? connection.close().wait() }
    }

    public func forEachRecord(from position: UInt64, through: UInt64?, _ body: (BorrowedRecord) throws -> Bool) throws {
        let end = endPosition
        let last = min(through.map { $0 == .max ? .max : $0 + 1 } ?? end, end)
        var p = position
        var builder = CanonicalRecordBuilder()
        // One page in flight while the one before is folded: the server reads the next
        // rows while the caller works (postgres-nio runs a connection's queries in order).
        func page(from: UInt64) throws -> EventLoopFuture<PostgresQueryResult>? {
            guard from < last else { return nil }
            return try withSQL { $0.start(Schema.rows(county: county, from: from, to: min(last, from + UInt64(Self.page)))) }
        }
        var pending = try page(from: p)
        while let current = pending {
            let to = min(last, p + UInt64(Self.page))
            let rows = try withSQL { try $0.finish(current) }.rows
            pending = try page(from: to)
            for row in rows {
                var found = p
                let keepGoing = try Schema.withRecord(row, &builder) { r -> Bool? in
                    found = r.position
                    guard r.position == p else { return nil }
                    return try body(r)
                }
                guard let keepGoing else {
                    throw StoreError(.corruptRecord, "the log of county \(county) has no record at position \(p) "
                        + "(the next holds \(found))", path: location, position: p)
                }
                if !keepGoing { return }
                p += 1
            }
            if p < to {
                throw StoreError(.corruptRecord, "the log of county \(county) has no record at position \(p)", path: location, position: p)
            }
        }
    }

    /// The rows of one type only, asked of the database page by page (keyset on the
    /// position): a pass over the corrections reads the corrections, not the log.
    public func forEachRecord(ofType type: String, from position: UInt64, through: UInt64?,
                              _ body: (BorrowedRecord) throws -> Bool) throws {
        let end = endPosition
        let last = min(through.map { $0 == .max ? .max : $0 + 1 } ?? end, end)
        var p = position
        var builder = CanonicalRecordBuilder()
        while p < last {
            let rows = try withSQL { try $0.run(Schema.rows(county: county, type: type, from: p, to: last, limit: Self.page)) }.rows
            for row in rows {
                let keepGoing = try Schema.withRecord(row, &builder) { r -> Bool in
                    p = r.position + 1
                    return try body(r)
                }
                if !keepGoing { return }
            }
            if rows.count < Self.page { return }
        }
    }

    public func readStream(_ stream: String, from version: UInt64, maxCount: Int) throws -> [RecordedEvent] {
        let end = endPosition
        return try withSQL { try Schema.stream($0, county: county, stream: stream, from: version, before: end, limit: maxCount) }
    }

    /// The stream's last committed version, whoever wrote it: unlike scans, which
    /// answer as of the last ``refresh()``, this is what the next append's condition
    /// will be checked against (several processes may write).
    public func streamVersion(_ stream: String) throws -> UInt64? {
        try withSQL { try Schema.streamVersion($0, county: county, stream: stream) }
    }

    public func append(_ writes: [StreamWrite]) throws -> AppendResult {
        try append(writes, startingAt: nil)
    }

    public func append(_ writes: [StreamWrite], startingAt position: UInt64?) throws -> AppendResult {
        guard !isReadOnly else { throw StoreError(.readOnly, "the store was opened read-only", path: location) }
        try EventStore.validate(writes)
        let result = try withSQL { sql in try Appender(sql: sql, county: county, place: location).append(writes, startingAt: position) }
        noteEnd(result.positions.upperBound)
        return result
    }

    public func appendCopies(_ records: [CopiedRecord]) throws {
        guard let last = records.last else { return }
        guard !isReadOnly else { throw StoreError(.readOnly, "the store was opened read-only", path: location) }
        try CopiedRecord.check(records, place: location)
        try withSQL { sql in try Appender(sql: sql, county: county, place: location).copy(records) }
        noteEnd(last.event.position + 1)
    }

    private func noteEnd(_ end: UInt64) {
        state.withLock { s in
            if end > s.end {
                s.end = end
                s.leaves = nil
            }
        }
    }

    public func tail(from position: UInt64, pollInterval: Duration) -> AsyncThrowingStream<RecordedEvent, any Error> {
        AsyncThrowingStream { output in
            let task = Task.detached {
                var next = position
                do {
                    while !Task.isCancelled, !self.state.withLock({ $0.closed }) {
                        try self.refresh()
                        var batch: [RecordedEvent] = []
                        try self.forEachRecord(from: next, through: nil) { r in
                            batch.append(r.materialize())
                            return batch.count < 4096
                        }
                        for r in batch { output.yield(r) }
                        next += UInt64(batch.count)
                        if batch.isEmpty { try await Task.sleep(for: pollInterval) }
                    }
                    output.finish()
                } catch is CancellationError {
                    output.finish()
                } catch {
                    output.finish(throwing: error)
                }
            }
            output.onTermination = { _ in task.cancel() }
        }
    }

    /// How many streams the log holds: kept with the head (each append adds the streams
    /// it starts), so one row read.
    public func streamCount() throws -> UInt64 {
        guard let head = try withSQL({ try Schema.log($0, county: county) }) else {
            throw StoreError(.notFound, "the log of county \(county) is gone", path: location)
        }
        return head.streams
    }

    // MARK: Merkle

    /// O(1): the tree's right edge is kept with the log's head and updated by every
    /// append in the same transaction.
    public func digest() throws -> Digest {
        let head = try withSQL { try Schema.log($0, county: county) }
        guard let head else { throw StoreError(.notFound, "the log of county \(county) is gone", path: location) }
        noteEnd(head.next)
        return Digest(size: head.next, root: head.frontier.root)
    }

    public func digest(size: UInt64) throws -> Digest {
        let n = endPosition
        _ = try ProofRequest.size(size, end: n, place: location)
        if size == n { return try digest() }
        return Digest(size: size, root: try tree().root(size: size))
    }

    public func inclusionProof(position: UInt64, size: UInt64?) throws -> InclusionProof {
        let size = try ProofRequest.inclusion(position: position, size: size, end: endPosition, place: location)
        let t = try tree()
        var bytes: [UInt8] = []
        try forEachRecord(from: position, through: position) { r in
            bytes = Array(r.canonicalBytes)
            return false
        }
        return InclusionProof(position: position, size: size, leafHash: t.leaf(position), root: t.root(size: size),
                                         hashes: t.inclusionProof(index: position, size: size), canonicalBytes: bytes)
    }

    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64?) throws -> ConsistencyProof {
        let newSize = try ProofRequest.consistency(from: oldSize, to: newSize, end: endPosition, place: location)
        let t = try tree()
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, oldRoot: t.root(size: oldSize),
                                           newRoot: t.root(size: newSize),
                                           hashes: t.consistencyProof(oldSize: oldSize, newSize: newSize))
    }

    /// The whole tree, from every record's canonical bytes: O(n) once per size of the
    /// log (PostgreSQL keeps no subtree hashes, only the right edge).
    private func tree() throws -> MerkleLeaves {
        if let t = state.withLock({ $0.leaves }), t.size == endPosition { return t }
        var leaves: [MerkleHash] = []
        leaves.reserveCapacity(Int(endPosition))
        try forEachRecord(from: 0, through: nil) { r in
            leaves.append(MerkleHash.leaf(r.canonicalBytes))
            return true
        }
        let t = MerkleLeaves(leaves)
        state.withLock { s in if t.size == s.end { s.leaves = t } }
        return t
    }

    /// Reads every record in position order (a gap is damage), recomputes every leaf
    /// and the root, and compares the root with the one kept with the log's head.
    public func verify(progress: ((UInt64, UInt64) -> Bool)?) -> VerifyReport {
        var report = VerifyReport(records: 0, bytes: 0, damage: nil)
        let head: Schema.LogRow
        do {
            guard let h = try withSQL({ try Schema.log($0, county: county) }) else {
                report.damage = StoreError(.notFound, "the log of county \(county) is gone", path: location)
                return report
            }
            head = h
            noteEnd(h.next)
            var frontier = MerkleFrontier()
            try forEachRecord(from: 0, through: nil) { r in
                frontier.append(MerkleHash.leaf(r.canonicalBytes))
                report.records += 1
                report.bytes += Int64(r.canonicalBytes.count)
                if report.records % 65_536 == 0, progress?(report.records, head.next) == false {
                    report.stopped = true
                    return false
                }
                return true
            }
            if report.stopped { return report }
            _ = progress?(report.records, head.next)
            guard frontier.root == head.frontier.root, frontier.size == head.frontier.size else {
                report.damage = StoreError(.corruptRecord, "the records of county \(county) hash to \(frontier.root.hex), "
                    + "but the tree kept as they were appended has \(head.frontier.root.hex): a record was changed after it was written",
                    path: location)
                return report
            }
            report.digest = Digest(size: frontier.size, root: frontier.root)
        } catch let e as StoreError {
            report.damage = e
        } catch {
            report.damage = StoreError(.io, Self.describe(error), path: location)
        }
        return report
    }

    /// Runs one SQL statement on the log's connection: for tests that damage a log
    /// behind the store's back.
    @_spi(Testing) public func execute(_ statement: String) throws {
        _ = try withSQL { try $0.run(PostgresQuery(unsafeSQL: statement)) }
    }

    // MARK: The connection

    private func withSQL<R>(_ body: (SQL) throws -> R) throws -> R {
        if state.withLock({ $0.closed }) { throw StoreError(.io, "the store is closed", path: location) }
        return try session.withLock { _ in try body(SQL(connection: connection, logger: logger, place: location)) }
    }
}
