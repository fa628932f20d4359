import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import fprepl

/// Long work shows where it is on a terminal, one line rewritten in place, and nothing
/// in a script; and stops where it shows it, for Ctrl-C. Serialized: the Ctrl-C tests
/// raise SIGINT in this process, and no other update may see it.
@Suite(.serialized) struct ProgressTests {
    final class Lines: @unchecked Sendable { var written: [String] = [] }

    @Test func aTerminalSeesOneLineRewrittenAndThenCleared() throws {
        let lines = Lines()
        let p = Progress(label: "importing f.jsonl", enabled: true) { lines.written.append($0) }
        try p.update(done: 10, total: 100, unit: "lines")  // within the first 100 ms: not shown
        #expect(lines.written.isEmpty)
        Thread.sleep(forTimeInterval: 0.15)
        try p.update(done: 50, total: 100, unit: "lines")
        let shown = try #require(lines.written.last)
        #expect(shown.hasPrefix("\rimporting f.jsonl: 50% (50/100 lines), ") && shown.hasSuffix(" s\u{1B}[K"), "\(shown)")
        try p.update(done: 60, total: 100, unit: "lines")  // again within 100 ms: not shown
        #expect(lines.written.count == 1)
        p.say("100 lines checked, writing them")
        #expect(lines.written.last == "\rimporting f.jsonl: 100 lines checked, writing them\u{1B}[K")
        p.finish()
        #expect(lines.written.last == "\r\u{1B}[K")
    }

    /// The label names a file the user gave: its control characters are written out.
    @Test func theLabelCannotDriveTheTerminal() {
        let lines = Lines()
        let p = Progress(label: "importing a\u{1B}[2Jb.jsonl", enabled: true) { lines.written.append($0) }
        p.say("writing")
        #expect(lines.written.last == "\rimporting a\\x1B[2Jb.jsonl: writing\u{1B}[K")
    }

    @Test func aScriptSeesNothing() throws {
        let lines = Lines()
        let p = Progress(label: "importing", enabled: false) { lines.written.append($0) }
        Thread.sleep(forTimeInterval: 0.15)
        try p.update(done: 1, total: 2, unit: "lines")
        p.say("writing")
        p.finish()
        #expect(lines.written.isEmpty)
    }

    // Ctrl-C during long commands. SIGINT is raised in this process, with fprepl's
    // handler installed, before the command starts: each long command looks at it at its
    // first step, so these do not depend on timing. What is checked is what each leaves
    // behind: nothing half-done.

    /// A generated county of 300 households (about 25,000 records: several of verify's
    /// pieces), in a folder removed after `body`.
    func withCounty(_ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-interrupt-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try fprepl(["generate", "--store", dir + "/store", "--households", "300", "--seed", "7"])
        try #require(made.status == 0, "\(made.err)")
        try body(dir)
    }

    /// The files kept beside a store's log (its projections), by name, with their bytes.
    func projections(_ store: String) throws -> [String: Data] {
        let dir = store + "/projections"
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return files
    }

    /// Runs `command` in a script session on `store` with Ctrl-C pressed first; returns
    /// whether it succeeded and whether the session stopped the script.
    func interrupted(_ command: String, store: String, role: Role = .auditor) -> (ok: Bool, stopped: Bool) {
        pressCtrlC()
        defer { Interruption.clear() }
        #expect(Interruption.pending)
        let session = Session(storePath: store, readOnly: false, role: role, mode: .table, bail: false, interactive: false)
        defer { session.close() }
        let ok = session.execute(command, line: nil, source: nil)
        return (ok, session.interrupted)
    }

