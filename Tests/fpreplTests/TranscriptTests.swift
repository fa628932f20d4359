import Foundation
import Testing
import EventStore

/// Runs the built `fprepl` with arguments and stdin; returns stdout, stderr, status.
func fprepl(_ args: [String], stdin: String = "", environment: [String: String]? = nil) throws -> (out: String, err: String, status: Int32) {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var binary: String?
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("fprepl").path
        if FileManager.default.isExecutableFile(atPath: candidate) { binary = candidate; break }
        dir = dir.deletingLastPathComponent()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(binary, "fprepl is built beside the tests"))
    process.arguments = args
    if let environment { process.environment = environment }
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), process.terminationStatus)
}

func withStore<T>(events: Int = 0, _ body: (String) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.path + "/fprepl-tests-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try EventStore.open(dir)
    let day = try #require(EffectiveDate("2016-12-20"))
    for i in 0..<events {
        _ = try store.append([ProposedEvent(type: "VisitRecorded", effective: day, actor: "op", payload: [1, 2, 3])],
                             to: "household-\(i % 3)")
    }
    try store.close()
    return try body(dir)
}

@Suite struct StatusTranscriptTests {
    @Test func statusInEveryMode() throws {
        try withStore(events: 5) { dir in
            // 449 bytes = a 64-byte segment header + 5 records of 77 bytes (8 frame + 40 body
            // header + "household-0" 11 + "VisitRecorded" 13 + "op" 2 + 3 payload bytes).
            let json = try fprepl(["--store", dir, "--format", "json", "-c", "status"])
            #expect(json.status == 0)
            #expect(json.err == "")
            #expect(json.out == "{\"store\":\"\(dir)\",\"events\":5,\"streams\":3,\"segments\":1,\"bytes\":449,"
                    + "\"last_position\":4,\"digest\":null}\n")

            let table = try fprepl(["--store", dir, "-c", "status"])
            #expect(table.out == """
                store          \(dir)
                events         5
                streams        3
                segments       1
                bytes          449
                last position  4
                digest         -

                """)

            let line = try fprepl(["--store", dir, "-c", ".mode line; status"])
            #expect(line.out.contains("last_position = 4\n"))

            let csv = try fprepl(["--store", dir, "-c", ".mode csv\nstatus"])
            #expect(csv.out == "store,events,streams,segments,bytes,last_position,digest\r\n\(dir),5,3,1,449,4,\r\n")
        }
    }

    @Test func scriptErrorsNameFileAndLineAndPrintNothingToStdout() throws {
        try withStore { dir in
            let script = FileManager.default.temporaryDirectory.path + "/script-\(UUID().uuidString).fp"
            defer { try? FileManager.default.removeItem(atPath: script) }
            try ".mode json\n-- a comment\nstatuss\nstatus\n".write(toFile: script, atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", dir, "-f", script])
            #expect(r.status == 1)
            #expect(r.err.hasPrefix("\(script):3: error: unknown command 'statuss'; commands: status"))
            #expect(r.out.hasPrefix("{\"store\""), "the commands after a failure still run")

            let bailed = try fprepl(["--store", dir, "--bail", "-f", script])
            #expect(bailed.status == 1)
            #expect(bailed.out == "")

            let piped = try fprepl(["--store", dir], stdin: "status\nnope\n")
            #expect(piped.status == 1)
            #expect(piped.err == "<stdin>:2: error: unknown command 'nope'; commands: status, help; dot commands: .help, .mode, .as, .quit\n")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try fprepl(["--bogus"]).status == 2)
        #expect(try fprepl(["--store", "/tmp/x", "-f", "/nonexistent/script"]).status == 2)
        #expect(try fprepl(["-c", "status"]).err.contains("no store"))
        #expect(try fprepl(["--help"]).status == 0)
    }

    @Test func aMissingStoreIsAnErrorNotAnEmptyStore() throws {
        let r = try fprepl(["--store", "/nonexistent/store", "-c", "status"])
        #expect(r.status == 1)
        #expect(r.out == "")
        #expect(r.err == "error: cannot open the store: no store at this path (/nonexistent/store): No such file or directory [errno 2]\n")
    }

    @Test func demoCreatesItsStoreInTheCacheDirectory() throws {
        let cache = FileManager.default.temporaryDirectory.path + "/fprepl-cache-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var env = ProcessInfo.processInfo.environment
        env["XDG_CACHE_HOME"] = cache
        let r = try fprepl(["--demo", "--format", "json", "-c", "status"], environment: env)
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("{\"store\":\"\(cache)/fp-ledger/demo\""))
        #expect(FileManager.default.fileExists(atPath: cache + "/fp-ledger/demo/STORE"))
    }
}

@Suite struct RecoveryWarningTests {
    @Test func anUnfinishedWriteIsMentionedOnStderr() throws {
        try withStore(events: 3) { dir in
            let segment = dir + "/00000000000000000000.seg"
            let opened = FileHandle(forWritingAtPath: segment)
            let h = try #require(opened)
            try h.seekToEnd()
            try h.write(contentsOf: Data([0xde, 0xad, 0xbe, 0xef, 0x50, 0, 0, 0, 1, 2]))  // a record cut short
            try h.close()
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "status"])
            #expect(r.status == 0)
            #expect(r.err == "warning: the log ends in an unfinished write (10 bytes, 0 whole records of a batch that never "
                    + "committed); it is not part of the log and the next writer will cut it\n")
            #expect(r.out.contains("\"events\":3"))
        }
    }

    @Test func damageIsMentionedAndShownInStatus() throws {
        try withStore(events: 5) { dir in
            let segment = dir + "/00000000000000000000.seg"
            var data = try Data(contentsOf: URL(fileURLWithPath: segment))
            data[64 + 77 + 30] ^= 1  // inside the second record; three whole records follow
            try data.write(to: URL(fileURLWithPath: segment))
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "status"])
            #expect(r.err.hasPrefix("warning: the store is damaged: record damaged: checksum mismatch"))
            #expect(r.err.contains("(\(segment), offset 141, position 1)"))
            #expect(r.out.contains("\"events\":1,"))
            #expect(r.out.contains("\"damage\":\"record damaged: checksum mismatch"))
        }
    }
}
