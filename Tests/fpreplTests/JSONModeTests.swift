import Foundation
import Testing
@testable import fprepl

/// With `--format json`, every command prints exactly one JSON document on stdout (one
/// line), so a script can read one answer per command: queries, and also `import`,
/// `export`, `asof`, `rebuild`, `help` and the dot commands, which people see as a
/// sentence or nothing.
@Suite struct JSONModeTests {
    /// One line of each command, in an order that works on the sample store (the files
    /// the later ones read are written by the earlier ones).
    static func lines(_ dir: String) -> [String] {
        [
            "status", "household 5301241012010001", "households limit 1", "count households", "count households by status",
            "history 5301241012010001", "replay 5301241012010001 --until #6", "exit-check 5301241012010001",
            "funds 2016-001", "ledger", "projects", "loans", "findings", "sample --towns 1 --villages 1 --households 1 --seed 1",
            "stats", "rates --from 2016-01-01 --to 2016-12-31", "asof effective 2016-12-31", "import \(sampleLog)",
            "export \(dir)/out.jsonl", "rebuild", "digest", "verify", "keygen k --dir \(dir)", "checkpoint --sign \(dir)/k.key",
            "checkpoint --sign \(dir)/k.key --out \(dir)/cp", "checkpoint --verify \(dir)/k.pub \(dir)/cp",
            "prove inclusion 3", "prove inclusion 3 --out \(dir)/p", "check inclusion \(dir)/p --root ROOT",
            "spot-check --seed s --count 3", "spot-check --seed s --count 3 --out \(dir)/s", "check spot-check \(dir)/s --root ROOT", "help", "help replay",
            ".help", ".help mode", ".mode json", ".output", ".timer off", ".as auditor", ".read \(dir)/one.fp",
        ]
    }

    /// Whether `out` is one JSON document on one line.
    static func isOneDocument(_ out: String) -> Bool {
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 2, lines[1].isEmpty else { return false }
        return (try? JSONSerialization.jsonObject(with: Data(lines[0].utf8), options: [.fragmentsAllowed])) != nil
    }

    /// A text field of a one-line JSON object.
    static func field(_ key: String, of json: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        return object?[key] as? String ?? ""
    }

    @Test func everyCommandPrintsOneJSONDocument() throws {
        try withSample { store in
            let dir = store + "-files"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try "digest\n".write(toFile: dir + "/one.fp", atomically: true, encoding: .utf8)
            let digest = try fprepl(["--store", store, "--format", "json", "-c", "digest"])
            let root = Self.field("root", of: digest.out)
            // The same store for each line: `import` of the sample again is refused
            // (its versions are taken), which is not what is checked here, so it goes
            // into a store of its own.
            let lines = Self.lines(dir)
            var covered = Set<String>()
            for line in lines {
                let command = line.replacingOccurrences(of: "ROOT", with: root)
                let target = command.hasPrefix("import ") ? dir + "/imported" : store
                let r = try fprepl(["--store", target, "--as", "auditor", "--format", "json", "-c", command])
                #expect(r.status == 0, "\(command): \(r.err)")
                #expect(Self.isOneDocument(r.out), "\(command) prints one JSON document on one line: \(r.out)")
                covered.insert(String(command.split(separator: " ")[0]))
            }
            // Every command but .quit (which ends the session before printing) is here.
            let names = Set(CommandRegistry.all.map { $0.name }).subtracting([".quit"])
            #expect(names.subtracting(covered).isEmpty, "not checked: \(names.subtracting(covered).sorted())")
        }
    }

    @Test func theDocumentsSayWhatWasDone() throws {
        try withStore { dir in
            let r = try fprepl(["--store", dir, "--format", "json", "-c",
                                "import \(sampleLog); asof effective 2016-12-31; asof; export \(dir)-out.jsonl; .as auditor; .timer on; .mode csv; status"])
            defer { try? FileManager.default.removeItem(atPath: dir + "-out.jsonl") }
            #expect(r.status == 0, "\(r.err)")
            let lines = r.out.components(separatedBy: "\n")
            #expect(Array(lines.prefix(6)) == [
                "{\"file\":\"\(sampleLog)\",\"events\":46,\"first_position\":0,\"last_position\":45}",
                "{\"asof\":\"effective 2016-12-31\"}",
                "{\"asof\":\"effective 2016-12-31\"}",
                "{\"file\":\"\(dir)-out.jsonl\",\"events\":46,\"masked\":true}",
                "{\"role\":\"auditor\"}",
                "{\"timer\":true}",
            ])
            // `.mode csv` answers in the mode it sets: nothing; then status in CSV.
            #expect(lines[6].hasPrefix("store,events,"), "\(r.out)")
        }
    }
}
