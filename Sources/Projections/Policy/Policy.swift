import EventStore

/// The thresholds an inspection applies (`docs/policy.md`), effective-dated: a
/// value set by a PolicySet event applies from its effective date on.
public struct Policy: Sendable, Equatable {
    /// A poverty line and whether the figure is confirmed by the source texts.
    public struct Line: Sendable, Equatable {
        public var fen: Int64
        public var confirmed: Bool
    }

    /// Poverty lines per year (yuan per person per year, current prices).
    public var povertyLines: [Int: Line]
    /// Monitoring lines per year (防返贫监测).
    public var monitoringLines: [Int: Int64]
    /// Every other key of `docs/policy.md`, by name.
    public var values: [String: Int64]

    /// The default policy shipped with the library. Lines for 2015, 2016 and 2020 are
    /// rated confirmed; 2013, 2014, 2017, 2018 and 2019 are widely cited but unconfirmed
    /// (no source document states a line: `docs/policy.md`). The source documents differ
    /// on households per helper (seed 000: 3, seed 001: 5; `docs/sources.md`); the
    /// default takes 5 and a store can set its own.
    public static let `default` = Policy(
        povertyLines: [
            2013: Line(fen: 273_600, confirmed: false), 2014: Line(fen: 280_000, confirmed: false),
            2015: Line(fen: 285_500, confirmed: true), 2016: Line(fen: 295_200, confirmed: true),
            2017: Line(fen: 333_500, confirmed: false), 2018: Line(fen: 353_500, confirmed: false),
            2019: Line(fen: 374_700, confirmed: false), 2020: Line(fen: 400_000, confirmed: true),
        ],
        monitoringLines: [2021: 600_000],
        values: [
            "max_households_per_helper": 5, "visit_interval_days": 90, "publicity_days": 10,
            "funds_idle_warning_days": 30, "funds_idle_clawback_days": 180, "relocation_debt_limit_fen": 1_000_000,
            "loan_limit_fen": 5_000_000, "loan_term_limit_months": 36, "transfer_income_share_percent": 50,
            "risk_elimination_min_months": 6, "poverty_rate_exit_percent": 2,
        ])

    /// The poverty line of a year, or `nil` when none is known.
    public func povertyLine(_ year: Int) -> Line? { povertyLines[year] }

    /// Applies a PolicySet.
    mutating func apply(_ m: Fp_PolicySet) {
        switch m.key {
        case "poverty_line_fen": povertyLines[Int(m.year)] = Line(fen: m.value, confirmed: true)
        case "monitoring_line_fen": monitoringLines[Int(m.year)] = m.value
        default: values[m.key] = m.value
        }
    }
}
