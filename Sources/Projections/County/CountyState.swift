import EventStore

/// A village as the projection keeps it.
public struct VillageState: Sendable, Equatable {
    public var code: String
    public var name: String
    public var town: String
    public var county: String
    /// Rural households and population: the latest PopulationReported, else the registration.
    public var households: Int
    public var population: Int
    public var designatedPoor: Bool
    public var exitYear: Int?
}

/// Every household, village and the policy in force, folded from the whole log as of a
/// point in time.
public struct CountyState: Sendable {
    public var households: [String: HouseholdState] = [:]
    public var villages: [String: VillageState] = [:]
    public var policy: Policy = .default
    /// Every PolicySet folded, with its effective date, in recording order.
    public var policyEvents: [(effective: EffectiveDate, event: Fp_PolicySet)] = []
    /// Records folded (corrections not counted).
    public var eventsFolded = 0
    /// The last position considered.
    public var position: UInt64?

    /// The policy in force on a day: the default, then every PolicySet effective by then.
    public func policy(on day: EffectiveDate) -> Policy {
        var p = Policy.default
        for e in policyEvents where e.effective <= day { p.apply(e.event) }
        return p
    }
}

/// Builds a ``CountyState`` from the log: first the corrections, then every event with
/// retracted ones skipped and replaced ones folded with their new data, as of a point.
public enum CountyBuilder {
    /// What a correction does to its target.
    enum Fix { case retract, replace([UInt8]) }

    /// Hooks called during the fold (for rates).
    public struct Observer {
        public var beforeEvent: ((LoggedEvent, String, HouseholdState?) -> Void)?
        public init(beforeEvent: ((LoggedEvent, String, HouseholdState?) -> Void)? = nil) { self.beforeEvent = beforeEvent }
    }

    /// Folds the store as of a point.
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - asOf: The point in time.
    ///   - progress: Called with positions done and the total.
    /// - Complexity: two passes over the records up to the point; the first decodes only
    ///   corrections.
    public static func build(_ store: EventStore, asOf: AsOf = .now, observer: Observer = Observer(),
                             progress: ((UInt64, UInt64) -> Void)? = nil) throws -> CountyState {
        let end = store.endPosition
        guard end > 0 else { return CountyState() }
        var limit = end - 1
        if case .position(let p) = asOf { limit = min(limit, p) }
        var recordedLimit: RecordedTime?
        if case .recorded(let t) = asOf { recordedLimit = t }
        var effectiveLimit: EffectiveDate?
        if case .effective(let d) = asOf { effectiveLimit = d }

        // Pass 1: corrections, in recording order (a later one wins).
        var fixes: [UInt64: Fix] = [:]
        try store.forEachRecord(from: 0, through: limit) { r in
            if let t = recordedLimit, r.recorded > t { return false }
            if r.typeEquals("Correction") {
                let m = try Fp_Correction(serializedBytes: Array(r.payload))
                switch m.action {
                case .retract: fixes[m.target] = .retract
                case .replace: fixes[m.target] = .replace(Array(m.data))
                default: break
                }
            }
            return true
        }

        // Pass 2: the fold.
        var state = CountyState()
        try store.forEachRecord(from: 0, through: limit) { r in
            if let t = recordedLimit, r.recorded > t { return false }
            state.position = r.position
            if r.position & 0xFFFF == 0 { progress?(r.position, limit + 1) }
            if r.typeEquals("Correction") { return true }
            if let d = effectiveLimit, r.effective > d { return true }
            var payload: [UInt8]
            switch fixes[r.position] {
            case .retract?: return true
            case .replace(let data)?: payload = data
            case nil: payload = Array(r.payload)
            }
            let event = LoggedEvent(position: r.position, version: r.version, type: r.type, effective: r.effective,
                                    recorded: r.recorded, actor: "", payload: payload)
            try fold(&state, r.stream, event, observer)
            state.eventsFolded += 1
            return true
        }
        progress?(limit + 1, limit + 1)
        return state
    }

    static func fold(_ state: inout CountyState, _ stream: String, _ event: LoggedEvent, _ observer: Observer) throws {
        guard let dash = stream.firstIndex(of: "-") else { return }
        let category = stream[..<dash]
        let id = String(stream[stream.index(after: dash)...])
        switch category {
        case "household":
            let before = state.households[id]
            observer.beforeEvent?(event, id, before)
            state.households[id] = try HouseholdFold.apply(before, event, id: id)
        case "village":
            try foldVillage(&state, id, event)
        case "policy":
            if event.type == "PolicySet" {
                let m = try event.decode(Fp_PolicySet.self)
                state.policy.apply(m)
                state.policyEvents.append((event.effective, m))
            }
        default:
            break  // funds, projects and cadres: their own projections
        }
    }

    static func foldVillage(_ state: inout CountyState, _ code: String, _ event: LoggedEvent) throws {
        switch event.type {
        case "VillageRegistered":
            let m = try event.decode(Fp_VillageRegistered.self)
            var v = state.villages[code] ?? VillageState(code: code, name: "", town: "", county: "", households: 0, population: 0,
                                                         designatedPoor: false, exitYear: nil)
            v.name = m.name
            v.town = m.town
            v.county = m.county
            v.households = Int(m.households)
            v.population = Int(m.population)
            state.villages[code] = v
        case "PopulationReported":
            let m = try event.decode(Fp_PopulationReported.self)
            state.villages[code]?.households = Int(m.households)
            state.villages[code]?.population = Int(m.population)
        case "VillageDesignatedPoor":
            state.villages[code]?.designatedPoor = true
        case "VillageExited":
            state.villages[code]?.exitYear = Int(try event.decode(Fp_VillageExited.self).year)
        default: break
        }
    }
}
