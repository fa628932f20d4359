/// The level an area statistic is grouped by.
public enum AreaLevel: String, Sendable, CaseIterable {
    case county, town, village

    /// The area code of a village code at this level (6, 9 or 12 digits).
    func code(ofVillage v: String) -> String {
        switch self {
        case .county: return String(v.prefix(6))
        case .town: return String(v.prefix(9))
        case .village: return v
        }
    }
}

/// A numerator over a denominator; the rate is `nil` when the denominator is 0.
public struct Ratio: Sendable, Equatable {
    public var numerator: Int
    public var denominator: Int
    public var rate: Double? { denominator == 0 ? nil : Double(numerator) / Double(denominator) }
}

/// The figures of one area (`stats`, `docs/metrics.md`).
public struct AreaStatistics: Sendable, Equatable {
    public var code: String
    public var name: String
    /// Registered households (identified, not removed) and their people.
    public var households: Int
    public var people: Int
    /// 贫困人口: people in households whose status is 未脱贫 or 返贫.
    public var poorHouseholds: Int
    public var poorPeople: Int
    /// Rural population: the villages' latest PopulationReported, else their registration.
    public var ruralPopulation: Int
    /// 贫困发生率 = poorPeople / ruralPopulation.
    public var incidence: Ratio { Ratio(numerator: poorPeople, denominator: ruralPopulation) }
    /// Main causes of the poor households: label, households, in label order.
    public var causes: [(label: String, households: Int)]
    /// Exits approved, by 脱贫年度, in year order: every exit of the ledger as of the
    /// point counts in its year, so a household that returned and exited again counts
    /// in both years, and one removed later still counts in the year it exited (a
    /// year's figure does not change when a later year's events are added).
    public var exitsByYear: [(year: Int, households: Int)] = []

    public static func == (a: AreaStatistics, b: AreaStatistics) -> Bool {
        a.code == b.code && a.name == b.name && a.households == b.households && a.people == b.people
            && a.poorHouseholds == b.poorHouseholds && a.poorPeople == b.poorPeople && a.ruralPopulation == b.ruralPopulation
            && a.causes.map(\.label) == b.causes.map(\.label) && a.causes.map(\.households) == b.causes.map(\.households)
            && a.exitsByYear.map(\.year) == b.exitsByYear.map(\.year) && a.exitsByYear.map(\.households) == b.exitsByYear.map(\.households)
    }
}

public enum Statistics {
    /// The figures of every area at a level, ordered by area code.
    ///
    /// - Complexity: O(households + villages).
    public static func areas(_ state: CountyState, by level: AreaLevel) -> [AreaStatistics] {
        var out: [String: AreaStatistics] = [:]
        func entry(_ code: String, _ name: String) -> AreaStatistics {
            out[code] ?? AreaStatistics(code: code, name: name, households: 0, people: 0, poorHouseholds: 0, poorPeople: 0,
                                        ruralPopulation: 0, causes: [])
        }
        var causeCounts: [String: [Int: Int]] = [:]
        var exitCounts: [String: [Int: Int]] = [:]
        // An area's name: the one most of its villages give, the least in text order
        // among as many (villages registered by different offices may disagree; the
        // answer must not depend on the order a dictionary keeps them in).
        var names: [String: [String: Int]] = [:]
        for v in state.villages.values {
            let code = level.code(ofVillage: v.code)
            let name: String
            switch level {
            case .county: name = v.county
            case .town: name = v.town
            case .village: name = v.name
            }
            var a = entry(code, "")
            if !name.isEmpty { names[code, default: [:]][name, default: 0] += 1 }
            a.ruralPopulation += v.population
            out[code] = a
        }
        for h in state.households.values {
            let code = level.code(ofVillage: h.village)
            for y in h.exitYears { exitCounts[code, default: [:]][y, default: 0] += 1 }
            guard h.status != .removed else { continue }
            var a = entry(code, "")
            a.households += 1
            a.people += h.people
            if h.status.isPoor {
                a.poorHouseholds += 1
                a.poorPeople += h.people
                causeCounts[code, default: [:]][h.mainCause, default: 0] += 1
            }
            out[code] = a
        }
        for (code, votes) in names {
            out[code]?.name = votes.min { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }?.key ?? ""
        }
        for (code, counts) in causeCounts {
            out[code]?.causes = Labels.cause.entries.compactMap { e in counts[e.number].map { (e.label, $0) } }
        }
        for (code, counts) in exitCounts {
            out[code]?.exitsByYear = counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        return out.values.sorted { $0.code < $1.code }
    }
}
