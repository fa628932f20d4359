import EventStore
import Foundation
import Testing
@testable import Projections

/// Every status-changing event against every status: accepted or refused exactly as
/// the status machine of docs/households.md says, through the real importer, and the status
/// after an accepted event is the one the machine leads to.
@Suite struct StatusMachineTests {
    static let events: [(type: String, data: String)] = [
        ("HouseholdIdentified", ""),  // filled in by identification()
        ("ExitApproved", #"{"exit_year":2018,"procedure":{}}"#),
        ("ReturnedToPoverty", #"{"causes":["因病"],"found_by":"自查","wrongful_exit":false}"#),
        ("RemovedAsMisidentified", #"{"reason":"有车辆","found_by":"审计"}"#),
        ("EntitlementEnded", #"{"reason":"稳定脱贫"}"#),
        ("MonitoringEnrolled", #"{"category":"边缘易致贫户"}"#),
        ("RiskEliminated", #"{"method":"x"}"#),
        ("IncomeAssessed", #"{"year":2018,"wage_fen":1,"business_fen":0,"property_fen":0,"transfer":{"minimum_living_fen":0,"extreme_poverty_support_fen":0,"pension_fen":0,"ecological_compensation_fen":0,"other_fen":0},"business_expense_fen":0}"#),
    ]

    /// Lines that bring household H to a status (nil: never identified).
    static func reach(_ status: HouseholdStatus?) -> [String] {
        guard let status else { return [] }
        let id = SmallCounty.identified("H", "530124101201", people: 2, cause: "因病", on: "2015-01-10")
        let exit = SmallCounty.event("H", "ExitApproved", "2016-12-20", #"{"exit_year":2016,"procedure":{}}"#)
        switch status {
        case .poor: return [id]
        case .exited: return [id, exit]
        case .exitedNoPolicy: return [id, exit, SmallCounty.event("H", "EntitlementEnded", "2017-12-20", #"{"reason":"x"}"#)]
        case .returned: return [id, exit, SmallCounty.event("H", "ReturnedToPoverty", "2017-06-01", #"{"causes":["因病"],"found_by":"自查","wrongful_exit":true}"#)]
        case .removed: return [id, SmallCounty.event("H", "RemovedAsMisidentified", "2016-01-01", #"{"reason":"x","found_by":"审计"}"#)]
        }
    }

    /// The machine: for each status, the status after each event, or nil if refused.
    static func expected(_ from: HouseholdStatus?, _ type: String) -> HouseholdStatus?? {
        switch (from, type) {
        case (nil, "HouseholdIdentified"), (.removed?, "HouseholdIdentified"): return .some(.poor)
        case (nil, _): return .none
        case (_, "HouseholdIdentified"): return .none
        case (.poor?, "ExitApproved"), (.returned?, "ExitApproved"): return .some(.exited)
        case (_, "ExitApproved"): return .none
        case (.exited?, "ReturnedToPoverty"), (.exitedNoPolicy?, "ReturnedToPoverty"): return .some(.returned)
        case (_, "ReturnedToPoverty"): return .none
        case (.removed?, "RemovedAsMisidentified"): return .none
        case (_, "RemovedAsMisidentified"): return .some(.removed)
        case (.exited?, "EntitlementEnded"): return .some(.exitedNoPolicy)
        case (_, "EntitlementEnded"): return .none
        case (.removed?, "MonitoringEnrolled"): return .none
        case (let s?, "MonitoringEnrolled"): return .some(s)
        case (_, "RiskEliminated"): return .none  // nobody is monitored in these scenarios
        case (let s?, _): return .some(s)          // assessments change no status
        }
    }

    @Test(arguments: [nil] + HouseholdStatus.allCases.map { Optional($0) })
    func everyEventFromEveryStatus(_ from: HouseholdStatus?) throws {
        for (type, data) in Self.events {
            try withStore { store in
                _ = try Importer.run(Self.reach(from).joined(separator: "\n"), store: store)
                let before = store.endPosition
                let line = type == "HouseholdIdentified"
                    ? SmallCounty.identified("H", "530124101201", people: 2, cause: "因病", on: "2018-03-01")
                    : SmallCounty.event("H", type, "2018-03-01", data)
                let outcome: Result<Void, any Error> = Result { _ = try Importer.run(line, store: store) }
                let state = try HouseholdHistory.state(id: "H", events: try store.readStream("household-H").map(LoggedEvent.init))
                switch Self.expected(from, type) {
                case .none:
                    #expect(throws: ProjectionError.self, "\(type) from \(from?.label ?? "never identified") must be refused") { try outcome.get() }
                    #expect(store.endPosition == before)
                case .some(let after):
                    #expect(throws: Never.self, "\(type) from \(from?.label ?? "never identified") must be accepted") { try outcome.get() }
                    #expect(state?.status == after, "\(type) from \(from?.label ?? "never identified")")
                }
            }
        }
    }

    @Test func monitoringIsAFlagBesideTheStatus() throws {
        try withStore { store in
            _ = try Importer.run((Self.reach(.exited) + [
                SmallCounty.event("H", "MonitoringEnrolled", "2020-04-01", #"{"category":"脱贫不稳定户"}"#),
            ]).joined(separator: "\n"), store: store)
            var h = try #require(try household(store, "H"))
            #expect(h.monitored && h.status == .exited)
            #expect(throws: ProjectionError.self) {
                try Importer.run(SmallCounty.event("H", "MonitoringEnrolled", "2020-05-01", #"{"category":"脱贫不稳定户"}"#), store: store)
            }
            _ = try Importer.run(SmallCounty.event("H", "RiskEliminated", "2021-01-01", #"{"method":"x"}"#), store: store)
            h = try #require(try household(store, "H"))
            #expect(!h.monitored && h.status == .exited)
        }
    }
}
