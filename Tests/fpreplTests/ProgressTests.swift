import Foundation
import Testing
@testable import fprepl

/// Long work shows where it is on a terminal, one line rewritten in place, and nothing
/// in a script.
@Suite struct ProgressTests {
    final class Lines: @unchecked Sendable { var written: [String] = [] }

    @Test func aTerminalSeesOneLineRewrittenAndThenCleared() throws {
        let lines = Lines()
        let p = Progress(label: "importing f.jsonl", enabled: true) { lines.written.append($0) }
        p.update(done: 10, total: 100, unit: "lines")  // within the first 100 ms: not shown
        #expect(lines.written.isEmpty)
        Thread.sleep(forTimeInterval: 0.15)
        p.update(done: 50, total: 100, unit: "lines")
        let shown = try #require(lines.written.last)
        #expect(shown.hasPrefix("\rimporting f.jsonl: 50% (50/100 lines), ") && shown.hasSuffix(" s\u{1B}[K"), "\(shown)")
        p.update(done: 60, total: 100, unit: "lines")  // again within 100 ms: not shown
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

    @Test func aScriptSeesNothing() {
        let lines = Lines()
        let p = Progress(label: "importing", enabled: false) { lines.written.append($0) }
        Thread.sleep(forTimeInterval: 0.15)
        p.update(done: 1, total: 2, unit: "lines")
        p.say("writing")
        p.finish()
        #expect(lines.written.isEmpty)
    }
}
