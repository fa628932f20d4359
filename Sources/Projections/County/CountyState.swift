import EventStore

/// Every household, village and the policy in force, folded from the whole log as of a
/// point in time.
public struct CountyState: Sendable {
    public var households: [String: HouseholdState] = [:]
    public var villages: [String: VillageState] = [:]
    public var policy: Policy = .default
    /// Every PolicySet folded, with its effective date, in recording order.
    public var policyEvents: [(effective: EffectiveDate, event: Fp_PolicySet)] = [] {
        didSet { policySteps = Self.steps(policyEvents) }
    }
    /// The policy from each date on which a PolicySet takes effect, in date order:
    /// ``policy(on:)`` looks it up instead of folding every PolicySet per call (the
    /// findings ask for each visit, payment and exit).
    private var policySteps: [(from: EffectiveDate, policy: Policy)] = []
    /// Records folded (corrections not counted).
    public var eventsFolded = 0
    /// The last position considered.
    public var position: UInt64?

    /// An empty county.
    public init() {}

    /// The policy in force on a day: the default, then every PolicySet effective by then
    /// (in recording order, so a later-recorded one wins).
    public func policy(on day: EffectiveDate) -> Policy {
        // The last step that began on or before the day.
        var lo = 0, hi = policySteps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if policySteps[mid].from <= day { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? .default : policySteps[lo - 1].policy
    }

    private static func steps(_ events: [(effective: EffectiveDate, event: Fp_PolicySet)]) -> [(from: EffectiveDate, policy: Policy)] {
        Set(events.map(\.effective)).sorted().map { day in
            var p = Policy.default
            for e in events where e.effective <= day { p.apply(e.event) }
            return (day, p)
        }
    }
}
