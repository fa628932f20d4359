import Foundation
import Testing
@testable import fprepl

@Suite struct CompletionTests {
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
