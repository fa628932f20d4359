import Foundation
import Testing
@testable import fprepl

/// A line is split into its command, words and options by the command's declaration,
/// and refused whole, naming what was wrong, before the command runs.
@Suite struct CommandParserTests {
    func error(_ line: String) -> String? {
        do {
            _ = try CommandParser.parse(line)
            return nil
        } catch {
            return CommandError.line(for: error)
        }
    }

    @Test func wordsOptionsAndFlagsInAnyOrder() throws {
        let call = try #require(try CommandParser.parse("replay --step 5301241012010001 --until #20"))
        #expect(same(call.command, ReplayCommand.self))
        #expect(call.words == ["5301241012010001"])
        #expect(call[ReplayCommand.step])
        guard case .position(20)? = call[ReplayCommand.until] else {
            Issue.record("--until #20 is position 20")
            return
        }
        let dated = try #require(try CommandParser.parse("rates --to 2016-12-31"))
        #expect(dated[RatesCommand.to]?.description == "2016-12-31")
        #expect(dated[RatesCommand.from] == nil)
        #expect(try CommandParser.parse("   ") == nil)
        #expect(same(try CommandParser.parse("STATUS")?.command, StatusCommand.self), "names are not case-sensitive")
    }

    @Test func aLineThatDoesNotFitIsRefusedNamingWhatIsWrong() throws {
        #expect(error("statuss")?.hasPrefix("unknown command 'statuss'; commands: status, household,") == true)
        #expect(error("status now") == "status takes no arguments")
        #expect(error("household") == "household takes one household id: household 5301241012010001")
        #expect(error("household 1 2") == "household takes one household id: household 5301241012010001")
        #expect(error("sample --size 3") == "sample: unknown option --size; options: --towns, --villages, --households, --seed")
        // A command has at most 1 MiB; deeper parentheses than 64 are refused (they
        // overflowed the stack), not parsed.
        #expect(error("households where id = " + String(repeating: "5", count: 1 << 20))
            == "a command of \((1 << 20) + 22) bytes is longer than the 1048576 a command may have")
        #expect(throws: QueryError(message: "parentheses nest more than 64 deep", column: 71)) {
            try QueryParser.parseWhere("where " + String(repeating: "(", count: 100_000) + "status = 返贫" + String(repeating: ")", count: 100_000))
        }
        #expect(try QueryParser.parseWhere("where " + String(repeating: "(", count: 64) + "status = 返贫" + String(repeating: ")", count: 64)).filter
            == .compare(.status, .eq, .text("返贫")))
        #expect(error("sample --towns") == "sample: --towns takes a whole number below 10^15")
        #expect(error("sample --towns x") == "sample: --towns takes a whole number below 10^15")
        // Past 2^63 (which converting to a count trapped on) and past 2^64.
        #expect(error("sample --towns 9223372036854775808") == "sample: --towns takes a whole number below 10^15")
        #expect(error("prove inclusion 3 --size 99999999999999999999") == "prove: --size takes a whole number below 10^15")
        #expect(error("rates --from 2016-02-30") == "rates: --from takes a date YYYY-MM-DD")
        #expect(error("export f.jsonl --stream --from 3") == "export: --stream takes a stream name",
                "another option is not a value")
        #expect(error("replay 5301241012010001 --until never") == "replay: --until takes a date (2016-12-31) or a position (#1234)")
        #expect(error("replay --step") == "replay takes a household id: replay 5301241012010001 [--until DATE|#POS] [--step]")
        // A command without options takes `--x` as a word, and so has too many.
        #expect(error("digest --x") == "digest takes no arguments")
    }

    @Test func theQueryLanguageGetsTheTextAsTyped() throws {
        let call = try #require(try CommandParser.parse("  households  where  cause = '因 病'"))
        #expect(call.rest == "  where  cause = '因 病'")
        #expect(call.words.isEmpty)
    }

    /// A quote that is not closed ends with its line: the command it is in fails, at its
    /// column, and the lines after it run as they are (they used to be swallowed into
    /// the quote, silently, with exit 0).
    @Test func anUnclosedQuoteIsItsCommandsErrorAndSwallowsNothing() throws {
        #expect(ScriptSplitter.split("households where town = 'x\nstatus; digest") == [
            .init(text: "households where town = 'x", line: 1), .init(text: "status", line: 2), .init(text: "digest", line: 2, column: 9),
        ])
        #expect(ScriptSplitter.split("a 'b;c' d\ne") == [.init(text: "a 'b;c' d", line: 1), .init(text: "e", line: 2)])
        #expect(ScriptSplitter.split("  x;  'y'\n -- c\n\tz") == [
            .init(text: "x", line: 1, column: 3), .init(text: "'y'", line: 1, column: 7), .init(text: "z", line: 3, column: 2),
        ])
        try withSample { store in
            let script = FileManager.default.temporaryDirectory.path + "/quote-\(UUID().uuidString).fp"
            defer { try? FileManager.default.removeItem(atPath: script) }
            try "households where town = 'x\nexport \(store)-out.jsonl\n".write(toFile: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: store + "-out.jsonl") }
            let r = try fprepl(["--store", store, "-f", script])
            #expect(r.status == 1)
            #expect(r.err == "\(script):1: error: column 25: the quoted text is not closed\n", "\(r.err)")
            #expect(r.out.hasPrefix("exported 46 events"), "the next line ran: \(r.out)")
        }
    }

    /// A query's error names the column in the line, wherever the command starts in it
    /// (after spaces, or after other commands on the line).
    @Test func errorColumnsCountFromTheLine() throws {
        try withSample { store in
            let script = FileManager.default.temporaryDirectory.path + "/columns-\(UUID().uuidString).fp"
            defer { try? FileManager.default.removeItem(atPath: script) }
            try "  count households by bogus\ndigest;  households where statu = 1\n".write(toFile: script, atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", store, "-f", script])
            let lines = r.err.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix("\(script):1: error: column 23: unknown field 'bogus'") == true, "\(r.err)")
            #expect(lines.last?.hasPrefix("\(script):2: error: column 27: unknown field 'statu'") == true, "\(r.err)")
        }
    }

    /// A file name with spaces is given in quotes; `~/` is the home folder, for files.
    @Test func quotedWordsAndTheHomeFolder() throws {
        #expect(try CommandParser.words("a  'b c' \"d\"e\tf", command: "x") == ["a", "b c", "de", "f"])
        #expect(throws: CommandError.self) { try CommandParser.words("export 'x", command: "export") }
        let call = try #require(try CommandParser.parse("export 'my county.jsonl' --stream household-1"))
        #expect(call.words == ["my county.jsonl"])
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        #expect(try #require(try CommandParser.parse("import ~/events.jsonl")).words == [home + "/events.jsonl"])
        #expect(try #require(try CommandParser.parse("verify --checkpoint ~/c --key ~/k.pub"))[VerifyCommand.checkpoint] == home + "/c")
        #expect(try #require(try CommandParser.parse("household ~/x")).words == ["~/x"], "not a file: as typed")
    }
}
