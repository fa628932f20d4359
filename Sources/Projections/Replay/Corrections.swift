import EventStore

/// Applies a stream's corrections to its events: a retract removes the event it
/// names, a replace swaps in the new data (the event keeps its position, type and
/// effective date). The corrections themselves are not events of the domain and are
/// dropped; the audit trail keeps them.
public enum Corrections {
    /// The stream's events as corrected, in position order.
    ///
    /// - Complexity: O(n) in the events.
    public static func apply(_ events: [LoggedEvent]) throws -> [LoggedEvent] {
        var out = events.filter { $0.kind != .correction }
        var index: [UInt64: Int] = [:]
        for (k, e) in out.enumerated() { index[e.position] = k }
        var retracted = Set<UInt64>()
        for c in events where c.kind == .correction {
            let m = try c.decode(Fp_Correction.self)
            guard let k = index[m.target] else { continue }
            switch m.action {
            case .retract: retracted.insert(m.target)
            case .replace:
                retracted.remove(m.target)
                out[k].payload = Array(m.data)
            default: break
            }
        }
        return out.filter { !retracted.contains($0.position) }
    }

    /// A stream's events as seen from a point in time: those recorded by then (recorded
    /// as-of; everything for `now` and effective as-of), corrected, and for effective
    /// as-of only those in effect by that date. The corrections themselves are dropped.
    ///
    /// - Complexity: O(n) in the events.
    public static func visible(_ events: [LoggedEvent], asOf: AsOf) throws -> [LoggedEvent] {
        var corrected = try apply(events.filter { asOf.knows(position: $0.position, recorded: $0.recorded) })
        if case .effective(let d) = asOf { corrected = corrected.filter { $0.effective <= d } }
        return corrected
    }

    /// For each corrected position, the positions of the corrections that name it.
    public static func links(_ events: [LoggedEvent]) throws -> [UInt64: [UInt64]] {
        var out: [UInt64: [UInt64]] = [:]
        for c in events where c.kind == .correction {
            out[try c.decode(Fp_Correction.self).target, default: []].append(c.position)
        }
        return out
    }
}

/// One household's state from its stream's events, at any point in time.
public enum HouseholdHistory {
    /// Folds a household stream as of a point: recorded as-of uses only what was
    /// recorded by then (corrections recorded later do not count); effective as-of uses
    /// everything recorded, corrected, and keeps the events in effect by that date.
    ///
    /// - Complexity: O(n) in the stream's events.
    public static func state(id: String, events: [LoggedEvent], asOf: AsOf = .now) throws -> HouseholdState? {
        var s: HouseholdState?
        for e in try Corrections.visible(events, asOf: asOf) { try HouseholdFold.apply(&s, e, id: id) }
        return s
    }
}
