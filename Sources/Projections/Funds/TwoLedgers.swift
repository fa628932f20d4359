import EventStore

/// 两笔账, the two ledgers of seed 003: the money put in (by source, channel and
/// purpose) and how much of it reached villages and households; and what exits cost:
/// the investment per exited household, per exited village and per county, lowest,
/// mean and highest (`docs/funds.md`).
public enum TwoLedgers {
    /// How the rows are grouped.
    public enum Grouping: String, Sendable, CaseIterable {
        case county, town, village, source, channel, purpose, year
    }

    /// What an investment figure spreads over: how many, and the lowest, mean (rounded
    /// to the fen, halves up) and highest; `nil` figures when there are none.
    public struct Spread: Sendable, Equatable {
        public var count = 0
        public var minFen: Int64?
        public var meanFen: Int64?
        public var maxFen: Int64?

        init(_ values: [Int64]) {
            count = values.count
            guard !values.isEmpty else { return }
            minFen = values.min()
            maxFen = values.max()
            let total = values.reduce(0, +)
            meanFen = (2 * total + Int64(values.count)) / (2 * Int64(values.count))
        }
    }

    /// One group's two ledgers.
    public struct Row: Sendable, Equatable {
        /// The group: an area code, a source or purpose label, a unit, a year.
        public var group: String
        /// Money allocated into the funds (`nil` for areas below the county: money comes
        /// in at the county or a department).
        public var inFen: Int64?
        /// Paid to projects (到村) and to households (到户).
        public var toVillagesFen: Int64 = 0
        public var toHouseholdsFen: Int64 = 0
        /// Still held by the units, and returned by them: of the group's funds, or by the
        /// area's units (a town's and its villages'; for the county, every unit of its
        /// funds). With what was paid, they add up to what came in, unless a unit
        /// overdrew (`funds-overdrawn`).
        public var heldFen: Int64?
        public var returnedFen: Int64?
        /// Exited households (已脱贫, either kind, at the point) and what reached each
        /// before its exit.
        public var exitedHouseholds = Spread([])
        /// Exited villages (出列) and what reached each by the end of its exit year.
        public var exitedVillages = Spread([])
    }

    /// One payment's money reaching a household or a village, with what groups it.
    struct Delivery {
        var fen: Int64
        var effective: EffectiveDate
        var village: String
        /// The household it reached, or `nil` for a project's village share.
        var household: String?
        var toProject: Bool
        var source: String
        var channel: String
        var purpose: String
    }

