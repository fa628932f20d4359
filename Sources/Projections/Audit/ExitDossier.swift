import EventStore

/// The exit dossier of a household (`exit-check`): the standard on the exit date,
/// income against that year's line, the 两不愁三保障 check, the procedure steps, and a
/// verdict. The rules are those of the findings exit-income-below-line,
/// exit-guarantees-unmet and exit-procedure-incomplete (`docs/findings.md`).
public struct ExitDossier: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// The step's name (民主评议, 村级公示, ...).
        public var name: String
        /// Its date, or the notice's first and last day; `nil` when missing.
        public var date: String?
        /// Whether the verdict requires it.
        public var required: Bool
        /// Whether it is present and, for a notice, long enough.
        public var ok: Bool
    }

    public var household: String
    public var exitYear: Int
    public var exitedOn: EffectiveDate
    public var exitPosition: UInt64
    /// The poverty line of the exit year, and whether the figure is confirmed.
    public var line: Fen?
    public var lineConfirmed: Bool
    /// The latest income assessment of the exit year or the year before, before the exit.
    public var incomeYear: Int?
    public var income: Fen?
    /// Transfer income as a share of net income, in percent (for the transfer rule).
    public var transferSharePercent: Int64?
    public var guaranteesOK: Bool
    /// The passing assessment's date, or the latest failing one's, within 12 months.
    public var guaranteesDate: EffectiveDate?
    public var steps: [Step]
    public var publicityDays: Int

    public var incomeOK: Bool {
        guard let line, let income else { return false }
        return income >= line
    }
    public var procedureOK: Bool { steps.allSatisfy { !$0.required || $0.ok } }
    public var missingSteps: [String] { steps.filter { $0.required && !$0.ok }.map(\.name) }
    public var verdictOK: Bool { incomeOK && guaranteesOK && procedureOK }

    /// Builds the dossier of the household's latest exit as of a point.
    ///
    /// - Returns: `nil` when the household has no exit as of that point.
    public static func build(id: String, events: [LoggedEvent], asOf: AsOf, policy: Policy) throws -> ExitDossier? {
        let corrected = try Corrections.visible(events, asOf: asOf)
        guard let exitIndex = corrected.lastIndex(where: { $0.kind == .exitApproved }) else { return nil }
        // The household just before the exit, and every 两不愁三保障 assessment before it.
        var state: HouseholdState?
        var assessments: [Assessment] = []
        for e in corrected[..<exitIndex] {
            try HouseholdFold.apply(&state, e, id: id)
            if e.kind == .guaranteesAssessed {
                assessments.append(Assessment(effective: e.effective, passed: HouseholdRules.guaranteesPass(try e.decode(Fp_GuaranteesAssessed.self))))
            }
        }
        return try assess(id: id, before: state, exit: corrected[exitIndex], assessments: assessments, policy: policy)
    }

    /// One 两不愁三保障 assessment: its date and whether it passed.
    public struct Assessment: Sendable, Equatable {
        public var effective: EffectiveDate
        public var passed: Bool
    }

    /// The dossier of one exit: the household just before it, the exit event, and the
    /// assessments recorded before it (the findings projection calls this as it folds).
    public static func assess(id: String, before state: HouseholdState?, exit: LoggedEvent, assessments: [Assessment],
                              policy: Policy) throws -> ExitDossier {
        let m = try exit.decode(Fp_ExitApproved.self)
        let year = Int(m.exitYear)

        // Income: the latest assessment of the exit year or the year before.
        var incomeYear: Int?, income: Fen?, share: Int64?
        if let inc = state?.income, inc.year == year || inc.year == year - 1 {
            incomeYear = inc.year
            income = inc.perCapita
            if inc.net > .zero { share = inc.transfer.value * 100 / inc.net.value }
        }

        // Guarantees: a passing assessment in the 12 months before the exit (both days included).
        let yearBefore = exit.effective.adding(months: -12)
        var guaranteesOK = false
        var guaranteesDate: EffectiveDate?
        for a in assessments where a.effective >= yearBefore && a.effective <= exit.effective {
            if a.passed {
                guaranteesOK = true
                guaranteesDate = a.effective
            } else if !guaranteesOK {
                guaranteesDate = a.effective
            }
        }

        // Procedure.
        let days = Int(policy.values["publicity_days"] ?? 10)
        func date(_ raw: UInt32) -> EffectiveDate? { raw == 0 ? nil : EffectiveDate(rawValue: raw) }
        let p = m.procedure
        var steps: [Step] = []
        steps.append(Step(name: "民主评议", date: date(p.appraised)?.description, required: true, ok: p.appraised != 0))
        steps.append(Step(name: "入户核实", date: date(p.verified)?.description, required: false, ok: p.verified != 0))
        steps.append(Step(name: "户主签字认可", date: date(p.consent)?.description, required: false, ok: p.consent != 0))
        let from = date(p.villageNoticeFrom), to = date(p.villageNoticeTo)
        let noticeDays = from.flatMap { f in to.map { NoticePeriod.days(from: f, to: $0) } }
        steps.append(Step(name: "村级公示(不少于\(days)天)",
                          date: from.map { f in "\(f) 至 \(to?.description ?? "?")" + (noticeDays.map { "，\($0)天" } ?? "") },
                          required: true, ok: (noticeDays ?? 0) >= days))
        steps.append(Step(name: "公告退出", date: date(p.announced)?.description, required: true, ok: p.announced != 0))

        let povertyLine = policy.povertyLine(year)
        return ExitDossier(household: id, exitYear: year, exitedOn: exit.effective, exitPosition: exit.position,
                           line: povertyLine.map { Fen($0.fen) }, lineConfirmed: povertyLine?.confirmed ?? false, incomeYear: incomeYear,
                           income: income, transferSharePercent: share, guaranteesOK: guaranteesOK,
                           guaranteesDate: guaranteesDate, steps: steps, publicityDays: days)
    }
}

/// Notice periods are counted in calendar days with both ends included: a notice from
/// 2016-12-05 to 2016-12-14 lasts 10 days.
public enum NoticePeriod {
    public static func days(from: EffectiveDate, to: EffectiveDate) -> Int { from.daysThrough(to) }
}
