import EventStore
import Foundation
import PostgresStore
import TestSupport
import Testing

// Helpers shared by this target's tests: the one place to look for a function a test
// calls that is not in its own file.

/// The two backends every conformance test runs on.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case file
    case postgres

    var testDescription: String { rawValue }

    /// Both when a PostgreSQL server is there (always in CI: there, a missing server
    /// fails the PostgreSQL cases); the file store alone otherwise, with the skip
    /// reported by ``PostgresTestServer``.
    static var all: [Backend] { PostgresTestServer.enabled ? [.file, .postgres] : [.file] }

    /// A new, empty log on this backend; `body` gets it and where it lives.
    func withNewLog<T>(_ body: (any EventLog, String) throws -> T) throws -> T {
        switch self {
        case .file:
            let dir = FileManager.default.temporaryDirectory.path + "/fp-conformance-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let log = try EventStore.open(dir)
            defer { try? log.close() }
            return try body(log, dir)
        case .postgres:
            let url = try PostgresTestServer.newLog()
            let log = try PostgresEventLog.open(PostgresAddress(url))
            defer { try? log.close() }
            return try body(log, url)
        }
    }

    /// Opens a second handle on the log at `location` (a reader, or another writer).
    func open(_ location: String, readOnly: Bool) throws -> any EventLog {
        switch self {
        case .file:
            var c = EventStore.Configuration()
            c.readOnly = readOnly
            return try EventStore.open(location, configuration: c)
        case .postgres:
            return try PostgresEventLog.open(PostgresAddress(location), readOnly: readOnly)
        }
    }
}

let day = EffectiveDate(year: 2016, month: 12, day: 20)!

func event(_ i: Int, type: String = "VisitRecorded", correlation: String? = nil, metadata: [UInt8] = []) -> ProposedEvent {
    ProposedEvent(type: type, effective: day, actor: "op-\(i % 10)", correlation: correlation, metadata: metadata,
                  payload: Array("payload-\(i) 走访".utf8))
}

/// The root of the tree over every record, computed here from the records' canonical
/// bytes, independently of the backend's own tree.
func recomputedRoot(_ log: any EventLog) throws -> MerkleHash {
    var frontier = MerkleFrontier()
    try log.forEachRecord(from: 0) { r in
        frontier.append(MerkleHash.leaf(r.canonicalBytes))
        return true
    }
    return frontier.root
}
