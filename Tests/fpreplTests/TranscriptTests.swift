import Foundation
import Testing
import EventStore

/// Runs the built `fprepl` with arguments and stdin; returns stdout, stderr, status.
func fprepl(_ args: [String], stdin: String = "", environment: [String: String]? = nil) throws -> (out: String, err: String, status: Int32) {
    try fprepl(args, stdinBytes: Array(stdin.utf8), environment: environment)
}

/// Runs the built `fprepl` with arguments and stdin given as bytes (not necessarily UTF-8).
func fprepl(_ args: [String], stdinBytes: [UInt8], environment: [String: String]? = nil) throws -> (out: String, err: String, status: Int32) {
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
    input.fileHandleForWriting.write(Data(stdinBytes))
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
            #expect(r.out.hasPrefix("{\"store\""), "the commands after a failure still run")

            let bailed = try fprepl(["--store", dir, "--bail", "-f", script])
            #expect(bailed.status == 1)
            #expect(bailed.out == "")

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

let sampleLog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Events/samples/household-life.jsonl").path

@Suite struct HouseholdTranscriptTests {
    @Test func importThenQueryAHousehold() throws {
        try withStore { dir in
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "import \(sampleLog); household 5301241012010001"])
            #expect(r.err == "")
            #expect(r.status == 0)
            let lines = r.out.split(separator: "\n")
            #expect(lines.first.map(String.init) == "imported 46 events from \(sampleLog) (positions 0-45)")
            #expect(lines.last.map(String.init) == #"{"id":"5301241012010001","village":"530124101201","status":"已脱贫(不再享受政策)","attribute":"一般贫困户","main_cause":"因病","other_causes":["缺技术"],"members":["张**（户主）","王**（配偶）","张**（之子）","张**（孙女）"],"people":4,"income_fen":353750,"identified_year":2014,"exit_year":2018,"helpers":["c0001"],"monitored":false,"version":20,"position":37}"#)
        }
    }

    @Test func asofEffectiveShowsTheCorrectedPastAndRecordedShowsWhatWasKnown() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let effective = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-12-31; household 5301241012010001"])
            #expect(effective.out.contains("\"status\":\"已脱贫\""))
            #expect(effective.out.contains("\"income_fen\":105000"))
            let recorded = try fprepl(["--store", dir, "--format", "json", "-c", "asof position 28; household 5301241012010001"])
            #expect(recorded.out.contains("\"income_fen\":311667"))
            let history = try fprepl(["--store", dir, "--format", "json", "-c", "asof position 28; history 5301241012010001"])
            #expect(!history.out.contains("\"position\":29"), "the correction was not recorded yet")
            let now = try fprepl(["--store", dir, "--format", "json", "-c", "history 5301241012010001"])
            #expect(now.out.contains(#"{"position":25,"version":8,"type":"IncomeAssessed","effective":"2016-11-25""#))
            #expect(now.out.contains(#""summary":"收入核算：2016年，家庭纯收入 9,350.00 元","corrected_by":[29]}"#))
        }
    }

    @Test func analystsSeeMaskedPersonalDataAuditorsDoNot() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let out = FileManager.default.temporaryDirectory.path + "/export-\(UUID().uuidString).jsonl"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let masked = try fprepl(["--store", dir, "-c", "export \(out) --stream household-5301241012010001"])
            #expect(masked.out == "exported 21 events to \(out) (names and id numbers masked)\n")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(!text.contains("张德华"))
            #expect(text.contains("\"name\":\"张**\""))
            #expect(text.contains("\"id_number\":\"530124********"))
            let missing = try fprepl(["--store", dir, "-c", "export \(out).none --stream 5301241012010001\nexport \(out).none --stream household-1"])
            #expect(missing.err == "error: export --stream 5301241012010001: the log holds no such stream; streams are named category-id, such as household-5301241012010001\n"
                + "error: export --stream household-1: the log holds no such stream\n")
            #expect(!FileManager.default.fileExists(atPath: out + ".none"))
            // A masked export does not import elsewhere, and says why.
            try withStore { other in
                let again = try fprepl(["--store", other, "-c", "import \(out)"])
                #expect(again.status == 1)
                #expect(again.err == "error: \(out): line 1: field data.members[0].id_number: the id number is masked (an export made --as analyst); "
                    + "export again --as auditor or --as inspector to import it; nothing was imported\n")
            }
            let full = try fprepl(["--store", dir, "--as", "auditor", "-c", "export \(out) --stream household-5301241012010001; household 5301241012010001"])
            #expect(try String(contentsOfFile: out, encoding: .utf8).contains("张德华"))
            #expect(full.out.contains("张德华（户主）"))
            let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
        }
    }

    @Test func aBadImportNamesFileLineAndFieldAndWritesNothing() throws {
        try withStore { dir in
            let bad = FileManager.default.temporaryDirectory.path + "/bad-\(UUID().uuidString).jsonl"
            defer { try? FileManager.default.removeItem(atPath: bad) }
            var lines = try String(contentsOfFile: sampleLog, encoding: .utf8).split(separator: "\n").map(String.init)
            lines[12] = lines[12].replacingOccurrences(of: "\"amount_fen\":50000000", with: "\"amount_fen\":500000.00")
            try (lines.joined(separator: "\n") + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "import \(bad)\nstatus"])
            #expect(r.status == 1)
            #expect(r.err == "error: \(bad): line 13: field data.amount_fen: must be a whole number, not 500000.00; nothing was imported\n")
            #expect(r.out.contains("\"events\":0"))
        }
    }

    @Test func textThatIsNotUTF8IsRefusedWhereItsFirstBadByteIsAndNothingIsImported() throws {
        try withStore { dir in
            let tmp = FileManager.default.temporaryDirectory.path + "/utf8-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            let sample = try String(contentsOfFile: sampleLog, encoding: .utf8)
            let lines = sample.split(separator: "\n").map(String.init)
            // Line 2 with text as a county system exporting GBK would write it: 国开办发.
            let gbk: [UInt8] = [0xB9, 0xFA, 0xBF, 0xAA, 0xB0, 0xEC, 0xB7, 0xA2]
            let at = try #require(lines[1].range(of: "\"actor\":\"")).upperBound
            let column = lines[1][..<at].count + 1
            var bytes = Array((lines[0] + "\n").utf8) + Array(lines[1][..<at].utf8) + gbk
                + Array(lines[1][at...].utf8) + Array("\n".utf8)
            for line in lines[2...] { bytes += Array((line + "\n").utf8) }
            let gbkFile = tmp + "/gbk.jsonl"
            try Data(bytes).write(to: URL(fileURLWithPath: gbkFile))
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "import \(gbkFile)\nstatus"])
            #expect(r.status == 1)
            #expect(r.err == "error: \(gbkFile): line 2, column \(column): not UTF-8 (bytes 0xB9 0xFA 0xBF 0xAA); "
                + "give it as UTF-8 (from GBK: iconv -f GBK -t UTF-8 \(gbkFile))\n")
            #expect(r.out.contains("\"events\":0"), "nothing imported")

            // Notepad's UTF-8 with a byte order mark and Windows line ends: read as written.
            let bomFile = tmp + "/bom.jsonl"
            try Data([0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]).write(to: URL(fileURLWithPath: bomFile))
            let bom = try fprepl(["--store", dir, "-c", "import \(bomFile)"])
            #expect(bom.err == "")
            #expect(bom.out == "imported \(lines.count) events from \(bomFile) (positions 0-\(lines.count - 1))\n")

            // A script, from a file or on stdin: refused whole (exit 2), nothing run.
            let script = tmp + "/script.fp"
            let scriptBytes: [UInt8] = Array("status\nhousehold ".utf8) + gbk + Array("\n".utf8)
            try Data(scriptBytes).write(to: URL(fileURLWithPath: script))
            let f = try fprepl(["--store", dir, "-f", script])
            #expect(f.status == 2)
            #expect(f.out == "")
            #expect(f.err.hasPrefix("error: \(script): line 2, column 11: not UTF-8 (bytes 0xB9 0xFA 0xBF 0xAA); "))
            let piped = try fprepl(["--store", dir], stdinBytes: scriptBytes)
            #expect(piped.status == 2)
            #expect(piped.out == "")
            #expect(piped.err == "error: <stdin>: line 2, column 11: not UTF-8 (bytes 0xB9 0xFA 0xBF 0xAA); "
                + "give it as UTF-8 (from GBK: pipe it through iconv -f GBK -t UTF-8)\n")
            let bomScript = try fprepl(["--store", dir, "--format", "json"], stdinBytes: [0xEF, 0xBB, 0xBF] + Array("status\r\n".utf8))
            #expect(bomScript.status == 0)
            #expect(bomScript.out.contains("\"events\":\(lines.count)"))

            // One event is said in the singular.
            let oneFile = tmp + "/one.jsonl"
            try (lines[0] + "\n").write(toFile: oneFile, atomically: true, encoding: .utf8)
            let one = try fprepl(["--store", dir, "-c", "import \(oneFile); export \(tmp)/out.jsonl --from \(lines.count)"])
            #expect(one.out == "imported 1 event from \(oneFile) (position \(lines.count))\n"
                + "exported 1 event to \(tmp)/out.jsonl (names and id numbers masked)\n")
        }
    }

    @Test func unknownHouseholdsAndBadAsofSaySo() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let r = try fprepl(["--store", dir, "-c", "household 999\nasof effective 2016-02-30\nasof effective 2014-01-01\nhousehold 5301241012010001"])
            #expect(r.err == """
                error: no household 999: the stream household-999 is empty
                error: 2016-02-30 is not a date; asof takes: position N | recorded YYYY-MM-DDTHH:MM:SS[.ffffff]Z | effective YYYY-MM-DD | now
                error: household 5301241012010001 was not identified as of effective 2014-01-01

                """)
            #expect(r.out == "")
            let past = try fprepl(["--store", dir, "-c", "asof position 46\nasof position 45\nasof"])
            #expect(past.err == "error: asof position 46: the log ends at position 45; asof now follows it as it grows\n")
            #expect(past.out == "asof position 45\n")
        }
        try withStore { dir in
            let empty = try fprepl(["--store", dir, "-c", "asof position 0"])
            #expect(empty.err == "error: asof position 0: the log holds no events yet\n")
        }
    }
}

@Suite struct CountyTranscriptTests {
    @Test func ratesAndStatsOfTheSample() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let rates = try fprepl(["--store", dir, "--format", "json", "-c", "rates --from 2017-01-01 --to 2017-12-31"])
            // 2017: household 0002 (1 person of 4 registered) removed; 0001 (3 people, every exited person) returned wrongly.
            #expect(rates.out == #"{"from":"2017-01-01","to":"2017-12-31","wrong_inclusion":{"rate":0.25,"numerator":1,"denominator":4},"omission":{"rate":0.0,"numerator":0,"denominator":1638},"wrong_exit":{"rate":1.0,"numerator":3,"denominator":3},"composite_poverty":{"rate":0.002436,"numerator":4,"denominator":1642},"approval":{"rate":null,"numerator":0,"denominator":0}}"# + "\n")
            let table = try fprepl(["--store", dir, "-c", "rates --from 2017-01-01 --to 2017-12-31"])
            #expect(table.out.contains("错评率                           25.00%     1     4  人\n"))
            #expect(table.out.contains("群众认可度                            -     0     0  户\n"))
            // 2016: household 0001's survey of 2016-12-25 agrees.
            let surveyed = try fprepl(["--store", dir, "-c", "rates --from 2016-01-01 --to 2016-12-31"])
            #expect(surveyed.out.contains("群众认可度                      100.00%     1     1  户\n"), "\(surveyed.out)")
            let stats = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-06-30; stats by town"])
            #expect(stats.out == #"[{"area":"530124101","name":"永定镇","households":2,"people":4,"poor_households":2,"poor_people":4,"rural_population":1630,"poverty_incidence":0.002454,"causes":[{"cause":"因病","households":1,"share":0.5},{"cause":"缺技术","households":1,"share":0.5}],"exits_by_year":{}}]"# + "\n")
            let bad = try fprepl(["--store", dir, "-c", "stats by province\nrates --from 2018-01-01 --to 2017-01-01"])
            #expect(bad.err == "error: stats takes: by county | by town | by village\nerror: --from 2018-01-01 is after --to 2017-01-01\n")
        }
    }
}

@Suite struct ExitCheckTranscriptTests {
    @Test func theSampleExitAsRecordedAndAsCorrected() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "asof position 28; exit-check 5301241012010001; asof effective 2016-12-31; exit-check 5301241012010001"])
            #expect(r.out == """
                {"household":"5301241012010001","exit_year":2016,"line_fen":295200,"income_fen":311667,"guarantees_ok":true,"procedure_ok":false,"missing_steps":["村级公示(不少于10天)"],"verdict":"failed"}
                {"household":"5301241012010001","exit_year":2016,"line_fen":295200,"income_fen":105000,"guarantees_ok":true,"procedure_ok":false,"missing_steps":["村级公示(不少于10天)"],"verdict":"failed"}

                """)
            let none = try fprepl(["--store", dir, "-c", "exit-check 5301241012010002"])
            #expect(none.err == "error: household 5301241012010002 has no exit (脱贫退出) as of now\n")
        }
    }
}

@Suite struct DotCommandTests {
    @Test func outputSendsResultsToAFileAndBack() throws {
        try withStore(events: 4) { dir in
            let file = dir + "-out.csv"
            defer { try? FileManager.default.removeItem(atPath: file) }
            let r = try fprepl(["--store", dir, "-c", ".mode csv; .output \(file); status; .output; .mode json; digest"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.hasPrefix("{\"size\":4,"))
            let written = try String(contentsOfFile: file, encoding: .utf8)
            #expect(written.hasPrefix("store,events,streams,segments,bytes,last_position,digest\r\n\(dir),4,"))
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try fprepl(["--store", dir, "-c", ".output /nonexistent/dir/x"]).err.hasPrefix("error: cannot write /nonexistent/dir/x"))
        }
    }

    @Test func readRunsAScriptWithItsOwnLineNumbers() throws {
        try withStore(events: 2) { dir in
            let script = dir + "-script.fp"
            defer { try? FileManager.default.removeItem(atPath: script) }
            try ".mode json\n-- the size\ndigest\nbogus\ndigest\n".write(toFile: script, atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", dir, "-c", ".read \(script); status"])
            #expect(r.status == 1)
            #expect(r.err == "\(script):4: error: unknown command 'bogus'; commands: status, household, households, count, history, replay, exit-check, funds, ledger, projects, loans, findings, sample, stats, rates, asof, import, export, rebuild, digest, verify, checkpoint, keygen, prove, check, help; dot commands: .help, .mode, .output, .read, .timer, .as, .quit\n")
            #expect(r.out.components(separatedBy: "\n").filter { $0.hasPrefix("{\"size\":2,") }.count == 2)
            #expect(r.out.contains("\"events\":2"), "the command after .read runs")
            // With --bail, the first error inside the script stops everything.
            let b = try fprepl(["--store", dir, "--bail", "-c", ".read \(script); status"])
            #expect(b.status == 1)
            #expect(b.out.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 1)
            // A script that reads itself stops, with one message.
            try ".read \(script)\n".write(toFile: script, atomically: true, encoding: .utf8)
            let loop = try fprepl(["--store", dir, "-c", ".read \(script)"])
            #expect(loop.status == 1)
            #expect(loop.err.contains("nested 16 deep"))
        }
    }

    @Test func timerPrintsElapsedTimeToStderrOnly() throws {
        try withStore(events: 1) { dir in
            let r = try fprepl(["--store", dir, "--format", "json", "-c", ".timer on; digest; .timer off; digest"])
            #expect(r.status == 0)
            #expect(r.err.components(separatedBy: "\n").filter { $0.hasPrefix("Run Time: ") && $0.hasSuffix(" s") }.count == 1)
            #expect(r.out.components(separatedBy: "\n").filter { $0.hasPrefix("{") }.count == 2)
        }
    }
}

/// A store holding the bundled sample log (Events/samples/household-life.jsonl).
func withSample<T>(_ body: (String) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.path + "/fprepl-sample-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sample = DocExamplesTests.root.appendingPathComponent("Events/samples/household-life.jsonl").path
    let r = try fprepl(["--store", dir, "-c", "import \(sample)"])
    #expect(r.status == 0, "\(r.err)")
    return try body(dir)
}

@Suite struct ReplayTranscriptTests {

    @Test func replayShowsWhatEachEventChangedAndCorrectionsToo() throws {
        try withSample { dir in
            let r = try fprepl(["--store", dir, "--as", "auditor", "-c", "replay 5301241012010001 --step"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.err == "", "a script gets every step, no prompt")
            #expect(r.out.contains("""
                #26  v9  2016-12-20  ExitApproved  脱贫退出：2016年
                    状态      未脱贫 → 已脱贫
                    脱贫年度  - → 2016

                """))
            // The correction that replaces the 2016 income shows as the change it makes.
            #expect(r.out.contains("Correction  更正：替换 #25 的数据，审批 县扶贫办 周建国\n    人均纯收入(元)  3,116.67 → 1,050.00\n"))
            #expect(r.out.contains("#9  v4  2015-05-06  VisitRecorded  走访：入户，干部 c0001\n    (no field of the household changed)\n"))
            #expect(r.out.contains("张德华（户主）"), "an auditor sees names")
            #expect(!(try fprepl(["--store", dir, "-c", "replay 5301241012010001"]).out.contains("张德华")), "an analyst does not")
        }
    }

    @Test func replayStopsWhereAskedAndSpeaksJSON() throws {
        try withSample { dir in
            let upTo = try fprepl(["--store", dir, "-c", "replay 5301241012010001 --until #26"])
            #expect(upTo.out.hasSuffix("    脱贫年度  - → 2016\n"))
            let byDate = try fprepl(["--store", dir, "-c", "replay 5301241012010001 --until 2015-12-31"])
            #expect(byDate.out.components(separatedBy: "\n").filter { $0.hasPrefix("#") }.count == 7)
            let json = try fprepl(["--store", dir, "--format", "json", "-c", "replay 5301241012010001 --until #26"])
            let steps = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
            let exit = try #require(steps?.last)
            #expect(exit["type"] as? String == "ExitApproved")
            let changes = exit["changes"] as? [[String: Any]]
            #expect(changes?.first?["field"] as? String == "status")
            #expect(changes?.first?["before"] as? String == "未脱贫")
            #expect(changes?.first?["after"] as? String == "已脱贫")
            for bad in ["replay", "replay 5301241012010001 --until soon", "replay 5301241012010001 --fast", "replay 999"] {
                let r = try fprepl(["--store", dir, "-c", bad])
                #expect(r.status == 1 && r.out == "" && r.err.hasPrefix("error: "), "\(bad)")
            }
        }
    }
}

@Suite struct RebuildTranscriptTests {
    @Test func rebuildFoldsEverythingAndReplacesTheCheckpoint() throws { try withSample { dir in
        let ro = try fprepl(["--store", dir, "--read-only", "--format", "json", "-c", "rebuild"])
        #expect(ro.status == 0, "\(ro.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/projections/county.ckpt"), "read-only writes nothing")
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "rebuild; stats"])
        #expect(r.status == 0, "\(r.err)")
        let first = try #require(r.out.components(separatedBy: "\n").first)
        let doc = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        #expect(doc?["events"] as? Int == 46)
        #expect(doc?["households"] as? Int == 2)
        #expect((doc?["events_per_second"] as? Int ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/projections/county.ckpt"))
        #expect(try fprepl(["--store", dir, "-c", "rebuild now"]).err == "error: rebuild takes no arguments\n")
    } }
}

@Suite struct FundTranscriptTests {
    @Test func fundsSpeaksREPLmdsKeysAndSaysWhatIsMissing() throws { try withSample { dir in
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-12-31; funds 2016-001"])
        #expect(r.status == 0, "\(r.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(doc["fund"] as? String == "2016-001")
        #expect(doc["allocated_fen"] as? Int == 50_000_000)
        let units = try #require(doc["units"] as? [[String: Any]])
        for key in ["unit", "received_fen", "paid_fen", "held_fen", "days_held"] { #expect(units[0][key] != nil, "\(key)") }
        #expect(units.map { $0["held_fen"] as? Int ?? -1 } == [42_000_000, 4_800_000, 900_000])
        let payments = try #require(doc["payments"] as? [[String: Any]])
        for key in ["position", "to", "amount_fen", "effective"] { #expect(payments[0][key] != nil, "\(key)") }
        // allocated = held + paid to households and projects + returned
        let held = units.reduce(0) { $0 + ($1["held_fen"] as? Int ?? 0) }
        let paid = payments.reduce(0) { $0 + ($1["amount_fen"] as? Int ?? 0) }
        let returned = units.reduce(0) { $0 + ($1["returned_fen"] as? Int ?? 0) }
        #expect(held + paid + returned == 50_000_000)

        let h = try fprepl(["--store", dir, "--format", "json", "-c", "funds household 5301241012010001"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(h.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["path"] as? [String] == ["county-530124", "town-530124101", "village-530124101201"])
        for bad in ["funds", "funds 2099-999", "funds household", "funds a b c"] {
            let e = try fprepl(["--store", dir, "-c", bad])
            #expect(e.status == 1 && e.out == "" && e.err.hasPrefix("error: "), "\(bad): \(e.err)")
        }
    } }
}

@Suite struct FindingsTranscriptTests {
    @Test func findingsSpeakREPLmdsKeysAndFilterByRuleAndHousehold() throws { try withSample { dir in
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-06-30; findings funds-idle"])
        #expect(r.status == 0, "\(r.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(Set(rows[0].keys) == ["rule", "stream", "position", "effective", "detail"])
        #expect(rows.map { $0["position"] as? Int ?? -1 } == [12, 13, 14])
        #expect(try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-03-31; findings funds-idle"]).out == "[]\n",
                "on 2016-03-31 the county's money had waited 30 days: no finding yet")
        // Rules chosen by name, and findings about households that match an expression.
        let exits = try fprepl(["--store", dir, "--format", "csv", "-c", "findings quick-return exit-income-below-line where status = 已脱贫(不再享受政策)"])
        #expect(exits.out == """
            rule,stream,position,effective,detail
            exit-income-below-line,household-5301241012010001,26,2016-12-20,"2016 年退出，2016 年人均纯收入 1,050.00 元 低于 2016 年标准 2,952.00 元"
            quick-return,household-5301241012010001,30,2017-09-05,2016-12-20 退出，2017-09-05 返贫，相隔 259 天，不足 12 个月

            """.replacingOccurrences(of: "\n", with: "\r\n"), "\(exits.err)")
        #expect(try fprepl(["--store", dir, "--format", "json", "-c", "findings quick-return where status = 返贫"]).out == "[]\n")
        #expect(try fprepl(["--store", dir, "-c", "findings nonsense"]).err.hasPrefix("error: findings: unknown rule 'nonsense'; rules: exit-income-below-line, "))
        let badField = try fprepl(["--store", dir, "-c", "findings no-visit where stream = x"])
        #expect(badField.status == 1 && badField.out == "" && badField.err.hasPrefix("error: column 25: unknown field 'stream'"), "\(badField.err)")
    } }
}

extension FindingsTranscriptTests {
    @Test func findingsAreSavedServedAgainAndJudgedAnewWhenTheLogGrows() throws { try withSample { dir in
        let file = dir + "/projections/findings.ckpt"
        let first = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])
        #expect(first.status == 0 && FileManager.default.fileExists(atPath: file))
        let saved = try Data(contentsOf: URL(fileURLWithPath: file))
        // Served again: the same answer, with rules and a filter, and the file untouched.
        #expect(try fprepl(["--store", dir, "--format", "csv", "-c", "findings"]).out == first.out)
        let fresh = try fprepl(["--store", dir, "--read-only", "--format", "csv", "-c", "findings quick-return where status = 已脱贫(不再享受政策)"])
        #expect(try fprepl(["--store", dir, "--format", "csv", "-c", "findings quick-return where status = 已脱贫(不再享受政策)"]).out == fresh.out)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == saved)
        // A correction retracts the 返贫 behind quick-return: judged again, the finding gone.
        let retract = dir + "/retract.jsonl"
        try #"{"stream":"household-5301241012010001","type":"Correction","effective":"2017-10-01","actor":"op","data":{"target":30,"action":"retract","approver":"县扶贫办"}}"#
            .write(toFile: retract, atomically: true, encoding: .utf8)
        #expect(try fprepl(["--store", dir, "-c", "import \(retract)"]).status == 0)
        let after = try fprepl(["--store", dir, "--format", "csv", "-c", "findings quick-return"])
        #expect(after.status == 0 && !after.out.contains("quick-return,"), "\(after.out)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) != saved)
        // rebuild removes it; a damaged one is said and judged again.
        #expect(try fprepl(["--store", dir, "-c", "rebuild"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: file))
        _ = try fprepl(["--store", dir, "-c", "findings"])
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count - 10] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let damaged = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])
        #expect(damaged.status == 0 && damaged.err == "warning: \(file) is damaged (checksum); rebuilt\n")
    } }
}

@Suite struct LedgerTranscriptTests {
    @Test func theTwoLedgersProjectsAndLoansSpeakJSONAndSayWhatIsWrong() throws { try withSample { dir in
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "ledger"])
        #expect(r.status == 0, "\(r.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(Set(rows[0].keys) == ["county", "in_fen", "to_villages_fen", "to_households_fen", "held_fen", "returned_fen",
                                      "exited_households", "household_min_fen", "household_mean_fen", "household_max_fen",
                                      "exited_villages", "village_min_fen", "village_mean_fen", "village_max_fen"])
        #expect(rows[0]["in_fen"] as? Int == 50_000_000 && rows[0]["household_mean_fen"] as? Int == 1_200_000)
        let csv = try fprepl(["--store", dir, "--format", "csv", "-c", "ledger by year"])
        #expect(csv.out.components(separatedBy: "\r\n").prefix(2) == [
            "year,in_yuan,to_villages_yuan,to_households_yuan,held_yuan,returned_yuan,exited_households,household_min_yuan,household_mean_yuan,household_max_yuan,exited_villages,village_min_yuan,village_mean_yuan,village_max_yuan",
            "2016,500000.00,18000.00,3000.00,,,0,,,,0,,,"])
        // Line mode names the amounts in yuan too, for people: with thousands separators.
        let line = try fprepl(["--store", dir, "--format", "line", "-c", "ledger by year"])
        #expect(line.out.components(separatedBy: "\n").prefix(3) == ["year                = 2016", "in_yuan             = 500,000.00",
                                                                     "to_villages_yuan    = 18,000.00"])
        let bad = try fprepl(["--store", dir, "-c", "ledger by household"])
        #expect(bad.status == 1 && bad.out == ""
                && bad.err == "error: ledger takes nothing, or by county | town | village | source | channel | purpose | year\n")

        let p = try fprepl(["--store", dir, "--format", "json", "-c", "projects p2016-07"])
        let projects = try #require(try JSONSerialization.jsonObject(with: Data(p.out.utf8)) as? [[String: Any]])
        #expect(projects.first?["received_fen"] as? Int == 1_800_000 && projects.first?["accepted"] as? String == "2016-09-12")
        #expect(try fprepl(["--store", dir, "-c", "projects p-none"]).err == "error: no project p-none: the stream project-p-none is empty\n")

        let l = try fprepl(["--store", dir, "--format", "line", "-c", "asof effective 2017-12-31; loans 5301241012010001"])
        #expect(l.out.contains("status           = 逾期") && l.out.contains("overdue_since    = 2017-06-01")
                && l.out.contains("outstanding_yuan = "), "\(l.out)")
        #expect(try fprepl(["--store", dir, "-c", "loans 999"]).err == "error: no household 999: the stream household-999 is empty\n")
    } }
}

@Suite struct SampleTranscriptTests {
    @Test func aSampleIsReproducibleAndItsOptionsChecked() throws { try withSample { dir in
        let args = ["--store", dir, "--format", "json", "-c", "sample --towns 1 --villages 3 --households 43 --seed 7"]
        let a = try fprepl(args), b = try fprepl(args)
        #expect(a.status == 0 && a.out == b.out, "\(a.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as? [[String: Any]])
        // The sample county has one village with one registered household (0002 was removed).
        #expect(rows.count == 1)
        #expect(Set(rows[0].keys) == ["town", "village", "band", "poverty_incidence", "household", "status", "main_cause", "people"])
        #expect(rows[0]["household"] as? String == "5301241012010001" && rows[0]["band"] as? String == "第1档")
        for (bad, message) in [("sample --towns", "error: sample: --towns takes a whole number\n"),
                               ("sample --towns -1", "error: sample: --towns takes a whole number\n"),
                               ("sample --households 0", "error: sample: --towns, --villages and --households take at least 1\n"),
                               ("sample --size 3", "error: sample: unknown option --size; options: --towns, --villages, --households, --seed\n")] {
            let r = try fprepl(["--store", dir, "-c", bad])
            #expect(r.status == 1 && r.out == "" && r.err == message, "\(bad): \(r.err)")
        }
    } }
}

/// `fprepl generate` writes a county and keeps its projections beside it, so that the
/// first question is answered at once; an import of everyday work moves the findings on.
@Suite struct GenerateTranscriptTests {
    /// The position a projection file was taken at (its header, `docs/households.md`).
    func position(of file: String) throws -> UInt64 {
        let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        return b[28..<36].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
    }

    @Test func generateSavesTheProjectionsAndAnImportMovesTheFindingsOn() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-gen-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try fprepl(["generate", "--store", dir, "--households", "300", "--seed", "4"])
        #expect(made.status == 0, "\(made.err)")
        let lines = made.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("generated 300 households, ") == true && lines.first?.contains(" events into \(dir) in ") == true)
        let served = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])
        let count = served.out.split(whereSeparator: \.isNewline).count - 1  // CSV ends its lines with CRLF
        #expect(lines.last?.hasPrefix("judged \(count) findings and saved them with the county beside the log in ") == true, "\(made.out)")
        let findingsFile = dir + "/projections/findings.ckpt", countyFile = dir + "/projections/county.ckpt"
        let status = try fprepl(["--store", dir, "--format", "json", "-c", "status"])
        let events = try #require(status.out.firstMatch(of: /"events":(\d+)/).map { UInt64($0.1)! })
        #expect(try position(of: findingsFile) == events - 1 && position(of: countyFile) == events - 1)
        for file in [findingsFile, countyFile] {
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
        // An import of a visit moves the saved findings to the new end.
        let household = try #require(served.out.firstMatch(of: /household-(\d{16})/).map { String($0.1) })
        let tail = dir + "/visit.jsonl"
        try #"{"stream":"household-\#(household)","type":"VisitRecorded","effective":"2023-06-01","actor":"op-test","data":{"cadre":"c1","kind":"入户"}}"#
            .write(toFile: tail, atomically: true, encoding: .utf8)
        #expect(try fprepl(["--store", dir, "-c", "import \(tail)"]).status == 0)
        #expect(try position(of: findingsFile) == events)
        // Served, and what judging afresh gives.
        let moved = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"]).out
        try FileManager.default.removeItem(atPath: findingsFile)
        #expect(moved == (try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])).out)
        // Into a store that holds events: refused.
        let again = try fprepl(["generate", "--store", dir, "--households", "10"])
        #expect(again.status == 1 && again.err.contains("already holds"))
    }
}
