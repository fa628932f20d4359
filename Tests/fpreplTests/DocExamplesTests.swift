import Foundation
import TestSupport
import Testing

/// Every `$ fprepl ...` (or `$ swift run fprepl ...`) example in README.md and docs/*.md
/// is run against a fresh demo store, and its output compared with what the page shows.
/// A line `...` in the page stands for any number of lines. A store a page makes under
/// `/tmp/fp-docs/` is made in a fresh directory of each run; the PostgreSQL address the
/// pages show (``pageDatabase``) is the test server's, with a county of this run's own.
@Suite(.serialized) struct DocExamplesTests {
    struct Example {
        var file: String
        var line: Int
        var arguments: [String]
        var expected: [String]
    }

    /// The database the pages show, and the county they use in it.
    static let pageDatabase = "postgres://fp@127.0.0.1:54329/fp_test?county=530124"

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func examples() throws -> [Example] {
        var pages = ["README.md"]
        pages += try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        var out: [Example] = []
        for page in pages {
            let lines = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8).components(separatedBy: "\n")
            var inFence = false
            var current: Example?
            for (k, line) in lines.enumerated() {
                if line.hasPrefix("```") {
                    if let c = current { out.append(c); current = nil }
                    inFence.toggle()
                    continue
                }
                guard inFence else { continue }
                if line.hasPrefix("$ ") {
                    if let c = current { out.append(c) }
                    var command = String(line.dropFirst(2))
                    if command.hasPrefix("swift run ") { command.removeFirst("swift run ".count) }
                    guard command.hasPrefix("fprepl ") else { current = nil; continue }
                    current = Example(file: page, line: k + 1, arguments: shellSplit(String(command.dropFirst("fprepl ".count))),
                                      expected: [])
                } else if current != nil {
                    current?.expected.append(line)
                }
            }
        }
        return out
    }

    /// Splits a command line at spaces, honouring single quotes.
    static func shellSplit(_ s: String) -> [String] {
        var out: [String] = [], word = "", quoted = false, inWord = false
        for c in s {
            if c == "'" { quoted.toggle(); inWord = true; continue }
            if c == " " && !quoted {
                if inWord { out.append(word); word = ""; inWord = false }
                continue
            }
            word.append(c)
            inWord = true
        }
        if inWord { out.append(word) }
        return out
    }

    static func matches(_ actual: [String], _ expected: [String]) -> Bool {
        if expected.isEmpty { return actual.isEmpty }
        if expected[0] == "..." {
            for skip in 0...actual.count where matches(Array(actual.dropFirst(skip)), Array(expected.dropFirst())) { return true }
            return false
        }
        guard let first = actual.first, first == expected[0] else { return false }
        return matches(Array(actual.dropFirst()), Array(expected.dropFirst()))
    }

    /// A page that shows a file of the repository whole (`<!-- quoted: PATH -->` before a
    /// fenced block, as `docs/contributing.md` shows a command) shows it as it is.
    @Test func everyQuotedFileIsShownAsItIs() throws {
        var quoted = 0
        for page in try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path)
            where page.hasSuffix(".md") {
            let lines = try String(contentsOf: Self.root.appendingPathComponent("docs/" + page), encoding: .utf8)
                .components(separatedBy: "\n")
            for (k, line) in lines.enumerated() where line.hasPrefix("<!-- quoted: ") && line.hasSuffix(" -->") {
                let path = String(line.dropFirst("<!-- quoted: ".count).dropLast(" -->".count))
                let file = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
                let open = k + 1, close = try #require(lines[(k + 2)...].firstIndex { $0.hasPrefix("```") },
                                                     "docs/\(page):\(k + 1): a fenced block follows")
                #expect(lines[open].hasPrefix("```"), "docs/\(page):\(k + 2): a fenced block follows the marker")
                #expect(lines[(open + 1)..<close].joined(separator: "\n") + "\n" == file,
                        "docs/\(page):\(k + 1) shows \(path) as it is")
                quoted += 1
            }
        }
        #expect(quoted >= 1)
    }

    @Test func thereAreExamplesToCheck() throws {
        #expect(try Self.examples().count >= 4)
    }

    @Test func everyDocumentedExampleRunsAsShown() throws {
        let cache = FileManager.default.temporaryDirectory.path + "/fprepl-docs-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var env = ProcessInfo.processInfo.environment
        env["XDG_CACHE_HOME"] = cache
        // Stores the pages make under /tmp/fp-docs live in this run's own directory.
        let scratch = cache + "/fp-docs"
        let database = (try? PostgresTestServer.address.get()).map { $0 + "?county=" + PostgresTestServer.nextCounty() }
        for example in try Self.examples() {
            let usesDatabase = example.arguments.contains { $0.contains(Self.pageDatabase) }
            if usesDatabase && database == nil {
                // Skipped only where PostgresTestServer said why; under CI this fails.
                #expect(!PostgresTestServer.isCI, "\(example.file):\(example.line): no PostgreSQL server for this example")
                continue
            }
            let arguments = example.arguments.map {
                $0.replacingOccurrences(of: "/tmp/fp-docs", with: scratch)
                    .replacingOccurrences(of: Self.pageDatabase, with: database ?? Self.pageDatabase)
            }
            let r = try fprepl(arguments, environment: env)
            // CSV ends its lines with CRLF; a page shows them as lines.
            var actual = r.out.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
            if actual.last == "" { actual.removeLast() }
            // The demo's store path differs: the page shows the usual one.
            actual = actual.map {
                $0.replacingOccurrences(of: cache + "/fp-ledger/demo", with: "/root/.cache/fp-ledger/demo")
                    .replacingOccurrences(of: scratch, with: "/tmp/fp-docs")
                    .replacingOccurrences(of: database ?? Self.pageDatabase, with: Self.pageDatabase)
            }
            // An example shows a command that works, unless it shows the error it gets.
            #expect(r.status == 0 || example.expected.contains { $0.hasPrefix("error:") },
                    "\(example.file):\(example.line): exit status \(r.status): \(r.err)")
            #expect(Self.matches(actual, example.expected),
                    "\(example.file):\(example.line): `fprepl \(example.arguments.joined(separator: " "))` printed:\n\(actual.joined(separator: "\n"))")
        }
    }
}