    /// SIGINT, as Ctrl-C sends it, to this thread with fprepl's handler installed. The
    /// test runner's threads block SIGINT: it is let through for the raise only, and the
    /// handler has run when raise returns.
    func pressCtrlC() {
        Interruption.install()
        var only = sigset_t(), kept = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &only, &kept)
        raise(SIGINT)
        pthread_sigmask(SIG_SETMASK, &kept, nil)
    }

    @Test func anUpdateStopsTheWorkWhenCtrlCWasPressed() throws {
        pressCtrlC()
        defer { Interruption.clear() }
        #expect(Interruption.pending)
        let p = Progress(label: "rebuilding", enabled: false)
        #expect(throws: Interrupted.self) { try p.update(done: 1, total: 2, unit: "events") }
        Interruption.clear()
        try p.update(done: 1, total: 2, unit: "events")
    }

    @Test func ctrlCStopsRebuildLeavingTheSnapshotAsItWas() throws {
        try withCounty { dir in
            let store = dir + "/store"
            let before = try projections(store)
            try #require(before.keys.contains("county.snapshot"), "generate saves the county beside the log: \(before.keys)")
            let r = interrupted("rebuild", store: store)
            #expect(!r.ok && r.stopped)
            #expect(try projections(store) == before)
        }
    }

    @Test func ctrlCStopsImportWritingNothing() throws {
        try withCounty { dir in
            let store = dir + "/store"
            let exported = try fprepl(["--as", "auditor", "--store", store, "-c", "export \(dir)/all.jsonl"])
            try #require(exported.status == 0, "\(exported.err)")
            let r = interrupted("import \(dir)/all.jsonl", store: dir + "/empty")
            #expect(!r.ok && r.stopped)
            let status = try fprepl(["--store", dir + "/empty", "--format", "json", "-c", "status"])
            #expect(status.out.contains("\"events\":0,") || status.err.contains("no store at"), "nothing was imported: \(status.out) \(status.err)")
        }
    }

    @Test func ctrlCStopsFindingsSavingNothing() throws {
        try withCounty { dir in
            let store = dir + "/store"
            // The saved findings go with a rebuild; an interrupted judging saves none.
            let rebuilt = try fprepl(["--store", store, "-c", "rebuild"])
            try #require(rebuilt.status == 0, "\(rebuilt.err)")
            let before = try projections(store)
            let r = interrupted("findings", store: store)
            #expect(!r.ok && r.stopped)
            #expect(try projections(store) == before)
            // Not interrupted, the same command judges and saves them.
            let judged = try fprepl(["--store", store, "-c", "findings"])
            #expect(judged.status == 0, "\(judged.err)")
            #expect(try projections(store) != before)
        }
    }

    @Test func ctrlCStopsVerifyConcludingNothing() throws {
        try withCounty { dir in
            let r = interrupted("verify", store: dir + "/store")
            #expect(!r.ok && r.stopped)
            // Not damage: the store still verifies, and takes appends.
            let again = try fprepl(["--store", dir + "/store", "-c", "verify"])
            #expect(again.status == 0 && again.out.contains("verdict  ok"), "\(again.out) \(again.err)")
        }
    }

    @Test func ctrlCStopsExportLeavingNoFile() throws {
        try withCounty { dir in
            let r = interrupted("export \(dir)/out.jsonl", store: dir + "/store")
            #expect(!r.ok && r.stopped)
            #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
            let temporaries = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".out.jsonl") }
            #expect(temporaries.isEmpty)
        }
    }

    /// In a script, Ctrl-C stops the script and fprepl exits 130, as a shell reports a
    /// program ended by SIGINT. Here SIGINT comes while fprepl waits for its script on
    /// standard input (sent once its handler is installed, as /proc shows), so the
    /// script stops before its first command.
    @Test func ctrlCStopsAScriptWithStatus130() throws {
        try withSample { store in
            let binary = try InteractiveTests.binary()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["--store", store]
            let input = Pipe(), output = Pipe(), error = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = error
            try p.runWithCleanSignalMask()
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
            // SigCgt: the signals with a handler; SIGINT is bit 1.
            var caught = false
            for _ in 0..<200 where !caught {
                let status = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8)) ?? ""
                if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
                   let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) {
                    caught = mask & (1 << (UInt64(SIGINT) - 1)) != 0
                }
                if !caught { usleep(20_000) }
            }
            try #require(caught, "fprepl installs its SIGINT handler")
            kill(p.processIdentifier, SIGINT)
            input.fileHandleForWriting.write(Data("status\n".utf8))
            try input.fileHandleForWriting.close()
            let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let err = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 130, "\(err)")
            #expect(out == "")
            #expect(err == "<stdin>:1: interrupted (Ctrl-C): the script stopped before `status`\n")
        }
    }
}
