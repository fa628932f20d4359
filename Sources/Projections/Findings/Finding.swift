import EventStore
import Foundation

/// What an inspection flags: a rule, the evidence (stream, position, effective date) and
/// one line with the numbers. Findings are a projection: computed from the log as of a
/// point, never written to it (`docs/findings.md`).
public struct Finding: Sendable, Equatable {
    /// The rule's id, as in the table of `docs/findings.md` (`funds-idle`).
    public var rule: String
    public var stream: String
    public var position: UInt64
    public var effective: EffectiveDate
    public var detail: String
    /// The household it concerns (its id), when one does: the evidence's household, or
    /// the household a fund paid. Queries filter on it (`findings where ...`).
    public var household: String?

    public init(rule: String, stream: String, position: UInt64, effective: EffectiveDate, detail: String, household: String? = nil) {
        self.rule = rule
        self.stream = stream
        self.position = position
        self.effective = effective
        self.detail = detail
        self.household = household
    }
}

extension Finding {
    /// Log order of the evidence, then rule, stream and detail; positions decide
    /// almost always, so the strings are compared only on a tie.
    static func logOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.position != b.position { return a.position < b.position }
        if a.rule != b.rule { return a.rule < b.rule }
        if a.stream != b.stream { return a.stream < b.stream }
        return a.detail < b.detail
    }
}

/// The rules of the table of `docs/findings.md`, and the projection that evaluates them.
public enum FindingRules {
    /// Every rule, in the order of the findings table: its id and what it finds.
    public static let all: [(id: String, finds: String)] = [
        ("exit-income-below-line", "exit whose latest income assessment (same or previous year) is below that year's line, or with no assessment"),
        ("exit-guarantees-unmet", "exit without a passing 两不愁三保障 assessment in the 12 months before it"),
        ("exit-procedure-incomplete", "exit missing 民主评议, a village notice of at least the publicity period, or the announcement"),
        ("identification-procedure-incomplete", "identification missing the two notices and the county announcement"),
        ("exit-transfer-income-dominant", "exit where transfer income exceeds the policy share of income"),
        ("quick-return", "返贫 within 12 months of exit"),
        ("helper-overloaded", "a cadre helping more households than policy allows at one time"),
        ("no-helper", "a poor or exited-with-policy household with no helper"),
        ("no-visit", "a helped household with no visit in the visit interval, or none in a year"),
        ("measure-mismatch", "a household with no measure addressing its main cause"),
        ("cause-without-evidence", "main cause 因病 or 因残 with no member whose health says so"),
        ("helper-is-beneficiary", "a cadre whose id number belongs to a registered poor person"),
        ("duplicate-person", "one id number in two households at once"),
        ("funds-idle", "money sitting at one unit longer than the warning period"),
        ("funds-overdrawn", "a unit paying out more than it received"),
        ("disbursed-to-ineligible", "money to a household not registered on that date, removed, or no longer entitled"),
        ("duplicate-disbursement", "the same household paid twice for one purpose from one fund within 30 days"),
        ("disbursed-before-publicity", "project money paid before its notice period ended, or with no notice"),
        ("relocation-debt", "relocation self-raised debt above the limit"),
        ("loan-out-of-terms", "a small loan above the amount or term limit"),
        ("early-risk-elimination", "risk eliminated before the minimum months or with no measure"),
    ]

    /// Every finding as of a point, in log order of the evidence (then rule, stream).
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - asOf: The point in time: what was recorded by then, or what was in effect on a date.
    ///   - progress: Called with positions done and the total while the county is folded.
    /// - Complexity: three passes over the log: the county fold (corrections, then
    ///   events, with the facts the rules need) and the fund trails.
    public static func evaluate(_ store: any EventLog, asOf: AsOf, progress: ((UInt64, UInt64) throws -> Void)? = nil) throws -> [Finding] {
        try inspect(store, asOf: asOf, progress: progress).findings
    }

    /// The findings and the county they were judged on (for filtering by household).
    public struct Inspection: Sendable {
        public var findings: [Finding]
        public var county: CountyState
    }

