import EventStore
import Foundation
import Testing
@testable import Projections

/// The findings kept beside the log: served while the log has not grown, moved on with a
/// tail of everyday work, judged afresh for a tail that needs it, and never served to
/// another log or by another build. Whatever the path, the answer is what judging the
/// whole log from the first record gives.
@Suite struct FindingsSnapshotTests {
    /// The combined scenario's store (`InspectionCountyTests`).
    func withCounty<T>(_ body: (EventStore) throws -> T) throws -> T { try InspectionCountyTests().withCounty(body) }

    @Test func theSecondAskIsAnsweredFromTheSavedFindingsTheSameAsJudgingAgain() throws {
        try withCounty { store in
            let judged = try FindingRules.evaluate(store, asOf: .now)
            let first = try FindingRules.now(store, save: true)
            #expect(first.county != nil, "nothing saved yet: judged")
            #expect(first.findings == judged)
            #expect(FileManager.default.fileExists(atPath: FindingsSnapshot.path(for: store)))
            let second = try FindingRules.now(store, save: true)
            #expect(second.county == nil, "answered from the saved findings")
            #expect(second.findings == judged)
            #expect(second.findings.contains { $0.household == "5301241012010002" }, "households are saved with the findings")
            let mode = (try FileManager.default.attributesOfItem(atPath: FindingsSnapshot.path(for: store))[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
        }
    }

    /// Findings saved under the name of older builds (`findings.ckpt`) are served, then
    /// replaced by `findings.snapshot`; removing the saved findings removes both names.
    @Test func findingsSavedUnderTheOldNameAreServedThenReplaced() throws {
        try withCounty { store in
            let judged = try FindingRules.now(store, save: true).findings
            let old = FindingsSnapshot.legacyPath(for: store)
            #expect(rename(FindingsSnapshot.path(for: store), old) == 0)
            let served = try FindingRules.now(store, save: true)
            #expect(served.county == nil && served.findings == judged, "answered from the file under its old name")
            _ = try Importer.run(#"{"stream":"household-5301241012010002","type":"VisitRecorded","effective":"2017-06-01","actor":"op","data":{"cadre":"c01","kind":"入户"}}"#, store: store)
            _ = try FindingRules.now(store, save: true)
            #expect(FileManager.default.fileExists(atPath: FindingsSnapshot.path(for: store)))
            #expect(!FileManager.default.fileExists(atPath: old))
            #expect(rename(FindingsSnapshot.path(for: store), old) == 0)
            FindingsSnapshot.remove(for: store)
            #expect(!FileManager.default.fileExists(atPath: old) && !FileManager.default.fileExists(atPath: FindingsSnapshot.path(for: store)))
        }
    }

    @Test func correctionsMoveTheFindingsOnOrAreJudgedFromTheFirstRecord() throws {
        try withCounty { store in
            _ = try FindingRules.now(store, save: true)
            func correct(_ household: String, _ target: UInt64, _ day: String) throws {
                _ = try Importer.run(#"{"stream":"household-\#(household)","type":"Correction","effective":"\#(day)","actor":"op","data":{"target":\#(target),"action":"retract","approver":"县扶贫办"}}"#, store: store)
            }
            // The exit behind "exit-income-below-line" (position 30) retracted: that household
            // is judged again from its stream.
            try correct("5301241012010002", 30, "2017-06-01")
            let after = try FindingRules.now(store, save: true)
            #expect(after.county == nil, "a correction of an exit: moved on")
            #expect(!after.findings.contains { $0.rule == "exit-income-below-line" })
            #expect(after.findings == (try FindingRules.evaluate(store, asOf: .now)))
            // The assignment that took cadre c01 over three households (position 46)
            // retracted: every cadre's load is counted again from the kept changes.
            try correct("5301241012010004", 46, "2017-06-02")
            let unloaded = try FindingRules.now(store, save: true)
            #expect(unloaded.county == nil, "a correction of a helper: moved on")
            #expect(!unloaded.findings.contains { $0.rule == "helper-overloaded" })
            #expect(unloaded.findings == (try FindingRules.evaluate(store, asOf: .now)))
            // A removal retracted (position 94) changes the household's standing, which
            // payments to it are judged by: judged from the first record.
            try correct("5301241012010009", 94, "2017-06-03")
            let judged = try FindingRules.now(store, save: true)
            #expect(judged.county != nil, "a correction of a removal: judged from the first record")
            #expect(judged.findings == (try FindingRules.evaluate(store, asOf: .now)))
            #expect(try FindingRules.now(store, save: true).county == nil, "and saved again")
        }
    }

    /// A generated county, its findings saved, then tails of everyday work: each time the
    /// kept findings move on without a fold of the county, and equal judging the whole
    /// log again: the households and funds touched, the end of the record moving (open
    /// visits and money still held count to it), a household paid after its removal.
    @Test func tailsOfEverydayWorkMoveTheFindingsOnAsJudgingAfreshWould() throws {
        try withStore { store in
            var county = SyntheticCounty(.init(households: 400, seed: 5))
            try county.write(into: store)
            let first = try FindingRules.now(store, save: true)
            #expect(first.county != nil)
            let state = try CountyBuilder.build(store)
            let ids = state.households.keys.sorted()
            let poor = ids.filter { state.households[$0]?.status == .poor }
            let removed = ids.filter { state.households[$0]?.status == .removed }
            let helped = ids.filter { state.households[$0]?.helpers.isEmpty == false && state.households[$0]?.status != .removed }
            let exited = ids.filter { state.households[$0]?.status == .exited }
            #expect(poor.count >= 2 && removed.count >= 2 && helped.count >= 10 && !exited.isEmpty)
            func event(_ stream: String, _ type: String, _ day: String, _ data: String) -> String {
                #"{"stream":"\#(stream)","type":"\#(type)","effective":"\#(day)","actor":"op-test","data":\#(data)}"#
            }
            func visit(_ id: String, _ day: String) -> String {
                event("household-" + id, "VisitRecorded", day, #"{"cadre":"\#(state.households[id]?.helpers.first ?? "c1")","kind":"入户"}"#)
            }
            func paid(_ id: String, _ day: String, fen: Int, village: String? = nil) -> String {
                event("fund-2023-01", "FundDisbursed", day,
                      #"{"from":"village-\#(village ?? state.households[id]!.village)","household":"\#(id)","amount_fen":\#(fen),"purpose":"产业帮扶","voucher":"兑-test"}"#)
            }
            let exit = #"{"exit_year":2023,"procedure":{"appraised":"2023-11-28","verified":"2023-12-02","consent":"2023-12-03","village_notice_from":"2023-12-04","village_notice_to":"2023-12-10","announced":"2023-12-20"}}"#
            let tails: [(String, [String])] = [
                ("visits, an assessment, a payment to a removed household, within the record", [
                    visit(helped[0], "2023-06-01"), visit(helped[1], "2023-06-02"),
                    event("household-" + helped[2], "GuaranteesAssessed", "2023-10-20", #"{"food_ok":true,"clothing_ok":true,"education_ok":false,"dropouts":1,"medical_insured":1,"members":1,"housing_grade":"B","water_ok":true}"#),
                    paid(removed[0], "2023-05-01", fen: 20_000),
                ]),
                ("a visit that moves the end of the record", [visit(helped[3], "2024-05-01")]),
                ("an exit with a short notice, and money paid after the end of the record", [
                    event("household-" + poor[0], "ExitApproved", "2024-05-20", exit),
                    paid(removed[1], "2024-06-01", fen: 30_000),
                ]),
                ("a cadre given three more households, and one released", [
                    event("household-" + poor[1], "HelperAssigned", "2024-06-10", #"{"cadre":"c-busy"}"#),
                    event("household-" + helped[5], "HelperAssigned", "2024-06-11", #"{"cadre":"c-busy"}"#),
                    event("household-" + helped[6], "HelperAssigned", "2024-06-12", #"{"cadre":"c-busy"}"#),
                    event("household-" + helped[7], "HelperAssigned", "2024-06-13", #"{"cadre":"c-busy"}"#),
                    event("household-" + helped[8], "HelperAssigned", "2024-06-14", #"{"cadre":"c-busy"}"#),
                    event("household-" + helped[9], "HelperAssigned", "2024-06-15", #"{"cadre":"c-busy"}"#),
                    event("household-" + helped[5], "HelperReleased", "2024-06-20", #"{"cadre":"c-busy"}"#),
                ]),
                ("a child born; a member who is also in another household", [
                    event("household-" + helped[4], "MemberChanged", "2024-07-01",
                          #"{"person":{"person_id":"p-new","name":"新生","id_number":"530124202401010011","relation":"子女","birth_date":"2024-01-01","health":"健康"},"change":"出生"}"#),
                    event("household-" + helped[5], "MemberChanged", "2024-07-02",
                          #"{"person":{"person_id":"p-moved","name":"迁入","id_number":"\#(state.households[helped[6]]!.members[0].idNumber)","relation":"其他","health":"健康"},"change":"迁入"}"#),
                ]),
                ("money to a household never identified", [paid("5301241012019999", "2024-07-05", fen: 10_000, village: state.households[helped[0]]!.village)]),
                ("that household identified (漏评), and an exited household returned to poverty", [
                    event("household-5301241012019999", "HouseholdIdentified", "2024-07-10",
                          #"{"village":"\#(state.households[helped[0]]!.village)","members":[\#(SmallCounty.person("户主", 901))],"attribute":"一般贫困户","standard":"国家标准","main_cause":"因病","per_capita_income_fen":200000,"identified_year":2024,"procedure":{},"omission_correction":true}"#),
                    event("household-" + exited[0], "ReturnedToPoverty", "2024-07-11", #"{"causes":["因病"],"found_by":"动态管理","wrongful_exit":true}"#),
                ]),
                ("nothing new", []),
            ]
            for (what, lines) in tails {
                if !lines.isEmpty { _ = try Importer.run(lines.joined(separator: "\n"), store: store) }
                let moved = try FindingRules.now(store, save: true)
                #expect(moved.county == nil, "\(what): moved on, not judged from the first record")
                #expect(moved.findings == (try FindingRules.evaluate(store, asOf: .now)), "\(what)")
            }
            // Corrections of such events: the exit above retracted (its findings go), the
            // payment to a removed household retracted (its disbursed-to-ineligible goes).
            func position(_ stream: String, _ type: String) throws -> UInt64 {
                try #require(try store.readStream(stream).last { $0.type == type }).position
            }
            let exitAt = try position("household-" + poor[0], "ExitApproved")
            let before = try FindingRules.now(store, save: true).findings
            let paidAt = try #require(before.last { $0.rule == "disbursed-to-ineligible" && $0.household == removed[1] }).position
            #expect(before.contains { $0.position == exitAt } && before.contains { $0.position == paidAt && $0.rule == "disbursed-to-ineligible" })
            let corrections: [(String, String)] = [
                ("an exit retracted", event("household-" + poor[0], "Correction", "2024-08-01",
                                            #"{"target":\#(exitAt),"action":"retract","approver":"县扶贫办"}"#)),
                ("a payment retracted", event("fund-2023-01", "Correction", "2024-08-02",
                                              #"{"target":\#(paidAt),"action":"retract","approver":"县财政局"}"#)),
            ]
            for (what, line) in corrections {
                _ = try Importer.run(line, store: store)
                let moved = try FindingRules.now(store, save: true)
                #expect(moved.county == nil, "\(what): moved on, not judged from the first record")
                #expect(moved.findings == (try FindingRules.evaluate(store, asOf: .now)), "\(what)")
            }
            let after = try FindingRules.now(store, save: true).findings
            #expect(!after.contains { $0.position == exitAt } && !after.contains { $0.position == paidAt })
            #expect(after.contains { $0.rule == "helper-overloaded" && $0.detail.contains("c-busy") }, "six households for one cadre")
            #expect(after.contains { $0.rule == "duplicate-person" && $0.detail.contains("p-moved") }, "one id number in two households")
            #expect(after.contains { $0.rule == "disbursed-to-ineligible" && $0.detail.contains("2024-07-10 才识别纳入") },
                    "the payment before the identification, judged again: \(after.filter { $0.household == "5301241012019999" })")
            // Registrations that end: the payments after them are found, those before stand.
            let ended = try #require(exited.dropFirst().first)
            _ = try Importer.run([
                event("household-" + poor[1], "RemovedAsMisidentified", "2024-08-10", #"{"reason":"有商品房","found_by":"动态管理"}"#),
                event("household-" + ended, "EntitlementEnded", "2024-08-11", #"{"reason":"稳定脱贫"}"#),
                paid(poor[1], "2024-08-20", fen: 5_000), paid(ended, "2024-08-21", fen: 6_000),
            ].joined(separator: "\n"), store: store)
            let unregistered = try FindingRules.now(store, save: true)
            #expect(unregistered.county == nil, "a removal and an end of entitlement: moved on")
            #expect(unregistered.findings == (try FindingRules.evaluate(store, asOf: .now)))
            #expect(unregistered.findings.contains { $0.rule == "disbursed-to-ineligible" && $0.household == poor[1] && $0.detail.contains("剔除") })
            // A policy changes what everyone is judged by: judged from the first record.
            _ = try Importer.run(event("policy-county", "PolicySet", "2024-09-01", #"{"key":"visit_interval_days","value":60}"#), store: store)
            let judged = try FindingRules.now(store, save: true)
            #expect(judged.county != nil, "a policy: judged from the first record")
            #expect(judged.findings == (try FindingRules.evaluate(store, asOf: .now)))
            #expect(try FindingRules.now(store, save: true).county == nil)
        }
    }

    @Test func anotherBuildOrADamagedFileIsNeverServed() throws {
        try withCounty { store in
            let judged = try FindingRules.evaluate(store, asOf: .now)
            _ = try FindingRules.now(store, save: false)
            let (state, _) = try FindingRules.judge(store, asOf: .now, progress: nil)
            var one = state
            one.position = store.endPosition - 1
            one.findings = Array(one.findings.prefix(1))
            one.openVisits = []
            try FindingsSnapshot.save(one, store: store, build: "an older fprepl")
            #expect(FindingsSnapshot.load(store: store, build: "an older fprepl").state?.all.count == 1)
            #expect(FindingsSnapshot.load(store: store).state == nil, "another build's findings are judged again")
            #expect(try FindingRules.now(store, save: true).findings == judged)

            let file = FindingsSnapshot.path(for: store)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            bytes[60] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let (found, note) = FindingsSnapshot.load(store: store)
            #expect(found == nil)
            #expect(note == "\(file) is damaged (checksum); rebuilt")
            let again = try FindingRules.now(store, save: true)
            #expect(again.findings == judged && again.note == note)
        }
    }
}
