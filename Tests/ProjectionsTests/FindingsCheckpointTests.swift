import EventStore
import Foundation
import Testing
@testable import Projections

/// The findings saved beside the log serve only the log they were judged on, by the
/// build that judged them; anything else is judged again.
@Suite struct FindingsCheckpointTests {
    /// The combined scenario's store (`InspectionCountyTests`).
    func withCounty<T>(_ body: (EventStore) throws -> T) throws -> T { try InspectionCountyTests().withCounty(body) }

    @Test func theSecondAskIsAnsweredFromTheSavedFindingsTheSameAsJudgingAgain() throws {
        try withCounty { store in
            let judged = try FindingRules.evaluate(store, asOf: .now)
            let first = try FindingRules.now(store, save: true)
            #expect(first.county != nil, "nothing saved yet: judged")
            #expect(first.findings == judged)
            #expect(FileManager.default.fileExists(atPath: FindingsCheckpoint.path(for: store)))
            let second = try FindingRules.now(store, save: true)
            #expect(second.county == nil, "answered from the saved findings")
            #expect(second.findings == judged)
            #expect(second.findings.contains { $0.household == "5301241012010002" }, "households are saved with the findings")
            let mode = (try FileManager.default.attributesOfItem(atPath: FindingsCheckpoint.path(for: store))[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
        }
    }

    @Test func aLogThatGrewIsJudgedAgainAndTheCorrectionsCount() throws {
        try withCounty { store in
            _ = try FindingRules.now(store, save: true)
            // Retract the exit behind "exit-income-below-line" (position 30).
            _ = try Importer.run(#"{"stream":"household-5301241012010002","type":"Correction","effective":"2017-06-01","actor":"op","data":{"target":30,"action":"retract","approver":"县扶贫办"}}"#, store: store)
            let after = try FindingRules.now(store, save: true)
            #expect(after.county != nil, "the log grew: judged again")
            #expect(!after.findings.contains { $0.rule == "exit-income-below-line" })
            #expect(after.findings == (try FindingRules.evaluate(store, asOf: .now)))
            #expect(try FindingRules.now(store, save: true).county == nil, "and saved again")
        }
    }

    @Test func anotherBuildOrADamagedFileIsNeverServed() throws {
        try withCounty { store in
            let judged = try FindingRules.evaluate(store, asOf: .now)
            try FindingsCheckpoint.save(Array(judged.prefix(1)), position: store.endPosition - 1, store: store, build: "an older fprepl")
            #expect(FindingsCheckpoint.load(store: store, build: "an older fprepl").findings?.count == 1)
            #expect(FindingsCheckpoint.load(store: store).findings == nil, "another build's findings are judged again")
            #expect(try FindingRules.now(store, save: true).findings == judged)

            let file = FindingsCheckpoint.path(for: store)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            bytes[60] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let (found, note) = FindingsCheckpoint.load(store: store)
            #expect(found == nil)
            #expect(note == "\(file) is damaged (checksum); rebuilt")
            let again = try FindingRules.now(store, save: true)
            #expect(again.findings == judged && again.note == note)
        }
    }
}
