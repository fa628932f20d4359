import EventStore
import Synchronization

/// Builds a ``CountyState`` from the log: first the corrections, then every event with
/// retracted ones skipped and replaced ones folded with their new data, as of a point.
public enum CountyBuilder {
    /// What a correction does to its target.
    enum Fix { case retract, replace([UInt8]) }

    /// A household during a build: the slot it is kept in (numbered from 0 in the order
    /// households first appear), for observers that keep their own per-household data in
    /// an array, and its id on the first event the observer sees of it (empty on the
    /// others: an observer that needs it keeps it). Handing the id with every event
    /// cost a cache miss and a retain per event, a tenth of judging the findings.
    public struct HouseholdKey {
        public let slot: Int
        public let id: String
    }

    /// Hooks called during the fold (rates, findings), with events as corrected and
    /// visible at the point.
    public struct Observer {
        /// Every household event: the event, the household, the state before it (lent
        /// in place, not copied: the hook must not change it).
        public var beforeEvent: ((LoggedEvent, HouseholdKey, inout HouseholdState?) -> Void)?
        /// Every cadre event: the event and the cadre id.
        public var cadreEvent: ((LoggedEvent, String) -> Void)?
        /// The household event kinds whose payload `beforeEvent` reads (`nil`: all); the
        /// others reach it with an empty payload, sparing a copy per event.
        public var payloadKinds: Set<EventKind>?
        public init(beforeEvent: ((LoggedEvent, HouseholdKey, inout HouseholdState?) -> Void)? = nil,
                    cadreEvent: ((LoggedEvent, String) -> Void)? = nil, payloadKinds: Set<EventKind>? = nil) {
            self.beforeEvent = beforeEvent
            self.cadreEvent = cadreEvent
            self.payloadKinds = payloadKinds
        }
    }

    /// Folds the store as of a point.
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - asOf: The point in time.
    ///   - through: Also leaves out events effective after this day (with `asOf` a
    ///     position or a recorded time: what the ledger then knew of that day).
    ///   - progress: Called with positions done and the total.
    /// - Complexity: two passes over the records up to the point; the first decodes only
    ///   corrections.
    public static func build(_ store: any EventLog, asOf: AsOf = .now, through: EffectiveDate? = nil, observer: Observer = Observer(),
                             progress: ((UInt64, UInt64) throws -> Void)? = nil, from snapshot: CountyState? = nil) throws -> CountyState {
        // Without hooks, a whole fold of a file store is shared by two threads.
        let lanes = observer.beforeEvent == nil && observer.cadreEvent == nil && snapshot == nil ? 2 : 1
        return try build(store, asOf: asOf, through: through, observers: Array(repeating: observer, count: lanes), progress: progress,
                         from: snapshot)
    }

