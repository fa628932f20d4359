import EventStore

/// 两笔账, the two ledgers of seed 003 (`docs/sources.md`): the money put in (by source,
/// channel and purpose) and how much of it reached villages and households; and what exits cost:
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
        public var lowest: Fen?
        public var mean: Fen?
        public var highest: Fen?

        /// No figures: nothing to spread over.
        init() {}

        init(_ values: [Fen]) throws {
            count = values.count
            guard !values.isEmpty else { return }
            lowest = values.min()
            highest = values.max()
            // total / n rounded half up, without doubling the total (the amounts are never negative).
            let total = try Fen.sum(values).value, n = Int64(values.count)
            let (quotient, remainder) = total.quotientAndRemainder(dividingBy: n)
            mean = Fen(quotient + (2 * remainder >= n ? 1 : 0))
        }
    }

    /// One group's two ledgers.
    public struct Row: Sendable, Equatable {
        /// The group: an area code, a source or purpose label, a unit, a year.
        public var group: String
        /// Money allocated into the funds (`nil` for areas below the county: money comes
        /// in at the county or a department).
        public var moneyIn: Fen?
        /// Paid to projects (到村) and to households (到户).
        public var toVillages: Fen = .zero
        public var toHouseholds: Fen = .zero
        /// Still held by the units, and returned by them: of the group's funds, or by the
        /// area's units (a town's and its villages'; for the county, every unit of its
        /// funds). With what was paid, they add up to what came in, unless a unit
        /// overdrew (`funds-overdrawn`).
        public var held: Fen?
        public var returned: Fen?
        /// Exited households (已脱贫, either kind, at the point) and what reached each
        /// before its exit.
        public var exitedHouseholds = Spread()
        /// Exited villages (出列) and what reached each by the end of its exit year.
        public var exitedVillages = Spread()
    }

    /// One payment's money reaching a household or a village, with what groups it.
    struct Delivery {
        var amount: Fen
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
    public static func rows(_ reading: FundLedger.Reading, county: CountyState, by grouping: Grouping) throws -> [Row] {
        let flows = try Flows(reading, county: county)
        var ledgers = Ledgers(grouping: grouping)
        // The first ledger: in, to villages, to households, held.
        try ledgers.addMoneyIn(flows.allocations)
        try ledgers.addMoneyPaid(flows.deliveries)
        try ledgers.addMoneyHeld(flows.held)
        // The second ledger: what reached each exited household before its exit, and
        // each exited village by the end of its exit year, per group.
        try ledgers.addExits(flows.deliveries, county: county)
        return ledgers.rows.keys.sorted().compactMap { ledgers.rows[$0] }
    }

    /// Money allocated into a fund, with what groups it.
    private struct MoneyIn {
        var amount: Fen
        var effective: EffectiveDate
        var county: String
        var source: String
        var channel: String
        var purpose: String
    }

    /// Money a unit still holds of a fund and has returned, with what groups it.
    private struct MoneyHeld {
        var held: Fen
        var returned: Fen
        var unit: String
        var county: String
        var source: String
        var channel: String
        var purpose: String
    }

    /// Every fund's money as it came in, is held by units and reached villages and
    /// households, each with what groups it.
    private struct Flows {
        var deliveries: [Delivery] = []
        var allocations: [MoneyIn] = []
        var held: [MoneyHeld] = []

        init(_ reading: FundLedger.Reading, county: CountyState) throws {
            for t in reading.trails {
                let channel = t.allocations.first?.to ?? ""
                let fundCounty = TwoLedgers.fundCounty(t, channel: channel, reading, county: county)
                for a in t.allocations {
                    allocations.append(MoneyIn(amount: a.amount, effective: a.effective, county: fundCounty, source: t.source,
                                               channel: channel, purpose: a.purpose))
                }
                for u in t.units where try u.held > .zero || u.returned > .zero {
                    held.append(MoneyHeld(held: try u.held, returned: u.returned, unit: u.unit,
                                          county: countyOf(unit: u.unit) ?? fundCounty, source: t.source, channel: channel,
                                          purpose: t.purpose))
                }
                for p in t.payments {
                    addDeliveries(of: p, source: t.source, channel: channel, reading, county: county)
                }
            }
        }

        /// A payment's deliveries: to its household, or to its project's village and
        /// then each beneficiary's share of it.
        private mutating func addDeliveries(of p: FundTrail.FundPayment, source: String, channel: String,
                                            _ reading: FundLedger.Reading, county: CountyState) {
            if let id = p.household {
                deliveries.append(Delivery(amount: p.amount, effective: p.effective, village: county.households[id]?.village ?? "",
                                           household: id, toProject: false, source: source, channel: channel, purpose: p.purpose))
            } else if let project = reading.projects[p.project ?? ""] {
                // The village's whole amount, then each beneficiary's share of it.
                deliveries.append(Delivery(amount: p.amount, effective: p.effective, village: project.village, household: nil,
                                           toProject: true, source: source, channel: channel, purpose: p.purpose))
                let n = Int64(project.beneficiaries.count), whole = p.amount.value
                for (k, h) in project.beneficiaries.enumerated() {
                    let share = Fen(whole / n + (Int64(k) < whole % n ? 1 : 0))
                    deliveries.append(Delivery(amount: share, effective: p.effective, village: project.village, household: h,
                                               toProject: true, source: source, channel: channel, purpose: p.purpose))
                }
            }
        }
    }

    /// The county a fund's money came in at: its channel's, else that of the first
    /// household or project it paid.
    private static func fundCounty(_ t: FundTrail, channel: String, _ reading: FundLedger.Reading, county: CountyState) -> String {
        countyOf(unit: channel) ?? t.payments.lazy.compactMap { p -> String? in
            if let h = p.household { return county.households[h].map { String($0.village.prefix(6)) } }
            // A payment without a recipient (`to` "") is looked up as project "", as before.
            return reading.projects[p.project ?? ""].map { String($0.village.prefix(6)) }
        }.first ?? ""
    }

    /// The rows being summed, by group.
    private struct Ledgers {
        let grouping: Grouping
        var rows: [String: Row] = [:]

        init(grouping: Grouping) { self.grouping = grouping }

        /// A group's row so far, or a new one.
        func row(_ g: String) -> Row { rows[g] ?? Row(group: g) }

        /// Money in, to the group of its county, source, channel, purpose or year (an
        /// area below the county has none).
        mutating func addMoneyIn(_ allocations: [MoneyIn]) throws {
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
                r.moneyIn = try (r.moneyIn ?? .zero) + a.amount
                rows[g] = r
            }
        }

        /// Money paid to villages (到村, a project's whole amount) and to households (到户).
        mutating func addMoneyPaid(_ deliveries: [Delivery]) throws {
            for d in deliveries where d.household == nil || !d.toProject {
                let g = d.key(by: grouping)
                var r = row(g)
                if d.toProject { try r.toVillages += d.amount } else { try r.toHouseholds += d.amount }
                rows[g] = r
            }
        }

        /// Money still held and returned by the units, to the group of the fund or of the
        /// unit's area (none by year); then, but by year, every row without any holds 0.
        mutating func addMoneyHeld(_ held: [MoneyHeld]) throws {
            for h in held {
                let g: String?
                switch grouping {
                case .county: g = h.county
                case .town: g = FundUnit(h.unit)?.town  // the town's own unit and its villages'
                case .village: g = FundUnit(h.unit)?.village
                case .source: g = h.source
                case .channel: g = h.channel
                case .purpose: g = h.purpose
                case .year: g = nil
                }
                guard let g else { continue }
                var r = row(g)
                r.held = try (r.held ?? .zero) + h.held
                r.returned = try (r.returned ?? .zero) + h.returned
                rows[g] = r
            }
            if grouping != .year {
                for g in Array(rows.keys) where rows[g]?.held == nil {
                    rows[g]?.held = .zero
                    rows[g]?.returned = .zero
                }
            }
        }

        /// The spreads of what reached each exited household and village, per group.
        mutating func addExits(_ deliveries: [Delivery], county: CountyState) throws {
            var exits = ExitSums()
            let exitedVillages = county.villages.filter { $0.value.exitYear != nil }
            try exits.add(deliveries, county: county, exitedVillages: exitedVillages, by: grouping)
            // Area and year groups count every exited household and village in them, paid
            // or not; money groups count those their money reached.
            switch grouping {
            case .county, .town, .village, .year:
                exits.addUnpaid(county: county, exitedVillages: exitedVillages, by: grouping)
            default: break
            }
            for (g, m) in exits.perHousehold {
                var r = row(g)
                r.exitedHouseholds = try Spread(Array(m.values))
                rows[g] = r
            }
            for (g, m) in exits.perVillage {
                var r = row(g)
                r.exitedVillages = try Spread(Array(m.values))
                rows[g] = r
            }
        }
    }

    /// What reached each exited household and village, per group.
    private struct ExitSums {
        var perHousehold: [String: [String: Fen]] = [:]   // group -> household -> amount
        var perVillage: [String: [String: Fen]] = [:]     // group -> village -> amount

        /// Each delivery to an exited household before its exit, and to an exited
        /// village by the end of its exit year (grouped by exit year for `.year`).
        mutating func add(_ deliveries: [Delivery], county: CountyState, exitedVillages: [String: VillageState],
                          by grouping: Grouping) throws {
            for d in deliveries {
                if let h = d.household, let s = county.households[h], s.status.hasExited, let exited = s.exitedOn, d.effective <= exited {
                    let g = grouping == .year ? String(exited.year) : d.key(by: grouping)
                    try perHousehold[g, default: [:]][h, default: .zero] += d.amount
                }
                // A village counts each payment once: the project's, or the household's.
                if d.household == nil || !d.toProject, let v = exitedVillages[d.village], let year = v.exitYear,
                   let end = EffectiveDate(year: year, month: 12, day: 31), d.effective <= end {
                    let g = grouping == .year ? String(year) : d.key(by: grouping)
                    try perVillage[g, default: [:]][d.village, default: .zero] += d.amount
                }
            }
        }

        /// Every exited household and village in its area or exit year's group, paid or
        /// not (with 0 when unpaid).
        mutating func addUnpaid(county: CountyState, exitedVillages: [String: VillageState], by grouping: Grouping) {
            for (id, s) in county.households where s.status.hasExited {
                guard let exited = s.exitedOn else { continue }
                let g: String
                switch grouping {
                case .county: g = String(s.village.prefix(6))
                case .town: g = String(s.village.prefix(9))
                case .village: g = s.village
                default: g = String(exited.year)
                }
                if perHousehold[g]?[id] == nil { perHousehold[g, default: [:]][id] = .zero }
            }
            for (code, v) in exitedVillages {
                let g: String
                switch grouping {
                case .county: g = String(code.prefix(6))
                case .town: g = String(code.prefix(9))
                case .village: g = code
                default: g = String(v.exitYear ?? 0)
                }
                if perVillage[g]?[code] == nil { perVillage[g, default: [:]][code] = .zero }
            }
        }
    }

    /// The county code of a unit (`county-530124`, `town-530124101`, `village-...`), or
    /// `nil` for an organisation.
    static func countyOf(unit: String) -> String? { FundUnit(unit)?.county }
}

extension TwoLedgers.Delivery {
    /// The delivery's group for a grouping: its village's area, its fund's source,
    /// channel or purpose, or its year.
    func key(by grouping: TwoLedgers.Grouping) -> String {
        switch grouping {
        case .county: return String(village.prefix(6))
        case .town: return String(village.prefix(9))
        case .village: return village
        case .source: return source
        case .channel: return channel
        case .purpose: return purpose
        case .year: return String(effective.year)
        }
    }
}
