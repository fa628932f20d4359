import Foundation
import TestSupport
import Testing

/// Every command honours the session's asof point: `asof position P; CMD` on the whole
/// log answers exactly what `CMD` answers on the log cut after record P.
@Suite struct AsofTranscriptTests {
    typealias SegmentFile = TamperTranscriptTests.SegmentFile

    @Test func everyCommandAtThreePositionsAnswersAsTheLogCutThere() throws {
        let base = FileManager.default.temporaryDirectory.path + "/fprepl-asof-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let whole = base + "/whole"
        let made = try fprepl(["generate", "--store", whole, "--households", "120", "--seed", "11"])
        try #require(made.status == 0, "\(made.err)")
        let seg = try SegmentFile(whole)
        let n = seg.bodies.count
        let streams = seg.bodies.indices.map(seg.stream)
        let fund = try #require(streams.first { $0.hasPrefix("fund-") }).dropFirst(5)
        let paid = try #require(streams.enumerated().first { $0.element.hasPrefix("household-") && n / 2 < $0.offset }).element.dropFirst(10)
        let project = streams.first { $0.hasPrefix("project-") }?.dropFirst(8)
        var commands = [
            "rates", "rates --from 2016-01-01 --to 2016-12-31", "ledger", "ledger by year", "funds \(fund)", "funds household \(paid)",
            "loans", "projects", "sample --households 5 --seed 3", "findings", "stats", "stats by town", "count households",
            "count households by status", "households order by id limit 20", "household \(paid)", "history \(paid)",
        ]
        if let project { commands.append("projects \(project)") }
        // Three points, each the last record of a batch (a log is cut only between batches).
        let points = [n / 3, n * 2 / 3, n - 40].map { p in (p...).first { seg.commits($0) }! }
        for p in points {
            let cut = base + "/cut-\(p)"
            try FileManager.default.copyItem(atPath: whole, toPath: cut)
            try FileManager.default.removeItem(atPath: cut + "/projections")
            let cutSegment = try SegmentFile(cut)
            try #require(truncate(cutSegment.path, off_t(cutSegment.offset(of: p + 1))) == 0)
            for command in commands {
                let asked = try fprepl(["--store", whole, "--as", "auditor", "--format", "json", "-c", "asof position \(p); \(command)"])
                let there = try fprepl(["--store", cut, "--as", "auditor", "--format", "json", "-c", command])
                #expect(asked.status == there.status, "\(command) at \(p): \(asked.err) / \(there.err)")
                #expect(lastDocument(asked.out) == lastDocument(there.out), "\(command) at position \(p)")
                #expect(asked.status != 0 || !there.out.isEmpty, "\(command): \(there.err)")
            }
        }
    }

    /// At an effective date, `rates` measures up to that day and refuses a period after it.
    @Test func ratesAtAnEffectiveDateEndsThere() throws {
        try withSample { store in
            let r = try fprepl(["--store", store, "--format", "json", "-c", "asof effective 2016-06-30; rates"])
            #expect(r.status == 0, "\(r.err)")
            #expect(lastDocument(r.out).hasPrefix("{\"from\":\"2016-01-01\",\"to\":\"2016-06-30\","), "\(r.out)")
            let after = try fprepl(["--store", store, "-c", "asof effective 2016-06-30; rates --to 2016-12-31"])
            #expect(after.status == 1)
            #expect(after.err.contains("--to 2016-12-31 is after the asof date 2016-06-30"), "\(after.err)")
        }
    }

    /// A year's exits are the exits approved in it: the year-end table and today's agree,
    /// also for households that returned and exited again, or were removed later.
    @Test func aYearsExitsAreTheSameAtItsEndAndToday() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-exits-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #require(try fprepl(["generate", "--store", dir, "--households", "1500", "--seed", "11"]).status == 0)
        func exits(_ prefix: String) throws -> [String: Int] {
            let r = try fprepl(["--store", dir, "--format", "json", "-c", prefix + "stats"])
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(lastDocument(r.out).utf8)) as? [[String: Any]])
            return try #require(rows.first?["exits_by_year"] as? [String: Int])
        }
        let today = try exits("")
        for year in 2016...2020 {
            let then = try exits("asof effective \(year)-12-31; ")
            #expect(then["\(year)"] == today["\(year)"], "\(year): \(then) / \(today)")
        }
        // Some households exited more than once: the check above could tell.
        let households = try fprepl(["--store", dir, "--format", "json", "-c", "count households where exit_year >= 2016"])
        let exited = try #require(try JSONSerialization.jsonObject(with: Data(lastDocument(households.out).utf8)) as? [[String: Any]]).first?["households"] as? Int
        #expect(today.values.reduce(0, +) > exited ?? .max)
    }
}
