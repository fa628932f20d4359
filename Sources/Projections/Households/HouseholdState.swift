import EventStore

/// One member of a household as the projection keeps it.
public struct Member: Sendable, Equatable {
    /// The person's id within the ledger (`p-0001`): stable across households.
    public var personID: String
    /// Personal data: shown masked to analysts.
    public var name: String
    /// 公民身份号码, 18 characters. Personal data: shown masked to analysts.
    public var idNumber: String
    /// 与户主关系: 户主, 配偶, 之子, ...
    public var relation: String
    /// 健康状况, as its number in ``Labels/health``; 0 when not given.
    public var health: Int
    /// 劳动技能, as its number in ``Labels/labor``; 0 when not given.
    public var labor: Int
}

/// The latest income assessment, with the derived per-capita net income.
public struct IncomeSummary: Sendable, Equatable {
    /// The year assessed.
    public var year: Int
    /// Wage + business - business expense + property + every transfer part.
    public var net: Fen
    /// ``net`` divided by the members on the assessment's date, rounded half away from zero.
    public var perCapita: Fen
    /// The transfer parts' sum (转移性收入).
    public var transfer: Fen
    /// Members of the household on the assessment's date.
    public var members: Int
    /// The assessment's place in the log and its effective date.
    public var position: UInt64
    public var effective: EffectiveDate
}

/// The latest 两不愁三保障 assessment.
public struct GuaranteesSummary: Sendable, Equatable {
    /// Whether it passed: food, clothing and schooling assured, every member insured,
    /// housing of grade A or B, safe water (``HouseholdRules``).
    public var passed: Bool
    /// The assessment's effective date and place in the log.
    public var effective: EffectiveDate
    public var position: UInt64
}

/// The current state of one household: what `household ID` shows.
public struct HouseholdState: Sendable, Equatable {
    /// 户编号: the 12-digit village code and a 4-digit number (`5301241012010001`); its
    /// stream is `household-` and this.
    public var id: String
    /// The 12-digit code of its administrative village (行政村).
    public var village: String
    /// Where it stands in the status machine: 未脱贫, 已脱贫, 返贫, 已剔除, ...
    public var status: HouseholdStatus
    /// 贫困户属性, as its number in ``Labels/attribute`` (一般贫困户, 低保贫困户, 特困供养贫困户).
    public var attribute: Int
    /// 识别标准, as its number in ``Labels/standard`` (国家标准, 省定标准, 市定标准).
    public var standard: Int
    /// 主要致贫原因, as its number in ``Labels/cause``.
    public var mainCause: Int
    /// 其他致贫原因, numbers in ``Labels/cause``.
    public var otherCauses: [Int]
    /// The members now: those of the identification, joined by birth, marriage or moving
    /// in (MemberChanged), gone by death, marriage, a split or moving out.
    public var members: [Member]
    /// 识别年度, as the identification says.
    public var identifiedYear: Int
    /// The identification's effective date (the county's approval).
    public var identifiedOn: EffectiveDate
    /// Identified later as a household the first identification missed (漏评).
    public var omissionCorrection: Bool
    /// 脱贫年度 and the exit's effective date, of the latest exit; `nil` before any.
    public var exitYear: Int?
    public var exitedOn: EffectiveDate?
    /// 脱贫年度 of the exits before the latest, oldest first: a household that returned
    /// to poverty and exited again has one for each earlier exit (`stats` counts every
    /// approved exit in its year, `docs/metrics.md`).
    public var earlierExitYears: [Int] = []

    /// 脱贫年度 of every exit approved, oldest first.
    public var exitYears: [Int] { earlierExitYears + (exitYear.map { [$0] } ?? []) }
    /// The latest income assessment, `nil` before any.
    public var income: IncomeSummary?
    /// The latest 两不愁三保障 assessment, `nil` before any.
    public var guarantees: GuaranteesSummary?
    /// The cadres helping it now (帮扶责任人), by cadre id, in the order assigned.
    public var helpers: [String]
    /// Measure categories applied, with the cause each addresses (0: none given).
    public var measures: [MeasureSummary]
    /// Whether it is in 防返贫监测 now, and since when (`nil` when not).
    public var monitored: Bool
    public var monitoredSince: EffectiveDate?
    /// 易地扶贫搬迁: the self-raised debt of its relocation, `nil` when it was not relocated.
    public var relocationDebt: Fen?
    /// Version and position of the last event folded in.
    public var version: UInt64
    public var position: UInt64

    /// People in the household.
    public var people: Int { members.count }

    /// The main cause's label.
    public var mainCauseLabel: String { Labels.cause.label(for: mainCause) ?? "" }
}

/// One 帮扶措施 applied to a household.
public struct MeasureSummary: Sendable, Equatable {
    /// 措施类别, as its number in ``Labels/measure`` (产业帮扶, 就业帮扶, 教育帮扶, ...).
    public var category: Int
    /// The 致贫原因 it addresses, as its number in ``Labels/cause``; 0 when none was given.
    public var addresses: Int
}
