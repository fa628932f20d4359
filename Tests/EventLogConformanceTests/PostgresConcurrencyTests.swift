import EventStore
import Foundation
@_spi(Testing) import PostgresStore
import TestSupport
import Testing

/// What only the PostgreSQL backend can be asked: several writer processes at once,
/// and damage done in the database behind the store's back.
@Suite("PostgreSQL: concurrent writers and damage", .enabled(if: PostgresTestServer.enabled))
struct PostgresConcurrencyTests {
    /// The helper executable, built beside the test bundle.
    static func helper() throws -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("log-append-helper").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw StoreError(.notFound, "log-append-helper was not built beside the tests")
    }

    @Test("Four processes append to the same streams: nothing lost, nothing twice, versions and positions without a gap")
    func concurrentWriters() throws {
        let url = try PostgresTestServer.newLog()
        let log = try PostgresEventLog.open(PostgresAddress(url))
        defer { try? log.close() }
        let writers = 4, count = 150, streams = 5
        let processes = try (0..<writers).map { w -> (Process, Pipe) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try Self.helper())
            p.arguments = [url, String(w), String(count), String(streams)]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.runWithCleanSignalMask()
            return (p, out)
        }
        // A reader scans while they write: every scan must see a gapless prefix.
        let reader = try PostgresEventLog.open(PostgresAddress(url), readOnly: true)
        defer { try? reader.close() }
        var scans = 0
        while processes.contains(where: { $0.0.isRunning }) {
            try reader.refresh()
            var expected: UInt64 = 0
            try reader.forEachRecord(from: 0) { r in
                #expect(r.position == expected)
                expected += 1
                return true
            }
            scans += 1
        }
        var conflicts = 0
        for (p, out) in processes {
            p.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == 0, "\(text)")
            conflicts += Int(text.split(separator: " ").last.map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        try log.refresh()
        #expect(log.endPosition == UInt64(writers * count))
        var payloads = Set<String>()
        var versions: [String: [UInt64]] = [:]
        try log.forEachRecord(from: 0) { r in
            payloads.insert(String(decoding: r.payload, as: UTF8.self))
            versions[r.stream, default: []].append(r.version)
            return true
        }
        #expect(payloads.count == writers * count, "every (writer, i) exactly once")
        #expect(payloads == Set((0..<writers).flatMap { w in (0..<count).map { "\(w):\($0)" } }))
        for (stream, v) in versions { #expect(v == Array(0..<UInt64(v.count)), "\(stream)") }
        #expect(try log.streamCount() == UInt64(versions.count), "the head counts each stream once, whoever started it")
        #expect(log.verify(progress: nil).damage == nil)
        #expect(scans > 0)
        // Not asserted (it depends on scheduling), only reported: how often writers raced.
        print("concurrent writers: \(writers * count) appends, \(conflicts) version conflicts retried, \(scans) reader scans")
    }

    @Test("A record changed in the database is found by verify; a record removed is named by position")
    func damageIsFound() throws {
        let url = try PostgresTestServer.newLog()
        let log = try PostgresEventLog.open(PostgresAddress(url))
        defer { try? log.close() }
        for i in 0..<10 { _ = try log.append([event(i)], to: "household-\(i % 3)") }
        #expect(log.verify(progress: nil).damage == nil)

        try log.execute("UPDATE fp_events SET payload = '\\x00'::bytea WHERE county = '\(log.county)' AND position = 4")
        let changed = log.verify(progress: nil)
        #expect(changed.damage?.code == .corruptRecord)
        #expect(changed.damage?.message.contains("a record was changed after it was written") == true)

        try log.execute("DELETE FROM fp_events WHERE county = '\(log.county)' AND position = 6")
        let removed = log.verify(progress: nil)
        #expect(removed.damage?.position == 6)
        #expect(removed.damage?.message == "the log of county \(log.county) has no record at position 6 (the next holds 7)")
        #expect(throws: StoreError.self) { try log.forEachRecord(from: 0) { _ in true } }
    }

    @Test("A reader never creates a log; a database of several logs wants the county named")
    func choosingTheLog() throws {
        let base = try PostgresTestServer.address.get()
        let missing = #expect(throws: StoreError.self) {
            try PostgresEventLog.open(PostgresAddress(base + "?county=" + PostgresTestServer.nextCounty()), readOnly: true)
        }
        #expect(missing?.code == .notFound)
        _ = try PostgresEventLog.open(PostgresAddress(try PostgresTestServer.newLog()))
        _ = try PostgresEventLog.open(PostgresAddress(try PostgresTestServer.newLog()))
        let several = #expect(throws: StoreError.self) { try PostgresEventLog.open(PostgresAddress(base)) }
        #expect(several?.message.contains("name one with ?county=CODE") == true)
    }
}

/// Addresses need no server: what is wrong with one is said before any connection.
@Suite("PostgreSQL addresses")
struct PostgresAddressTests {
    @Test("Bad addresses and unreachable servers get one line that says what is wrong")
    func addresses() throws {
        #expect(throws: StoreError.self) { try PostgresAddress("postgres://localhost/db") }
        let county = #expect(throws: StoreError.self) { try PostgresAddress("postgres://u@h/db?county=52") }
        #expect(county?.message.contains("county=52 is not a 6-digit county code") == true)
        let a = try PostgresAddress("postgresql://fp:s%40cret@127.0.0.1:5999/fp_test?county=530124")
        #expect(a.password == "s@cret" && a.port == 5999 && a.county == "530124")
        #expect(!a.description.contains("cret"))
        #expect(PostgresAddress.redacted("postgres://fp:secret@h/db") == "postgres://fp:***@h/db")
        let v6 = try PostgresAddress("postgres://fp@[::1]:5433/fp_test")
        #expect(v6.host == "::1" && v6.port == 5433 && v6.county == nil)
        #expect(try PostgresAddress("postgres://fp@[::1]/fp_test").port == 5432)
        let refused = #expect(throws: StoreError.self) { try PostgresEventLog.open(PostgresAddress("postgres://fp@127.0.0.1:1/fp_test?county=530124")) }
        #expect(refused?.code == .io)
        #expect(refused?.description.hasPrefix("cannot connect to PostgreSQL at 127.0.0.1:1 as fp") == true)
        #expect(refused?.description.contains("\n") == false)
    }
}