    /// Folds the store as of a point in one lane per observer (at most two): each lane
    /// reads the whole log on a thread of its own and folds the households whose id ends
    /// in a byte of its parity; the first lane also folds villages, policies and cadres.
    /// Each observer sees its lane's households only, numbered from 0 in its own slots;
    /// an observer of several lanes merges what they found after (``HouseholdFindings``).
    /// A fold from a snapshot, or of a log whose reading is not cheap (PostgreSQL:
    /// every lane would fetch every row), runs in one lane with the first observer.
    ///
    /// - Complexity: as ``build(_:asOf:observer:progress:from:)``, the second pass shared.
    static func build(_ store: any EventLog, asOf: AsOf, through: EffectiveDate? = nil, observers: [Observer],
                      progress: ((UInt64, UInt64) throws -> Void)?, from snapshot: CountyState?) throws -> CountyState {
        let end = store.endPosition
        guard end > 0 else { return CountyState() }
        // A snapshot serves only "now": fold the records after it.
        let resume = asOf == .now && through == nil ? snapshot : nil
        let first = resume?.position.map { $0 + 1 } ?? 0
        if let resume, first >= end { return resume }
        var limit = end - 1
        if case .position(let p) = asOf { limit = min(limit, p) }
        var recordedLimit: RecordedTime?
        if case .recorded(let t) = asOf { recordedLimit = t }
        var effectiveLimit: EffectiveDate?
        if case .effective(let d) = asOf { effectiveLimit = d }
        if let through { effectiveLimit = min(effectiveLimit ?? through, through) }

        // Pass 1: corrections, in recording order (a later one wins). Those after a
        // snapshot that name an event before it mark their stream for a refold.
        var fixes: [UInt64: Fix] = [:]
        var refold = Set<String>()
        try store.forEachRecord(ofType: EventKind.correction.name, from: first, through: limit) { r in
            // Recorded times grow with positions: no later correction is recorded earlier.
            if let t = recordedLimit, r.recorded > t { return false }
            let m = try Fp_Correction(serializedBytes: Array(r.payload))
            if m.target < first { refold.insert(r.stream) }
            switch m.action {
            case .retract: fixes[m.target] = .retract
            case .replace: fixes[m.target] = .replace(Array(m.data))
            default: break
            }
            return true
        }

        // Pass 2: the fold. Households live in slots found by their stream's hash, so
        // the hot loop builds no string and hashes no string; the dictionary keyed by
        // id is made once at the end.
        let laneCount = resume == nil && store is EventStore && observers.count > 1 && limit - first >= 50_000 ? 2 : 1
        let limits = Limits(last: limit, recorded: recordedLimit, effective: effectiveLimit)
        var lane = Lane(number: 0, of: laneCount, observer: observers[0], state: resume ?? CountyState())
        if resume != nil {
            for (id, h) in lane.state.households { lane.slots.insert(id: id, state: h) }
            lane.state.households = [:]
        }
        // When the first lane stops early (its progress threw: the user interrupted), the
        // second stops too, at its next progress point, rather than folding to the end.
        let abandoned = AbandonFlag()
        let second = laneCount < 2 ? nil : OnAnotherThread { [fixes] in
            var other = Lane(number: 1, of: 2, observer: observers[1], state: CountyState())
            try store.forEachRecord(from: first, through: limit) { r in
                try other.fold(r, fixes: fixes, limits: limits) { _, _ in if abandoned.raised.load(ordering: .relaxed) { throw AbandonFlag.Abandoned() } }
            }
            return other
        }
        let folded = Result { try store.forEachRecord(from: first, through: limit) { r in try lane.fold(r, fixes: fixes, limits: limits, progress: progress) } }
        if case .failure = folded { abandoned.raised.store(true, ordering: .relaxed) }
        let joined = Result { try second?.value() }  // joined before either error is thrown
        try folded.get()
        let other = try joined.get()
        var state = lane.state
        state.households.reserveCapacity(lane.slots.ids.count + (other?.slots.ids.count ?? 0))
        for l in [lane] + (other.map { [$0] } ?? []) {
            for (k, id) in l.slots.ids.enumerated() { if let h = l.slots.states[k] { state.households[id] = h } }
        }
        state.eventsFolded += other?.state.eventsFolded ?? 0
        // Streams whose earlier events a later correction changed: fold them again, whole.
        for stream in refold {
            guard let (category, id) = StreamCategory.split(stream) else { continue }
            switch category {
            case .household:
                state.households[id] = try HouseholdHistory.state(id: id, events: try store.readStream(stream).map(LoggedEvent.init))
            case .village:
                state.villages[id] = nil
                for e in try Corrections.apply(try store.readStream(stream).map(LoggedEvent.init)) { try foldVillage(&state, id, e) }
            case .policy:
                return try build(store, asOf: asOf, through: through, observers: observers, progress: progress, from: nil)
            default: break
            }
        }
        try progress?(limit + 1, limit + 1)
        return state
    }

    /// What a fold stops at.
    struct Limits {
        var last: UInt64
        var recorded: RecordedTime?
        var effective: EffectiveDate?
    }

    /// One thread's share of the fold: its households' slots and, in the first lane,
    /// the villages, policies and cadres.
    struct Lane {
        let number: Int
        let lanes: Int
        let observer: Observer
        var state: CountyState
        var slots = HouseholdSlots()
        /// Whether the observer has had a slot's id.
        var introduced: [Bool] = []

