import Foundation
import Testing
import EventStore

@Suite struct StatusTranscriptTests {
    @Test func statusInEveryMode() throws {
        try withStore(events: 5) { dir in
            // 449 bytes = a 64-byte segment header + 5 records of 77 bytes (8 frame + 40 body
            // header + "household-0" 11 + "VisitRecorded" 13 + "op" 2 + 3 payload bytes).
            var ro = EventStore.Configuration()
            ro.readOnly = true
            let root = try EventStore.open(dir, configuration: ro).digest().root.hex
            let json = try fprepl(["--store", dir, "--format", "json", "-c", "status"])
            #expect(json.status == 0)
            #expect(json.err == "")
            #expect(json.out == "{\"store\":\"\(dir)\",\"events\":5,\"streams\":3,\"segments\":1,\"bytes\":449,"
                    + "\"last_position\":4,\"digest\":\"\(root)\"}\n")

            let table = try fprepl(["--store", dir, "-c", "status"])
            #expect(table.out == """
                store          \(dir)
                events         5
                streams        3
                segments       1
                bytes          449
                last position  4
                digest         \(root)

                """)

            let line = try fprepl(["--store", dir, "-c", ".mode line; status"])
            #expect(line.out.contains("last_position = 4\n"))

            let csv = try fprepl(["--store", dir, "-c", ".mode csv\nstatus"])
            #expect(csv.out == "store,events,streams,segments,bytes,last_position,digest\r\n\(dir),5,3,1,449,4,\(root)\r\n")
        }
    }

    @Test func scriptErrorsNameFileAndLineAndPrintNothingToStdout() throws {
        try withStore { dir in
            let script = FileManager.default.temporaryDirectory.path + "/script-\(UUID().uuidString).fp"
            defer { try? FileManager.default.removeItem(atPath: script) }
            try ".mode json\n-- a comment\nstatuss -- a trailing comment\nstatus\n".write(toFile: script, atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", dir, "-f", script])
            #expect(r.status == 1)
            #expect(r.err.hasPrefix("\(script):3: error: unknown command 'statuss'; commands: status"))
            #expect(r.out.hasPrefix("{\"mode\":\"json\"}\n{\"store\""), "the commands after a failure still run: \(r.out)")

            let bailed = try fprepl(["--store", dir, "--bail", "-f", script])
            #expect(bailed.status == 1)
            #expect(bailed.out == "{\"mode\":\"json\"}\n", "nothing after the failure runs")

            let piped = try fprepl(["--store", dir], stdin: "status\nnope\n")
            #expect(piped.status == 1)
            #expect(piped.err.hasPrefix("<stdin>:2: error: unknown command 'nope'; commands: status, household,"))
            #expect(piped.err.hasSuffix("; dot commands: .help, .mode, .output, .read, .timer, .as, .quit\n"))
        }
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try fprepl(["--bogus"]).status == 2)
        #expect(try fprepl(["--store", "/tmp/x", "-f", "/nonexistent/script"]).status == 2)
        #expect(try fprepl(["-c", "status"]).err.contains("no store"))
        #expect(try fprepl(["--help"]).status == 0)
        // -c takes what follows it, even text that starts with a dash (a comment).
        let noted = try fprepl(["--store", "/tmp/x", "-c", "-- a note\nhelp replay"])
        #expect(noted.status == 0 && noted.out.hasPrefix("replay: "), "\(noted.err)")
    }

    /// Said once, however many commands of the script needed the store; an import makes
    /// it, and the commands after that find it.
    @Test func aMissingStoreIsAnErrorNotAnEmptyStore() throws {
        let r = try fprepl(["--store", "/nonexistent/store", "-c", "status; households limit 1; count households"])
        #expect(r.status == 1)
        #expect(r.out == "")
        #expect(r.err == "error: no store at /nonexistent/store: the first import makes one there (import FILE); or give --store an existing store\n")

        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-missing-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // An import that writes nothing (refused, or an empty file) makes no store there.
        let bad = dir + "-bad.jsonl"
        defer { try? FileManager.default.removeItem(atPath: bad) }
        try "{bad\n".write(toFile: bad, atomically: true, encoding: .utf8)
        for file in [bad, "/dev/null"] {
            _ = try fprepl(["--store", dir, "-c", "import \(file)"])
            #expect(!FileManager.default.fileExists(atPath: dir), "import \(file) left \(dir)")
        }
        let made = try fprepl(["--store", dir, "--format", "json", "-c", "status; import \(sampleLog); count households"])
        #expect(made.status == 1, "the status before the import failed")
        #expect(made.err.components(separatedBy: "no store at").count == 2, "\(made.err)")
        #expect(made.out.contains("\"households\":2"), "\(made.out)")
    }

    @Test func helpAndFpreplHelpNameEverything() throws {
        let help = try fprepl(["--help"])
        #expect(help.status == 0)
        for word in ["fprepl generate", "fprepl copy", "fprepl help", "postgres://"] {
            #expect(help.out.contains(word), "--help names \(word)")
        }
        let commands = try fprepl(["help"])
        #expect(commands.status == 0, "\(commands.err)")
        #expect(commands.out.contains("replay") && commands.out.contains(".quit"), "\(commands.out)")
        let one = try fprepl(["help", "replay"])
        #expect(one.status == 0 && one.out.contains("--step"), "\(one.out) \(one.err)")
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
        #expect(r.err.hasPrefix("note: created the demo store in \(cache)/fp-ledger/demo: the sample log (46 events) and a generated county of 3000 households ("))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/fp-ledger") == ["demo"], "nothing half-built left beside it")
        // The sample's households and the generated county's, in towns of their own.
        let towns = try fprepl(["--demo", "--format", "csv", "-c", "stats by town"], environment: env)
        #expect(towns.err == "", "a later run reuses the store")
        let rows = towns.out.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(rows.first?.hasPrefix("530124101,永定镇,1,4,") == true)
        #expect(rows.count >= 6)
        let households = try fprepl(["--demo", "-c", "count households by county"], environment: env)
        #expect(households.out.contains("530124"))
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
