import Foundation
import Testing
@testable import EventStore
@testable import fprepl

/// What fprepl echoes back in an error (a command, an id, a file name) is written with
/// its control characters spelled out: a typed or scripted escape sequence cannot move
/// the cursor, clear or recolour the terminal of the person reading the error.
@Suite struct ErrorLineTranscriptTests {
    @Test func controlCharactersInAnEchoedValueAreWrittenOut() throws {
        try withSample { dir in
            let unknown = try fprepl(["--store", dir, "-c", "nope\u{1B}[31m"])
            #expect(unknown.status == 1 && unknown.err.hasPrefix("error: unknown command 'nope\\x1B[31m'; commands: "), "\(unknown.err)")
            let household = try fprepl(["--store", dir, "-c", "household 12\u{1B}[2J\u{7}"])
            #expect(household.err.hasPrefix("error: '12\\x1B[2J\\x07' is not a household id"), "\(household.err)")
            #expect(!household.err.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
            let file = try fprepl(["--store", dir, "-c", "import /nonexistent/a\u{9B}b.jsonl"])
            #expect(file.err.contains("a\\x9Bb.jsonl"), "\(file.err)")
        }
    }

    @Test func chineseTextTabsAndNewlinesAreLeftAsTheyAre() throws {
        try withSample { dir in
            let r = try fprepl(["--store", dir, "-c", "household 张三"])
            #expect(r.err.hasPrefix("error: '张三' is not a household id"), "\(r.err)")
        }
        #expect(escapingControlCharacters("户主\t张三\nline 2") == "户主\t张三\nline 2")
        #expect(escapingControlCharacters("a\u{0}b\u{7F}c\r") == "a\\x00b\\x7Fc\\x0D")
    }

    /// Text a store holds from before control characters were refused is shown on one
    /// line, escaped, in tables and line mode; JSON escapes it as JSON does.
    @Test func controlCharactersInTheLedgerAreWrittenOutInEveryTextOutput() throws {
        try withSample { dir in
            let store = try EventStore.open(dir)
            let visit = try #require(try store.readStream("household-5301241012010001").last { $0.type == "VisitRecorded" })
            _ = try store.append([ProposedEvent(type: visit.type, effective: visit.effective, actor: "op\nINJECTED-LINE\u{1B}[2J",
                                                payload: Array(visit.payload))], to: "household-5301241012010001")
            try store.close()
            for mode in ["table", "line", "csv"] {
                let r = try fprepl(["--store", dir, "--as", "auditor", "--format", mode, "-c", "history 5301241012010001"])
                #expect(r.status == 0, "\(mode): \(r.err)")
                #expect(!r.out.unicodeScalars.contains { $0.value == 0x1B }, "\(mode)")
                #expect(!r.out.split(separator: "\n").contains { $0.hasPrefix("INJECTED") }, "\(mode): a forged row")
                #expect(r.out.contains("op\\nINJECTED-LINE\\x1B[2J"), "\(mode): \(r.out)")
            }
            let json = try fprepl(["--store", dir, "--as", "auditor", "--format", "json", "-c", "history 5301241012010001"])
            #expect(json.out.contains(#"op\nINJECTED-LINE\u001b[2J"#) || json.out.contains(#"op\nINJECTED-LINE\u001B[2J"#), "\(json.out)")
        }
        #expect(oneLine("op\nINJECTED-LINE\u{1B}[2J\t") == "op\\nINJECTED-LINE\\x1B[2J\\t")
        #expect(ResultValue.text("a\nb").plain == "a\\nb")
        #expect(ResultValue.list(["x\u{7}"]).plain == "x\\x07")
        #expect(ResultValue.text("户主 张三").plain == "户主 张三")
    }
}
