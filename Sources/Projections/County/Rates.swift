import EventStore

/// 错评率, 漏评率, 错退率, 综合贫困发生率 and 群众认可度 over a period (`docs/metrics.md`).
public struct RatesReport: Sendable, Equatable {
    public var from: EffectiveDate
    public var to: EffectiveDate
    /// 错评率: people in households removed as misidentified in the period / people
    /// registered (identified, not removed) at the period's start.
    public var wrongInclusion: Ratio
    /// 漏评率: people added with omission_correction in the period / rural people not
    /// registered at the period's start.
    public var omission: Ratio
    /// 错退率: people in households marked 返贫 with wrongful_exit in the period / people
    /// in exited households at the period's start.
    public var wrongExit: Ratio
    /// 综合贫困发生率: (贫困人口 at the period's start + 漏评 people + 错退 people) / rural
    /// population at the period's start.
    public var compositePoverty: Ratio
    /// 群众认可度: households whose survey (``Fp_SurveyRecorded``) in the period says 认可 /
    /// households surveyed in the period; a household surveyed more than once counts
    /// once, by its latest survey in the period. Households, not people.
    public var approval: Ratio
}

public enum Rates {
    /// Computes the rates of a period, both ends included. People are counted on the
    /// day: a household's members when the event is folded in (numerators), or at the
    /// start (denominators: the state as of the day before `from`).
    ///
    /// - Complexity: four passes over the log: two builds (start and end of the
    ///   period) of two passes each (corrections, then events).
    ///
    /// `asOf`: what the ledger knew at a point (a position or a recorded time: only the
    /// records it then held count; an effective date: the period must end by it).
    public static func compute(_ store: any EventLog, from: EffectiveDate, to: EffectiveDate, asOf: AsOf = .now) throws -> RatesReport {
        let dayBefore = from.previousDay
        let start = try CountyBuilder.build(store, asOf: asOf, through: dayBefore)
        var registered = 0, exitedPeople = 0, poorPeople = 0
        for h in start.households.values where h.status != .removed {
            registered += h.people
            if h.status.hasExited { exitedPeople += h.people }
            if h.status.isPoor { poorPeople += h.people }
        }
        let rural = start.villages.values.reduce(0) { $0 + $1.population }

        var removed = 0, omitted = 0, wrongExits = 0
        var surveyed: [Int: (HouseholdFindings.Mark, approves: Bool)] = [:]  // by household slot: the latest survey
        let observer = CountyBuilder.Observer { event, key, before in
            guard event.effective >= from else { return }
            switch event.kind {
            case .surveyRecorded:
                guard let m = try? event.decode(Fp_SurveyRecorded.self) else { return }
                let mark = HouseholdFindings.Mark(position: event.position, effective: event.effective)
                if surveyed[key.slot].map({ $0.0 < mark }) ?? true { surveyed[key.slot] = (mark, m.approves) }
            case .removedAsMisidentified:
                if let h = before, h.status != .removed { removed += h.people }
            case .householdIdentified:
                if before == nil || before?.status == .removed,
                   let m = try? event.decode(Fp_HouseholdIdentified.self), m.omissionCorrection {
                    omitted += m.members.count
                }
            case .returnedToPoverty:
                if let h = before, h.status.hasExited, let m = try? event.decode(Fp_ReturnedToPoverty.self), m.wrongfulExit {
                    wrongExits += h.people
                }
            default: break
            }
        }
        _ = try CountyBuilder.build(store, asOf: asOf, through: to, observer: observer)
        let approving = surveyed.values.filter(\.approves).count
        return RatesReport(
            from: from, to: to,
            wrongInclusion: Ratio(numerator: removed, denominator: registered),
            omission: Ratio(numerator: omitted, denominator: max(0, rural - registered)),
            wrongExit: Ratio(numerator: wrongExits, denominator: exitedPeople),
            compositePoverty: Ratio(numerator: poorPeople + omitted + wrongExits, denominator: rural),
            approval: Ratio(numerator: approving, denominator: surveyed.count))
    }
}