        init(number: Int, of lanes: Int, observer: Observer, state: CountyState) {
            self.number = number
            self.lanes = lanes
            self.observer = observer
            self.state = state
        }

        /// Folds one record if it is this lane's; `false` ends the pass.
        mutating func fold(_ r: BorrowedRecord, fixes: [UInt64: Fix], limits: Limits, progress: ((UInt64, UInt64) throws -> Void)?) throws -> Bool {
            if let t = limits.recorded, r.recorded > t { return false }
            state.position = r.position
            // Every 4,096 records: where a bar moves on, and where Ctrl-C can stop the fold.
            if r.position & 0xFFF == 0 { try progress?(r.position, limits.last + 1) }
            let stream = r.streamBytes
            let category = StreamPrefix.of(stream)
            guard category != .other, category != .cadre || observer.cadreEvent != nil else { return true }  // funds, projects: their own projections
            // Households by the parity of their id's last byte; the rest in the first lane.
            if lanes > 1, category == .household ? Int(stream[stream.count - 1] & 1) != number : number != 0 { return true }
            let kind = EventKind(typeBytes: r.typeBytes)
            if kind == .correction { return true }
            if let d = limits.effective, r.effective > d { return true }
            var payload: [UInt8] = []
            switch fixes[r.position] {
            case .retract?: return true
            case .replace(let data)?: payload = data
            case nil:
                // The household fold ignores some kinds' payloads; an observer may not.
                if category != .household || kind.householdFoldReadsPayload
                    || (observer.beforeEvent != nil && observer.payloadKinds.map { $0.contains(kind) } ?? true) {
                    payload = Array(r.payload)
                }
            }
            let event = LoggedEvent(position: r.position, version: r.version, kind: kind, effective: r.effective,
                                    recorded: r.recorded, payload: payload)
            switch category {
            case .household:
                let slot = slots.slot(for: UnsafeRawBufferPointer(rebasing: stream[StreamPrefix.household.count...]))
                if let hook = observer.beforeEvent {
                    if introduced.count <= slot { introduced += repeatElement(false, count: slot + 1 - introduced.count) }
                    let id = introduced[slot] ? "" : slots.ids[slot]
                    introduced[slot] = true
                    hook(event, HouseholdKey(slot: slot, id: id), &slots.states[slot])
                }
                try HouseholdFold.apply(&slots.states[slot], event, id: slots.ids[slot])
            case .village:
                try foldVillage(&state, String(decoding: UnsafeRawBufferPointer(rebasing: stream[StreamPrefix.village.count...]), as: UTF8.self), event)
            case .cadre:
                observer.cadreEvent?(event, String(decoding: UnsafeRawBufferPointer(rebasing: stream[StreamPrefix.cadre.count...]), as: UTF8.self))
                return true
            case .policy:
                if kind == .policySet {
                    let m = try event.decode(Fp_PolicySet.self)
                    state.policy.apply(m)
                    state.policyEvents.append((event.effective, m))
                }
            case .other: break
            }
            state.eventsFolded += 1
            return true
        }
    }

    static func foldVillage(_ state: inout CountyState, _ code: String, _ event: LoggedEvent) throws {
        switch event.kind {
        case .villageRegistered:
            let m = try event.decode(Fp_VillageRegistered.self)
            var v = state.villages[code] ?? VillageState(code: code, name: "", town: "", county: "", households: 0, population: 0,
                                                         designatedPoor: false, exitYear: nil)
            v.name = m.name
            v.town = m.town
            v.county = m.county
            v.households = Int(m.households)
            v.population = Int(m.population)
            state.villages[code] = v
        case .populationReported:
            let m = try event.decode(Fp_PopulationReported.self)
            state.villages[code]?.households = Int(m.households)
            state.villages[code]?.population = Int(m.population)
        case .villageDesignatedPoor:
            state.villages[code]?.designatedPoor = true
        case .villageExited:
            state.villages[code]?.exitYear = Int(try event.decode(Fp_VillageExited.self).year)
        default: break
        }
    }
}

/// Raised by a lane that stopped early, so the lane beside it stops too.
final class AbandonFlag: Sendable {
    struct Abandoned: Error {}
    let raised = Atomic<Bool>(false)
}
