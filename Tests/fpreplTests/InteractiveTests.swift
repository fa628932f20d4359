import Foundation
import TestSupport
import Testing

/// Drives the real binary in a real terminal (tmux, on a private socket): Chinese input
/// and backspace over a Chinese character, tab completion, Ctrl-C cancelling a line,
/// the asof prompt, history recall and persistence, Ctrl-D leaving.
@Suite(.serialized) struct InteractiveTests {
    /// A socket of this test's own, so no other tmux server (a stale one included) can
    /// receive its keys.
    let socket = "fprepl-tests-\(getpid())-\(UUID().uuidString.prefix(8))"

    /// Runs tmux. Only the output of capture-pane and display-message is read: a command
    /// that starts the tmux server would hand it our pipe, and reading to its end would
    /// never finish.
    func tmux(_ args: [String]) throws -> (out: String, status: Int32) {
        let p = Process()
        // Through a shell that closes every descriptor above 2 first: a tmux server
        // started here would otherwise keep the test runner's pipes open, and the
        // runner would wait for them forever.
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        let quoted = (["tmux", "-L", socket] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        p.arguments = ["-c", "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] 2>/dev/null && eval \"exec $fd>&-\"; done; exec " + quoted.joined(separator: " ")]
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        let reads = args.first == "capture-pane" || args.first == "display-message"
        let out = Pipe()
        p.standardOutput = reads ? out : FileHandle.nullDevice
        try p.runWithCleanSignalMask()
        let data = reads ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }

    func screen() throws -> String { try tmux(["capture-pane", "-t", "t", "-p"]).out }

    /// Waits until the screen shows `text` (up to 10 s).
    func waitFor(_ text: String) throws -> Bool {
        try waitUntil { try screen().contains(text) }
    }

    /// Waits until `condition` holds of the screen (up to 10 s): a busy machine may take
    /// longer than any fixed pause to redraw it.
    func waitUntil(_ condition: () throws -> Bool) throws -> Bool {
        for _ in 0..<100 {
            if try condition() { return true }
            usleep(100_000)
        }
        return false
    }

    /// Waits until the session has ended (up to 5 s).
    func waitForEnd() throws -> Bool {
        for _ in 0..<50 {
            if (try tmux(["has-session", "-t", "t"])).status != 0 { return true }
            usleep(100_000)
        }
        return false
    }

    /// Starts `fprepl` in a terminal with a home of its own, on a store holding the sample
    /// log (`Events/samples/household-life.jsonl`), runs `body` with that home, and cleans
    /// up: the session, the socket, the home. Fails when tmux is missing.
    func withTerminalSession(width: Int = 160, generated households: Int? = nil, _ body: (String) throws -> Void) throws {
        guard (try? tmux(["-V"]))?.status == 0 else {
            Issue.record("tmux is needed for the interactive test (.ci/run installs it): apt-get install tmux")
            return
        }
        let home = FileManager.default.temporaryDirectory.path + "/fprepl-tty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer {
            // The server's and the pane's pids first: kill-server can return before the
            // server has ended (and has been seen to leave it running with its session),
            // so whatever is still there is killed by pid.
            let pids = ((try? tmux(["display-message", "-p", "-t", "t", "#{pid} #{pane_pid}"]))?.out ?? "")
                .split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { pid_t($0) }
            _ = try? tmux(["kill-server"])
            for pid in pids.reversed() where pid > 1 { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
            try? FileManager.default.removeItem(atPath: home)
        }
        let sample = DocExamplesTests.root.appendingPathComponent("Events/samples/household-life.jsonl").path
        let made = try fprepl(households.map { ["generate", "--store", home + "/store", "--households", String($0), "--seed", "5"] }
            ?? ["--store", home + "/store", "-c", "import " + sample])
        #expect(made.status == 0, "\(made.err)")
        _ = try tmux(["new-session", "-d", "-s", "t", "-x", String(width), "-y", "50",
                      "env HOME=\(home) LANG=C.UTF-8 \(try Self.binary()) --store \(home)/store"])
        // The banner may wrap on a narrow terminal.
        #expect(try waitUntil { try screen().filter { !$0.isWhitespace }.contains("typehelpforthecommands") }, "\((try? screen()) ?? "")")
        try body(home)
    }

    @Test func ctrlDOnAnEmptyLineLeaves() throws {
        try withTerminalSession(width: 120) { _ in
            _ = try tmux(["send-keys", "-t", "t", "C-d"])
            let ended = try waitForEnd()
            let shown = ended ? "" : try screen()
            #expect(ended, "the screen:\n\(shown)")
        }
    }

    static func binary() throws -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let c = dir.appendingPathComponent("fprepl").path
            if FileManager.default.isExecutableFile(atPath: c) { return c }
            dir = dir.deletingLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile)
    }

    @Test func replayStepWaitsForEnterBetweenEvents() throws {
        try withTerminalSession { _ in
            _ = try tmux(["send-keys", "-t", "t", "replay 5301241012010001 --step", "Enter"])
            #expect(try waitFor("Enter for the next event"))
            #expect(try screen().contains("#5  v0  2014-10-20  HouseholdIdentified"))
            #expect(try !screen().contains("HelperAssigned"), "the second event waits")
            _ = try tmux(["send-keys", "-t", "t", "Enter"])
            #expect(try waitFor("HelperAssigned"))
            _ = try tmux(["send-keys", "-t", "t", "q", "Enter"])
            usleep(300_000)
            #expect(try !screen().contains("MeasureApplied"), "q stops the replay")
            _ = try tmux(["send-keys", "-t", "t", "digest", "Enter"])
            #expect(try waitFor("root"), "the prompt is back")

            // Tab completes household ids from the store: the common part of both ids.
            _ = try tmux(["send-keys", "-t", "t", "household 53012", "Tab"])
            #expect(try waitFor("fp> household 530124101201000"))
            _ = try tmux(["send-keys", "-t", "t", "2", "Enter"])
            #expect(try waitFor("户编号          5301241012010002"))
        }
    }

    /// Ctrl-C at the step prompt stops the replay and gives the prompt back (it used to
    /// spin in readLine, deaf to Ctrl-C, Ctrl-D and q); so does Ctrl-D.
    @Test func replayStepStopsOnCtrlCAndOnCtrlD() throws {
        try withTerminalSession { _ in
            _ = try tmux(["send-keys", "-t", "t", "replay 5301241012010001 --step", "Enter"])
            #expect(try waitFor("-- 1/"))
            _ = try tmux(["send-keys", "-t", "t", "C-c"])
            _ = try tmux(["send-keys", "-t", "t", "digest", "Enter"])
            #expect(try waitFor("root"), "the prompt is back after Ctrl-C:\n\((try? screen()) ?? "")")
            #expect(try !screen().contains("HelperAssigned"), "the replay stopped")

            _ = try tmux(["send-keys", "-t", "t", "replay 5301241012010001 --step", "Enter"])
            #expect(try waitUntil { try screen().components(separatedBy: "-- 1/").count == 3 })
            _ = try tmux(["send-keys", "-t", "t", "C-d"])
            _ = try tmux(["send-keys", "-t", "t", "status", "Enter"])
            #expect(try waitFor("last position  45"), "the prompt is back after Ctrl-D:\n\((try? screen()) ?? "")")
            #expect(try tmux(["has-session", "-t", "t"]).status == 0, "Ctrl-D at the step prompt ends the replay, not fprepl")
        }
    }

    /// Ctrl-C while a long command runs (its progress line on the screen) stops it, says
    /// so, and gives the prompt back; the store answers as before.
    @Test func ctrlCStopsALongCommandAndGivesThePromptBack() throws {
        try withTerminalSession(generated: 2000) { _ in
            _ = try tmux(["send-keys", "-t", "t", "rebuild", "Enter"])
            #expect(try waitFor("rebuilding: "), "the progress line shows the rebuild running:\n\((try? screen()) ?? "")")
            _ = try tmux(["send-keys", "-t", "t", "C-c"])
            #expect(try waitFor("error: rebuild interrupted (Ctrl-C): the projections and the snapshot were left as they were"),
                    "\((try? screen()) ?? "")")
            #expect(try !screen().contains("events/second"), "the rebuild did not finish")
            _ = try tmux(["send-keys", "-t", "t", "digest", "Enter"])
            #expect(try waitFor("root"), "the prompt is back:\n\((try? screen()) ?? "")")
            #expect(try tmux(["has-session", "-t", "t"]).status == 0, "fprepl is still running")
        }
    }

    /// On an 80-column terminal a table wider than it (`history`) comes a record to a
    /// block, each line within the 80 columns; the same command in a pipe gets the table.
    @Test func aWideTableFitsAnEightyColumnTerminal() throws {
        try withTerminalSession(width: 80) { home in
            _ = try tmux(["send-keys", "-t", "t", "history 5301241012010001", "Enter"])
            #expect(try waitFor("(21 rows)"), "\((try? screen()) ?? "")")
            let shown = try tmux(["capture-pane", "-t", "t", "-p", "-S", "-200"]).out
            #expect(shown.contains("-[ 1 ]---") && shown.contains("类型      HouseholdIdentified"), "\(shown)")
            #expect(shown.split(separator: "\n").allSatisfy { displayWidthOf(String($0)) <= 80 })
            let piped = try fprepl(["--store", home + "/store", "-c", "history 5301241012010001"])
            #expect(!piped.out.contains("-[ 1 ]") && piped.out.hasPrefix("位置"), "\(piped.out)")
        }
    }

    /// Display width as the terminal counts it (CJK two cells), for the check above.
    func displayWidthOf(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { w, c in w + ((0x2E80...0x9FFF).contains(c.value) || (0xFF00...0xFF60).contains(c.value) ? 2 : 1) }
    }

    @Test func aTerminalSession() throws {
        try withTerminalSession { home in

            // Tab completes a command; the answer follows.
            _ = try tmux(["send-keys", "-t", "t", "statu", "Tab"])
            #expect(try waitFor("fp> status"))
            _ = try tmux(["send-keys", "-t", "t", "Enter"])
            #expect(try waitFor("last position  45"))

            // Chinese input, a backspace over one character, completion of a field.
            _ = try tmux(["send-keys", "-t", "t", "count households where cause = 因病x"])
            _ = try tmux(["send-keys", "-t", "t", "BSpace"])
            _ = try tmux(["send-keys", "-t", "t", " by st", "Tab"])
            #expect(try waitFor("by status"))
            _ = try tmux(["send-keys", "-t", "t", "Enter"])
            #expect(try waitFor("已脱贫(不再享受政策)           1       4"))

            // Ctrl-C cancels the line, not the program; the prompt shows the asof point.
            _ = try tmux(["send-keys", "-t", "t", "this is cancelled", "C-c"])
            _ = try tmux(["send-keys", "-t", "t", "asof effective 2016-12-31", "Enter"])
            #expect(try waitFor("fp[asof effective 2016-12-31]>"))
            #expect(try !screen().contains("unknown command 'this"))

            // History: Up recalls the last line.
            _ = try tmux(["send-keys", "-t", "t", "Up"])
            #expect(try waitUntil {
                try screen().split(separator: "\n").last { $0.hasPrefix("fp[") } == "fp[asof effective 2016-12-31]> asof effective 2016-12-31"
            })
            _ = try tmux(["send-keys", "-t", "t", "C-u"])  // kill the recalled line

            // .quit leaves; the history was saved.
            usleep(300_000)
            _ = try tmux(["send-keys", "-t", "t", ".quit", "Enter"])
            let ended = try waitForEnd()
            let shown = ended ? "" : try screen()
            #expect(ended, "the screen:\n\(shown)")
            let history = try String(contentsOfFile: home + "/.fprepl_history", encoding: .utf8)
            #expect(history.hasPrefix("_HiStOrY_V2_"))
            #expect(history.contains("因病"))
            #expect(history.contains("asof\\040effective\\0402016-12-31"))
        }
    }
}