    /// The ledgers as of the reading's point, one row per group, in group order.
    ///
    /// Project money counts to the village (到村), and for the per-household figures it
    /// is shared equally among the project's beneficiary households (the fen left over
    /// going to the first ones).
    public static func rows(_ reading: FundLedger.Reading, county: CountyState, by grouping: Grouping) -> [Row] {
        var deliveries: [Delivery] = []
        var allocations: [(fen: Int64, effective: EffectiveDate, county: String, source: String, channel: String, purpose: String)] = []
        var held: [(fen: Int64, returned: Int64, unit: String, county: String, source: String, channel: String, purpose: String)] = []
        for t in reading.trails {
            let channel = t.allocations.first?.to ?? ""
            let fundCounty = countyOf(unit: channel) ?? t.payments.lazy.compactMap { p -> String? in
                if let h = p.household { return county.households[h].map { String($0.village.prefix(6)) } }
                // A payment without a recipient (`to` "") is looked up as project "", as before.
                return reading.projects[p.project ?? ""].map { String($0.village.prefix(6)) }
            }.first ?? ""
            for a in t.allocations {
                allocations.append((a.amountFen, a.effective, fundCounty, t.source, channel, a.purpose))
            }
            for u in t.units where u.heldFen > 0 || u.returnedFen > 0 {
                held.append((u.heldFen, u.returnedFen, u.unit, countyOf(unit: u.unit) ?? fundCounty, t.source, channel, t.purpose))
            }
            for p in t.payments {
                if let id = p.household {
                    deliveries.append(Delivery(fen: p.amountFen, effective: p.effective, village: county.households[id]?.village ?? "",
                                               household: id, toProject: false, source: t.source, channel: channel, purpose: p.purpose))
                } else if let project = reading.projects[p.project ?? ""] {
                    // The village's whole amount, then each beneficiary's share of it.
                    deliveries.append(Delivery(fen: p.amountFen, effective: p.effective, village: project.village, household: nil,
                                               toProject: true, source: t.source, channel: channel, purpose: p.purpose))
                    let n = Int64(project.beneficiaries.count)
                    for (k, h) in project.beneficiaries.enumerated() {
                        let share = p.amountFen / n + (Int64(k) < p.amountFen % n ? 1 : 0)
                        deliveries.append(Delivery(fen: share, effective: p.effective, village: project.village, household: h,
                                                   toProject: true, source: t.source, channel: channel, purpose: p.purpose))
                    }
                }
            }
        }

        // The key of each thing for the grouping; `nil`: not in any group of it.
        func key(_ d: Delivery) -> String {
            switch grouping {
            case .county: return String(d.village.prefix(6))
            case .town: return String(d.village.prefix(9))
            case .village: return d.village
            case .source: return d.source
            case .channel: return d.channel
            case .purpose: return d.purpose
            case .year: return String(d.effective.year)
            }
        }
        var rows: [String: Row] = [:]
        func row(_ g: String) -> Row { rows[g] ?? Row(group: g) }
        // The first ledger: in, to villages, to households, held.
        for a in allocations {
            let g: String?
            switch grouping {
            case .county: g = a.county
            case .town, .village: g = nil
            case .source: g = a.source
            case .channel: g = a.channel
            case .purpose: g = a.purpose
            case .year: g = String(a.effective.year)
            }
            guard let g else { continue }
            var r = row(g)
            r.inFen = (r.inFen ?? 0) + a.fen
            rows[g] = r
        }
        for d in deliveries where d.household == nil || !d.toProject {
            let g = key(d)
            var r = row(g)
            if d.toProject { r.toVillagesFen += d.fen } else { r.toHouseholdsFen += d.fen }
            rows[g] = r
        }
        for h in held {
            let g: String?
            switch grouping {
            case .county: g = h.county
            case .town:
                // The town's own unit and its villages'.
                if h.unit.hasPrefix("town-") { g = String(h.unit.dropFirst(5)) }
                else if h.unit.hasPrefix("village-") { g = String(h.unit.dropFirst(8).prefix(9)) }
                else { g = nil }
            case .village: g = h.unit.hasPrefix("village-") ? String(h.unit.dropFirst(8)) : nil
            case .source: g = h.source
            case .channel: g = h.channel
            case .purpose: g = h.purpose
            case .year: g = nil
            }
            guard let g else { continue }
            var r = row(g)
            r.heldFen = (r.heldFen ?? 0) + h.fen
            r.returnedFen = (r.returnedFen ?? 0) + h.returned
            rows[g] = r
        }
        if grouping != .year {
            for g in Array(rows.keys) where rows[g]?.heldFen == nil {
                rows[g]?.heldFen = 0
                rows[g]?.returnedFen = 0
            }
        }

        // The second ledger: what reached each exited household before its exit, and
        // each exited village by the end of its exit year, per group.
        var perHousehold: [String: [String: Int64]] = [:]   // group -> household -> fen
        var perVillage: [String: [String: Int64]] = [:]     // group -> village -> fen
        let exitedVillages = county.villages.filter { $0.value.exitYear != nil }
        for d in deliveries {
            if let h = d.household, let s = county.households[h], s.status.hasExited, let exited = s.exitedOn, d.effective <= exited {
                let g = grouping == .year ? String(exited.year) : key(d)
                perHousehold[g, default: [:]][h, default: 0] += d.fen
            }
            // A village counts each payment once: the project's, or the household's.
            if d.household == nil || !d.toProject, let v = exitedVillages[d.village], let year = v.exitYear,
               let end = EffectiveDate(year: year, month: 12, day: 31), d.effective <= end {
                let g = grouping == .year ? String(year) : key(d)
                perVillage[g, default: [:]][d.village, default: 0] += d.fen
            }
        }
        // Area and year groups count every exited household and village in them, paid
        // or not; money groups count those their money reached.
        switch grouping {
        case .county, .town, .village, .year:
            for (id, s) in county.households where s.status.hasExited {
                guard let exited = s.exitedOn else { continue }
                let g: String
                switch grouping {
                case .county: g = String(s.village.prefix(6))
                case .town: g = String(s.village.prefix(9))
                case .village: g = s.village
                default: g = String(exited.year)
                }
                perHousehold[g, default: [:]][id, default: 0] += 0
            }
            for (code, v) in exitedVillages {
                let g: String
                switch grouping {
                case .county: g = String(code.prefix(6))
                case .town: g = String(code.prefix(9))
                case .village: g = code
                default: g = String(v.exitYear ?? 0)
                }
                perVillage[g, default: [:]][code, default: 0] += 0
            }
        default: break
        }
        for (g, m) in perHousehold {
            var r = row(g)
            r.exitedHouseholds = Spread(Array(m.values))
            rows[g] = r
        }
        for (g, m) in perVillage {
            var r = row(g)
            r.exitedVillages = Spread(Array(m.values))
            rows[g] = r
        }
        return rows.keys.sorted().compactMap { rows[$0] }
    }

    /// The county code of a unit (`county-530124`, `town-530124101`, `village-...`), or
    /// `nil` for an organisation.
    static func countyOf(unit: String) -> String? {
        for prefix in ["county-", "town-", "village-"] where unit.hasPrefix(prefix) {
            return String(unit.dropFirst(prefix.count).prefix(6))
        }
        return nil
    }
}
