import EventStore
import Foundation
import TestSupport
import Testing

/// fprepl on a PostgreSQL store: the same commands give the same answers as on the
/// file store, and `fprepl copy` moves a log both ways with equal digests.
@Suite("fprepl on PostgreSQL", .enabled(if: PostgresTestServer.enabled))
struct PostgresTranscriptTests {
    static let sample = DocExamplesTests.root.appendingPathComponent("Events/samples/inspection-county.jsonl").path

    @Test("Every query answers the same on a log and on its copy on PostgreSQL")
    func sameAnswers() throws {
        let url = try PostgresTestServer.newLog()
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-pg-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try fprepl(["--store", dir, "-c", "import \(Self.sample)"]).status == 0)
        #expect(try fprepl(["copy", "--from", dir, "--to", url]).status == 0)
        for command in ["findings", "ledger by village", "stats", "rates", "household 5301241012010002",
                        "history 5301241012010002", "exit-check 5301241012010002", "funds 2016-001",
                        "funds household 5301241012010004", "count households by status", "projects", "loans",
                        "asof effective 2016-12-31\nhouseholds where status = 已脱贫(不再享受政策)", "prove inclusion 5",
                        "prove consistency 17", "digest"] {
            let file = try fprepl(["--store", dir, "-c", command])
            let pg = try fprepl(["--store", url, "-c", command])
            #expect(file.status == 0, "\(command): \(file.err)")
            #expect(file.status == pg.status, "\(command)")
            #expect(file.out == pg.out, "\(command)")
            #expect(file.err == pg.err, "\(command)")
        }
        let status = try fprepl(["--store", url, "--format", "json", "-c", "status"])
        #expect(status.status == 0)
        #expect(status.out.contains("\"backend\":\"postgresql\"") && status.out.contains("\"events\":108"))
        let fileStatus = try fprepl(["--store", dir, "--format", "json", "-c", "status"])
        #expect(fileStatus.out.contains("\"streams\":16") && status.out.contains("\"streams\":16"), "a copy counts the same streams")
    }

    @Test("Import writes to PostgreSQL all or nothing; a read-only session never writes")
    func importing() throws {
        let url = try PostgresTestServer.newLog()
        let r = try fprepl(["--store", url, "-c", "import \(Self.sample)"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "imported 108 events from \(Self.sample) (positions 0-107)\n")
        let again = try fprepl(["--store", url, "-c", "import \(Self.sample)"])
        #expect(again.status == 1, "the same events again conflict")
        #expect(try fprepl(["--store", url, "--format", "json", "-c", "status"]).out.contains("\"events\":108"))
        let refused = try fprepl(["--store", url, "--read-only", "-c", "import \(Self.sample)"])
        #expect(refused.status == 1 && refused.err.contains("--read-only"))
    }

    @Test("fprepl copy: file store to PostgreSQL and back, the same digest at every step")
    func copyBothWays() throws {
        let base = FileManager.default.temporaryDirectory.path + "/fprepl-pg-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(try fprepl(["--store", base + "/a", "-c", "import \(Self.sample)"]).status == 0)
        let url = try PostgresTestServer.newLog()
        let there = try fprepl(["copy", "--from", base + "/a", "--to", url])
        #expect(there.status == 0, "\(there.err)")
        #expect(there.out.hasPrefix("copied 108 records from \(base)/a to \(url)\n"))
        let back = try fprepl(["copy", "--from", url, "--to", base + "/b"])
        #expect(back.status == 0, "\(back.err)")
        let digests = try [base + "/a", url, base + "/b"].map { try fprepl(["--store", $0, "-c", "digest"]).out }
        #expect(Set(digests).count == 1 && digests[0].contains("size  108"))
        #expect(there.out.hasSuffix(digests[0].split(separator: "\n")[1].split(separator: " ").last.map { "\($0), the same on both\n" } ?? "?"))
        // Into a log that holds something else: refused, one line, exit 1.
        let other = try PostgresTestServer.newLog()
        #expect(try fprepl(["--store", other, "-c", "import \(DocExamplesTests.root.path)/Events/samples/household-life.jsonl"]).status == 0)
        let refused = try fprepl(["copy", "--from", base + "/a", "--to", other])
        #expect(refused.status == 1)
        #expect(refused.err.hasPrefix("error: copy: the destination holds"))
        #expect(refused.err.split(separator: "\n").count == 1)
    }

    @Test("Projection snapshots of a PostgreSQL log stay on this machine, readable by their owner only")
    func snapshotsArePrivate() throws {
        let url = try PostgresTestServer.newLog()
        let cache = FileManager.default.temporaryDirectory.path + "/fprepl-pg-cache-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var env = ProcessInfo.processInfo.environment
        env["XDG_CACHE_HOME"] = cache
        #expect(try fprepl(["--store", url, "-c", "import \(Self.sample)"], environment: env).status == 0)
        let rebuilt = try fprepl(["--store", url, "-c", "rebuild"], environment: env)
        #expect(rebuilt.status == 0, "\(rebuilt.err)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: cache + "/fp-ledger/postgres")
        #expect(logs.count == 1)
        let dir = cache + "/fp-ledger/postgres/" + logs[0] + "/projections"
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(dir) == 0o700)
        #expect(try mode(cache + "/fp-ledger/postgres/" + logs[0]) == 0o700)
        #expect(try mode(dir + "/county.snapshot") == 0o600)
        // The next session starts from it, and answers the same.
        #expect(try fprepl(["--store", url, "-c", "count households by status"], environment: env).status == 0)
    }

    @Test("A bad or unreachable address is one line naming it, exit 1; the password is never shown")
    func badAddresses() throws {
        let unreachable = try fprepl(["--store", "postgres://fp:hunter2@127.0.0.1:1/fp_test?county=530124", "-c", "status"])
        #expect(unreachable.status == 1)
        #expect(unreachable.err.hasPrefix("error: cannot open the store: cannot connect to PostgreSQL at 127.0.0.1:1 as fp"))
        #expect(!unreachable.err.contains("hunter2"))
        let malformed = try fprepl(["--store", "postgres://127.0.0.1/fp_test", "-c", "status"])
        #expect(malformed.status == 1)
        #expect(malformed.err.contains("no user (USER@HOST)"))
    }
}
