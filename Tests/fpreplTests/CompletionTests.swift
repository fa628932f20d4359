import Foundation
import Testing
@testable import fprepl

@Suite struct CompletionTests {
    /// Commands that take a file complete paths: a folder's files and folders (folders
    /// with their `/`), the hidden ones only for a leading dot; options that take a file
    /// or a key too; `count ... order by` its columns.
    @Test func filesCompleteWhereAFileFits() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-complete-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/events", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a.jsonl", "ab.fp", ".hidden", "k.pub"] { FileManager.default.createFile(atPath: dir + "/" + name, contents: Data()) }
        #expect(Completion.candidates(before: "import \(dir)/a", word: "\(dir)/a") == ["\(dir)/a.jsonl", "\(dir)/ab.fp"])
        #expect(Completion.candidates(before: "import \(dir)/", word: "\(dir)/") == ["\(dir)/a.jsonl", "\(dir)/ab.fp", "\(dir)/events/", "\(dir)/k.pub"])
        #expect(Completion.candidates(before: "export \(dir)/e", word: "\(dir)/e") == ["\(dir)/events/"])
        #expect(Completion.candidates(before: ".read \(dir)/.h", word: "\(dir)/.h") == ["\(dir)/.hidden"])
        #expect(Completion.candidates(before: ".output \(dir)/k", word: "\(dir)/k") == ["\(dir)/k.pub"])
        #expect(Completion.candidates(before: "verify --key \(dir)/k", word: "\(dir)/k") == ["\(dir)/k.pub"])
        #expect(Completion.candidates(before: "asof \(dir)/k", word: "\(dir)/k") == [], "asof takes no file")
        #expect(Completion.candidates(before: "import /nonexistent-folder/x", word: "/nonexistent-folder/x") == [])
        #expect(Completion.candidates(before: "count households by town,status order by ", word: "") == ["town", "status", "households", "people"])
    }

    @Test func householdIdsCompleteFromTheStoreWhereAnIdFits() {
        let ids = { (kind: Completion.IDKind) -> [String] in
            switch kind {
            case .household: return ["5301241012010001", "5301241012010002", "5301241013020001"]
            case .fund: return ["2016-001", "2017-001"]
            case .project: return ["p2016-07"]
            }
        }
        #expect(Completion.candidates(before: "household 53012410120", word: "53012410120", ids: ids)
                == ["5301241012010001", "5301241012010002"])
        #expect(Completion.candidates(before: "replay ", word: "", ids: ids).count == 3)
        #expect(Completion.candidates(before: "replay 5301241012010001 ", word: "", ids: ids) == ["--until", "--step"])
        #expect(Completion.candidates(before: "status ", word: "", ids: ids) == [])
        var asked = false
        _ = Completion.candidates(before: "stats ", word: "") { _ in asked = true; return [] }
        #expect(!asked, "the store is not read where no id fits")
        #expect(Completion.candidates(before: "prove ", word: "") == ["inclusion", "consistency"])
        #expect(Completion.candidates(before: "", word: "").contains("replay"))
    }

    @Test func fundsProjectsLedgerSampleAndFindingsComplete() {
        let ids = { (kind: Completion.IDKind) -> [String] in
            switch kind {
            case .household: return ["5301241012010001"]
            case .fund: return ["2016-001", "2017-001"]
            case .project: return ["p2016-07"]
            }
        }
        #expect(Completion.candidates(before: "funds 2016", word: "2016", ids: ids) == ["2016-001"])
        #expect(Completion.candidates(before: "funds ", word: "", ids: ids) == ["household", "2016-001", "2017-001"])
        #expect(Completion.candidates(before: "funds household ", word: "", ids: ids) == ["5301241012010001"])
        #expect(Completion.candidates(before: "projects ", word: "", ids: ids) == ["p2016-07"])
        #expect(Completion.candidates(before: "loans 53", word: "53", ids: ids) == ["5301241012010001"])
        #expect(Completion.candidates(before: "ledger by ", word: "") == ["county", "town", "village", "source", "channel", "purpose", "year"])
        #expect(Completion.candidates(before: "sample --", word: "--").contains("--households"))
        #expect(Completion.candidates(before: "findings ", word: "").contains("no-visit"))
        #expect(Completion.candidates(before: "findings no-visit where ", word: "").contains("main_cause"))
        #expect(Completion.candidates(before: "findings where status = ", word: "").contains("返贫"))
    }
}
