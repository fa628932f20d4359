import Foundation
import Testing

/// The docs stand alone: every link of every Markdown file in the repository names a
/// file of the repository (and, after `#`, a heading of that file). A link with a
/// scheme (`https:`, `file:`) or one that climbs out of the repository is refused: what
/// the docs rely on is written into them.
@Suite struct DocLinksTests {
    static let root = DocExamplesTests.root.standardizedFileURL.path

    /// Every `.md` file outside build folders and hidden ones, relative to the root.
    static func markdownFiles() -> [String] {
        var files: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let path = walker?.nextObject() as? String {
            let parts = path.split(separator: "/")
            if parts.contains(where: { $0.hasPrefix(".") }) {
                if parts.count == 1 { walker?.skipDescendants() }
                continue
            }
            if path.hasSuffix(".md") { files.append(path) }
        }
        return files.sorted()
    }

    /// The lines of a Markdown text outside fenced code blocks, with their numbers.
    static func linesOutsideFences(_ text: String) -> [(number: Int, line: String)] {
        var out: [(Int, String)] = []
        var fence: String?
        for (k, line) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let mark = String(trimmed.prefix(3))
                if fence == nil { fence = mark } else if mark == fence { fence = nil }
                continue
            }
            if fence == nil { out.append((k + 1, line)) }
        }
        return out
    }

    /// A heading's anchor as GitHub makes it: links reduced to their text, code marks and
    /// emphasis dropped, lower case, punctuation but `-` and `_` removed (Chinese kept),
    /// spaces made `-`.
    static func slug(_ heading: String) -> String {
        var t = heading.replacing(/!?\[([^\]]*)\]\([^)]*\)/) { String($0.output.1) }
        t = t.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "**", with: "")
            .replacingOccurrences(of: "__", with: "").replacingOccurrences(of: "*", with: "")
        t = t.trimmingCharacters(in: .whitespaces).lowercased()
        let kept = t.unicodeScalars.filter { s in
            s == "-" || s == "_" || s == " " || CharacterSet.alphanumerics.contains(s)
        }
        return String(String.UnicodeScalarView(kept)).replacingOccurrences(of: " ", with: "-")
    }

    /// The anchors of a Markdown file: its headings' (a repeated one gets `-1`, `-2`),
    /// and those of `<a id=...>` / `<a name=...>`.
    static func anchors(_ path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var seen: [String: Int] = [:]
        var out: Set<String> = []
        for (_, line) in linesOutsideFences(text) {
            if let m = line.wholeMatch(of: /^#{1,6}\s+(.*?)\s*#*\s*$/) {
                let s = slug(String(m.output.1))
                if let n = seen[s] {
                    seen[s] = n + 1
                    out.insert("\(s)-\(n + 1)")
                } else {
                    seen[s] = 0
                    out.insert(s)
                }
            }
            for m in line.matches(of: /<a\s+(?:name|id)="([^"]+)"/) { out.insert(String(m.output.1)) }
        }
        return out
    }

    /// The link targets of a line, code spans left out: inline links and images, and
    /// reference definitions.
    static func targets(_ line: String) -> [String] {
        // Code spans and escaped brackets (`\[`) are not links.
        let code = line.replacing(/`[^`]*`/, with: "").replacingOccurrences(of: "\\[", with: "")
        var out = code.matches(of: /!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/).map { String($0.output.1) }
        if let m = code.wholeMatch(of: /^\s*\[[^\]]+\]:\s*(\S+).*/) { out.append(String(m.output.1)) }
        out += code.matches(of: /<([a-z][a-z0-9+.-]*:[^>\s]*)>/).map { String($0.output.1) }
        return out
    }

    /// What is wrong with one link of `file`, or `nil`.
    static func problem(_ target: String, in file: String) throws -> String? {
        if target.firstMatch(of: /^[a-zA-Z][a-zA-Z0-9+.-]*:/) != nil { return "leaves the repository" }
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let path = (parts.first.map(String.init) ?? "").removingPercentEncoding ?? ""
        let fragment = parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? "" : ""
        let folder = (root + "/" + file as NSString).deletingLastPathComponent
        let resolved = path.isEmpty ? root + "/" + file : URL(fileURLWithPath: folder + "/" + path).standardizedFileURL.path
        guard resolved == root || resolved.hasPrefix(root + "/") else { return "leaves the repository" }
        guard FileManager.default.fileExists(atPath: resolved) else { return "no such file" }
        if !fragment.isEmpty {
            guard resolved.hasSuffix(".md") else { return "an anchor on a file that is not Markdown" }
            guard try anchors(resolved).contains(fragment) else { return "no heading #\(fragment) there" }
        }
        return nil
    }

    @Test func everyLinkStaysInTheRepository() throws {
        let files = Self.markdownFiles()
        #expect(files.contains("README.md") && files.contains("docs/repl.md"), "\(files)")
        var links = 0
        for file in files {
            let text = try String(contentsOfFile: Self.root + "/" + file, encoding: .utf8)
            for (number, line) in Self.linesOutsideFences(text) {
                for target in Self.targets(line) {
                    links += 1
                    if let problem = try Self.problem(target, in: file) {
                        Issue.record("\(file):\(number): \(target): \(problem)")
                    }
                }
            }
        }
        #expect(links > 100, "the docs link to each other (\(links) links found)")
    }

    /// The check itself: what it must refuse and what it must let through.
    @Test func theCheckRefusesWhatLeavesAndAcceptsWhatStays() throws {
        #expect(try Self.problem("https://example.org/x.md", in: "docs/repl.md") == "leaves the repository")
        #expect(try Self.problem("../../shared/design/DOMAIN.md", in: "docs/repl.md") == "leaves the repository")
        #expect(try Self.problem("missing.md", in: "docs/repl.md") == "no such file")
        #expect(try Self.problem("repl.md#no-such-heading", in: "docs/repl.md") == "no heading #no-such-heading there")
        #expect(try Self.problem("repl.md#running-it", in: "docs/repl.md") == nil)
        #expect(try Self.problem("#running-it", in: "docs/repl.md") == nil)
        #expect(try Self.problem("../Events/README.md", in: "docs/repl.md") == nil)
        #expect(Self.targets("see [a](b.md), `[c](d.md)` and <https://x.org>") == ["b.md", "https://x.org"])
        #expect(Self.slug("seed 001: 扶贫开发成效考核方案") == "seed-001-扶贫开发成效考核方案")
        #expect(Self.slug("`count` and **order**") == "count-and-order")
    }
}
