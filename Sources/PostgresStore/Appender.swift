import EventStore

/// One append (or copy) to a county's log, in one transaction:
///
/// 1. lock the log's head row (`SELECT ... FOR UPDATE`): appends to one county take
///    turns, so positions are handed out in commit order, with no gap;
/// 2. read the written streams' last versions (this statement sees every append that
///    committed before the lock was granted) and check each condition;
/// 3. insert the records, and move the head: next position, last recorded time, the
///    Merkle tree's right edge;
/// 4. commit. The unique (county, stream, version) index is the database's own guard
///    behind step 2.
struct Appender {
    let sql: SQL
    let county: String
    let place: String

    /// Rows per INSERT statement.
    static let rowsPerStatement = 5_000

    func append(_ writes: [StreamWrite], startingAt position: UInt64?) throws -> AppendResult {
        try sql.transaction {
            guard let head = try Schema.log(sql, county: county, forUpdate: true) else {
                throw StoreError(.notFound, "the log of county \(county) is gone", path: place)
            }
            if let position, position != head.next { throw StoreError.logGrew(from: position, to: head.next, path: place) }
            var versions = try Schema.lastVersions(sql, county: county, streams: Array(Set(writes.map(\.stream))))
            var streams: [String] = [], lasts: [UInt64] = []
            var records: [CopiedRecord] = []
            let recorded = RecordedTime(microseconds: max(head.now, head.lastRecorded))
            var next = head.next
            for w in writes {
                let current = versions[w.stream]
                if let conflict = EventStore.conflict(w.stream, expected: w.expected, actual: current) { throw conflict }
                var v = current.map { $0 + 1 } ?? 0
                for e in w.events {
                    records.append(CopiedRecord(event: RecordedEvent(
                        position: next, stream: w.stream, version: v, type: e.type, effective: e.effective, recorded: recorded,
                        actor: e.actor, correlation: e.correlation, metadata: e.metadata, payload: e.payload), endsBatch: false))
                    next += 1
                    v += 1
                }
                if let last = w.events.isEmpty ? current : v - 1 {
                    versions[w.stream] = last
                    streams.append(w.stream)
                    lasts.append(last)
                }
            }
            guard !records.isEmpty else { return AppendResult(positions: head.next..<head.next, streams: streams, versions: lasts) }
            records[records.count - 1].endsBatch = true
            try write(records, head: head)
            return AppendResult(positions: head.next..<next, streams: streams, versions: lasts)
        }
    }

    func copy(_ records: [CopiedRecord]) throws {
        try sql.transaction {
            guard let head = try Schema.log(sql, county: county, forUpdate: true) else {
                throw StoreError(.notFound, "the log of county \(county) is gone", path: place)
            }
            guard records[0].event.position == head.next else {
                throw StoreError(.invalidArgument, "the copy starts at position \(records[0].event.position) "
                    + "but this log holds \(head.next) record\(head.next == 1 ? "" : "s")", path: place)
            }
            var versions = try Schema.lastVersions(sql, county: county, streams: Array(Set(records.map(\.event.stream))))
            for r in records {
                let e = r.event
                let expected: ExpectedVersion = e.version == 0 ? .noStream : .exact(e.version - 1)
                if let conflict = EventStore.conflict(e.stream, expected: expected, actual: versions[e.stream]) { throw conflict }
                versions[e.stream] = e.version
            }
            try write(records, head: head)
        }
    }

    private func write(_ records: [CopiedRecord], head: Schema.LogRow) throws {
        var frontier = head.frontier
        var lastRecorded = head.lastRecorded
        for r in records {
            frontier.append(MerkleHash.leaf(r.canonicalBytes))
            lastRecorded = max(lastRecorded, r.event.recorded.microseconds)
        }
        var start = 0
        while start < records.count {
            let end = min(records.count, start + Self.rowsPerStatement)
            try Schema.insert(sql, county: county, records[start..<end])
            start = end
        }
        let started = UInt64(records.reduce(0) { $0 + ($1.event.version == 0 ? 1 : 0) })
        try Schema.saveHead(sql, county: county, next: frontier.size, streams: head.streams + started, lastRecorded: lastRecorded,
                            frontier: frontier)
    }
}
