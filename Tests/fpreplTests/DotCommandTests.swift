import Foundation
import TestSupport
import Testing

@Suite struct DotCommandTests {
    /// A full disk is an error line and exit 1, for results on stdout and for
    /// `.output FILE`; the script stops at the first (it used to trap in FileHandle.write).
    @Test func aFullDiskIsOneErrorAndExitOne() throws {
        try withStore(events: 2) { dir in
            let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
            let r = try fprepl(["--store", dir, "-c", "households; status; digest"], standardOutput: full)
            #expect(r.status == 1)
            #expect(r.err == "error: cannot write the results to standard output: No space left on device; the script stops here\n")

            let file = try fprepl(["--store", dir, "-c", ".output /dev/full; digest; status"])
            #expect(file.status == 1)
            #expect(file.err == "error: cannot write the results to /dev/full: No space left on device; the script stops here\n")
        }
    }

    @Test func outputSendsResultsToAFileAndBack() throws {
        try withStore(events: 4) { dir in
            let file = dir + "-out.csv"
            defer { try? FileManager.default.removeItem(atPath: file) }
            let r = try fprepl(["--store", dir, "-c", ".mode csv; .output \(file); status; .output; .mode json; digest"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.hasPrefix("{\"mode\":\"json\"}\n{\"size\":4,"), "\(r.out)")
            let written = try String(contentsOfFile: file, encoding: .utf8)
            #expect(written.hasPrefix("store,events,streams,segments,bytes,last_position,digest\r\n\(dir),4,"))
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try fprepl(["--store", dir, "-c", ".output /nonexistent/dir/x"]).err.hasPrefix("error: cannot write /nonexistent/dir/x"))
        }
    }

    /// Inside a script file, `.read` finds a relative path from that script's folder,
    /// wherever fprepl was started; at the top (`-c`), from the working folder.
    @Test func readFindsARelativeScriptBesideTheScriptThatReadsIt() throws {
        try withStore(events: 2) { dir in
            let folder = dir + "-scripts"
            try FileManager.default.createDirectory(atPath: folder + "/checks", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try ".read checks/size.fp\n".write(toFile: folder + "/main.fp", atomically: true, encoding: .utf8)
            try ".mode json\ndigest\n.read more.fp\n".write(toFile: folder + "/checks/size.fp", atomically: true, encoding: .utf8)
            try "status\n".write(toFile: folder + "/checks/more.fp", atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", dir, "-f", folder + "/main.fp"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.hasPrefix("{\"mode\":\"json\"}\n{\"size\":2,") && r.out.contains("\"events\":2"), "\(r.out)")
            // From -c, relative to the working folder (here: not where the scripts are).
            let top = try fprepl(["--store", dir, "-c", ".read main.fp"])
            #expect(top.status == 1 && top.err.hasPrefix("error: cannot read main.fp"), "\(top.err)")
        }
    }

    /// A failed asof, .as, .mode, .output or .read stops a script (exit 1): the commands
    /// after it would answer for another point or in another form. Other failures do not.
    @Test func aFailedSettingStopsTheScript() throws {
        try withSample { store in
            let stops = "; the script stops here (the commands after it would answer for another point or in another form)\n"
            for (setting, error) in [
                ("asof position 99", "asof position 99: the log ends at position 45; asof now follows it as it grows"),
                (".mode xml", ".mode takes one of: table, json, csv, line"),
                (".as boss", ".as takes one of: auditor, analyst, inspector"),
                (".output /nonexistent/x", "cannot write /nonexistent/x: No such file or directory"),
                (".read /nonexistent.fp", "cannot read /nonexistent.fp: No such file or directory"),
            ] {
                let r = try fprepl(["--store", store, "-c", "\(setting); status"])
                #expect(r.status == 1 && r.out == "", "\(setting): the status after it did not run: \(r.out)")
                #expect(r.err == "error: " + error + stops, "\(setting): \(r.err)")
            }
            // A query that fails is not a setting: the script goes on.
            let r = try fprepl(["--store", store, "-c", "household 1; digest"])
            #expect(r.status == 1 && r.out.hasPrefix("size"), "\(r.out)")
        }
    }

    @Test func quitAndExitLeaveWithoutTheDot() throws {
        try withStore(events: 2) { dir in
            for word in ["quit", "exit", ".quit", ".exit"] {
                let r = try fprepl(["--store", dir, "--format", "json", "-c", "digest; \(word); status"])
                #expect(r.status == 0 && r.err == "", "\(word): \(r.err)")
                #expect(!r.out.contains("\"events\""), "\(word) leaves before status: \(r.out)")
            }
        }
    }

    @Test func readRunsAScriptWithItsOwnLineNumbers() throws {
        try withStore(events: 2) { dir in
            let script = dir + "-script.fp"
            defer { try? FileManager.default.removeItem(atPath: script) }
            try ".mode json\n-- the size\ndigest\nbogus\ndigest\n".write(toFile: script, atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", dir, "-c", ".read \(script); status"])
            #expect(r.status == 1)
            #expect(r.err == "\(script):4: error: unknown command 'bogus'; commands: status, household, households, count, history, replay, exit-check, funds, ledger, projects, loans, findings, sample, stats, rates, asof, import, export, rebuild, digest, verify, checkpoint, keygen, prove, spot-check, check, help; dot commands: .help, .mode, .output, .read, .timer, .as, .quit\n")
            #expect(r.out.components(separatedBy: "\n").filter { $0.hasPrefix("{\"size\":2,") }.count == 2)
            #expect(r.out.contains("\"events\":2"), "the command after .read runs")
            // With --bail, the first error inside the script stops everything.
            let b = try fprepl(["--store", dir, "--bail", "-c", ".read \(script); status"])
            #expect(b.status == 1)
            // `.mode json` and the first digest; nothing after `bogus`.
            #expect(b.out.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 2)
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
            // The two digests, and what .timer says it set (each command one JSON document).
            #expect(r.out.components(separatedBy: "\n").filter { $0.hasPrefix("{\"size\"") }.count == 2)
            #expect(r.out.hasPrefix("{\"timer\":true}\n") && r.out.contains("{\"timer\":false}\n"), "\(r.out)")
        }
    }
}
