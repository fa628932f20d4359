import Foundation
import EventStore
import SwiftProtobuf
import Testing
@testable import Projections

@Suite struct HouseholdPropertyTests {
    static func person(_ n: Int) -> Fp_Person {
        var p = Fp_Person()
        p.personID = "p\(n)"
        p.name = "某"
        p.idNumber = "11010519491231002X"
        p.relation = n == 0 ? "户主" : "家属"
        return p
    }

    /// A random sequence that the status machine accepts, with corrections mixed in.
    static func sequence(seed: UInt64, length: Int) throws -> [LoggedEvent] {
        var rng = SplitMix64(seed: seed)
        var events: [LoggedEvent] = []
        var state: HouseholdState?
        var day = EffectiveDate(year: 2014, month: 1, day: 1)!
        var nextPerson = 0
        func add(_ type: String, _ message: some SwiftProtobuf.Message) throws {
            let e = LoggedEvent(position: UInt64(events.count * 3 + 1), version: UInt64(events.count), type: type, effective: day,
                                recorded: RecordedTime(microseconds: Int64(events.count) * 1_000_000), actor: "op",
                                payload: try message.serializedBytes())
            events.append(e)
            if type != "Correction" { state = try HouseholdFold.apply(state, e, id: "h") }
        }
        while events.count < length {
            if Int.random(in: 0..<10, using: &rng) < 3 {
                day = EffectiveDate(year: min(2023, day.year + 1), month: Int.random(in: 1...12, using: &rng), day: Int.random(in: 1...28, using: &rng))!
            }
            let candidates = ["HouseholdIdentified", "MemberChanged", "IncomeAssessed", "GuaranteesAssessed", "HelperAssigned",
                              "HelperReleased", "MeasureApplied", "ExitApproved", "ReturnedToPoverty", "RemovedAsMisidentified",
                              "EntitlementEnded", "MonitoringEnrolled", "RiskEliminated", "Correction"]
            let type = candidates.randomElement(using: &rng)!
            let cadre = "c\(Int.random(in: 0..<3, using: &rng))"
            if type != "Correction", HouseholdRules.refusal(state, type, cadre: cadre) != nil { continue }
            switch type {
            case "HouseholdIdentified":
                var m = Fp_HouseholdIdentified()
                m.village = "530124101201"
                m.members = (0..<Int.random(in: 1...5, using: &rng)).map { _ in nextPerson += 1; return person(nextPerson) }
                m.mainCause = Fp_Cause(rawValue: Int.random(in: 1...11, using: &rng)) ?? .illness
                m.identifiedYear = Int32(day.year)
                try add(type, m)
            case "MemberChanged":
                var m = Fp_MemberChanged()
                let leaving = Bool.random(using: &rng)
                if leaving, let someone = state?.members.randomElement(using: &rng) {
                    m.person = person(0)
                    m.person.personID = someone.personID
                    m.change = .death
                } else {
                    nextPerson += 1
                    m.person = person(nextPerson)
                    m.change = .birth
                }
                try add(type, m)
            case "IncomeAssessed":
                var m = Fp_IncomeAssessed()
                m.year = Int32(day.year)
                m.wageFen = Int64.random(in: 0...2_000_000, using: &rng)
                m.businessExpenseFen = Int64.random(in: 0...300_000, using: &rng)
                try add(type, m)
            case "GuaranteesAssessed":
                var m = Fp_GuaranteesAssessed()
                m.foodOk = Bool.random(using: &rng)
                m.members = Int32(state?.people ?? 1)
                m.medicalInsured = m.members
                try add(type, m)
            case "HelperAssigned": var m = Fp_HelperAssigned(); m.cadre = cadre; try add(type, m)
            case "HelperReleased": var m = Fp_HelperReleased(); m.cadre = cadre; try add(type, m)
            case "MeasureApplied": var m = Fp_MeasureApplied(); m.category = .industry; try add(type, m)
            case "ExitApproved": var m = Fp_ExitApproved(); m.exitYear = Int32(day.year); try add(type, m)
            case "ReturnedToPoverty": var m = Fp_ReturnedToPoverty(); m.wrongfulExit = Bool.random(using: &rng); try add(type, m)
            case "RemovedAsMisidentified": var m = Fp_RemovedAsMisidentified(); m.reason = "收入超标"; try add(type, m)
            case "EntitlementEnded": var m = Fp_EntitlementEnded(); m.reason = "x"; try add(type, m)
            case "MonitoringEnrolled": var m = Fp_MonitoringEnrolled(); m.category = .marginal; try add(type, m)
            case "RiskEliminated": var m = Fp_RiskEliminated(); m.method = "x"; try add(type, m)
            default:
                // A correction of a random earlier event that is not a correction.
                let targets = events.filter { $0.type != "Correction" }
                guard let target = targets.randomElement(using: &rng) else { continue }
                var m = Fp_Correction()
                m.target = target.position
                m.approver = "x"
                if Bool.random(using: &rng) {
                    m.action = .retract
                } else {
                    m.action = .replace
                    m.data = Data(target.payload)
                }
                try add(type, m)
            }
        }
        return events
    }

    @Test(arguments: 0..<150)
    func randomValidSequencesNeverBreakTheFold(seed: Int) throws {
        let events = try Self.sequence(seed: UInt64(seed) &* 7919, length: 40)
        var points: [AsOf] = [.now]
        for e in events { points.append(.position(e.position)); points.append(.effective(e.effective)) }
        for point in points {
            guard let s = try HouseholdHistory.state(id: "h", events: events, asOf: point) else { continue }
            // Invariants of any state: people are never negative and are unique; an
            // exit year means the household exited at some point after identification;
            // the version and position are those of a known event.
            #expect(s.people >= 0)
            #expect(Set(s.members.map(\.personID)).count == s.members.count, "seed \(seed) at \(point)")
            if s.status.hasExited || s.status == .returned { #expect(s.exitYear != nil, "seed \(seed) at \(point)") }
            #expect(s.exitYear.map { $0 >= s.identifiedYear } ?? true, "seed \(seed) at \(point)")
            #expect(events.contains { $0.position == s.position && $0.version == s.version }, "seed \(seed) at \(point)")
            if let income = s.income { #expect(income.members >= 0) }
        }
        // Deterministic: the same events fold to the same state.
        #expect(try HouseholdHistory.state(id: "h", events: events) == (try HouseholdHistory.state(id: "h", events: events)))
    }
}
