import Foundation
import Testing
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
}