    /// The findings of the whole log as it is now, kept as a projection beside it
    /// (``FindingsSnapshot``): the saved ones when the log has not grown since; when it
    /// has, the saved ones with the tail judged into them (``FindingsState``), or, for a
    /// tail that needs it, judged afresh; then, when `save`, saved again. The county comes
    /// back only when it was folded.
    ///
    /// - Returns: the findings, the county when folded, and a note when a saved file was
    ///   there but could not be used.
    public static func now(_ store: any EventLog, save: Bool, progress: ((UInt64, UInt64) throws -> Void)? = nil) throws
        -> (findings: [Finding], county: CountyState?, note: String?) {
        let end = store.endPosition
        guard end > 0 else { return ([], nil, nil) }
        let (moved, note) = try savedMovedOn(store, to: end, save: save)
        if let moved {
            let all = moved.all
            releaseInBackground(moved)
            return (all, nil, note)
        }
        var (state, county) = try judge(store, asOf: .now, progress: progress)
        state.position = end - 1
        // Saved only when the judging saw exactly the records up to `end`.
        if save, end == store.endPosition { try? FindingsSnapshot.save(state, store: store) }
        let all = state.all
        releaseInBackground(state)
        return (all, county, note)
    }

    /// After a write: moves the saved findings on to the end of the log when the new
    /// records are everyday work (``FindingsState``), so that the next `findings` is
    /// served at once; otherwise leaves them for the next `findings` to judge.
    ///
    /// - Returns: whether they were moved on.
    @discardableResult
    public static func moveOn(_ store: any EventLog) -> Bool {
        guard let moved = try? savedMovedOn(store, to: store.endPosition, save: true).state else { return false }
        releaseInBackground(moved)
        return true
    }

    /// The saved findings state moved on to `end` (and saved again when `save` and it moved);
    /// `nil` when none are saved or the tail needs judging from the first record.
    private static func savedMovedOn(_ store: any EventLog, to end: UInt64, save: Bool) throws -> (state: FindingsState?, note: String?) {
        let (saved, note) = FindingsSnapshot.load(store: store)
        guard let saved, let state = try saved.advanced(in: store, to: end) else { return (nil, note) }
        if save, state.position != saved.position { try? FindingsSnapshot.save(state, store: store) }
        releaseInBackground(saved)
        return (state, note)
    }

    /// Every household's status and its members' spans.
    static func persons(_ facts: HouseholdFindings, _ county: CountyState) -> [String: FindingsState.Persons] {
        var out: [String: FindingsState.Persons] = [:]
        for (id, spans) in facts.membershipsByHousehold() { out[id] = .init(status: county.households[id]?.status, spans: spans) }
        for (id, h) in county.households where out[id] == nil { out[id] = .init(status: h.status, spans: []) }
        return out
    }

    /// ``evaluate(_:asOf:progress:)``, with the county.
    public static func inspect(_ store: any EventLog, asOf: AsOf, progress: ((UInt64, UInt64) throws -> Void)? = nil) throws -> Inspection {
        let (state, county) = try judge(store, asOf: asOf, progress: progress)
        return Inspection(findings: state.all, county: county)
    }

    /// Judges every rule from the first record: the county folded with the facts the
    /// rules need while the fund trails are read on another thread.
    ///
    /// - Parameter lanes: How many lanes the county fold may use (``CountyBuilder``); the
    ///   tests compare one with two.
    static func judge(_ store: any EventLog, asOf: AsOf, progress: ((UInt64, UInt64) throws -> Void)?,
                      lanes: Int = 2) throws -> (FindingsState, CountyState) {
        let funds = OnAnotherThread { try FundLedger.read(store, asOf: asOf) }
        // The county folded in two lanes, each with its own facts, merged after.
        let facts = HouseholdFindings(), second = HouseholdFindings()
        let built = Result {
            try CountyBuilder.build(store, asOf: asOf, observers: Array([facts.observer, second.observer].prefix(lanes)),
                                    progress: progress, from: nil)
        }
        let reading = try funds.value()
        let county = try built.get()
        facts.absorb(second)
        // The fund rules on the second core while the household rules are judged here.
        let standings = facts.standingsByHousehold()
        let fundFindings = OnAnotherThread {
            HouseholdFindings.paymentFindings(reading.trails, standings: { standings[$0] ?? [] })
                + Self.funds(reading, policy: county.policy(on:))
        }
        var (own, open) = try facts.householdFindings(county: county)
        own += facts.crossHouseholdFindings(county: county)
        own += try fundFindings.value()
        let state = FindingsState(position: county.position ?? 0, horizon: reading.horizon, findings: own.map(\.withHousehold),
                                  openVisits: open, standings: standings, helperChanges: facts.helperChangesByHousehold(),
                                  persons: Self.persons(facts, county), cadres: facts.cadres,
                                  heldFunds: Set(reading.trails.lazy.filter { $0.waits.contains(where: \.stillHeld) }.map(\.fund)),
                                  policyEvents: county.policyEvents)
        // Everything that holds the facts or the fund trails, after their last use here,
        // so none is freed on this thread.
        releaseInBackground(facts, second, reading, funds, fundFindings)
        return (state, county)
    }
}
