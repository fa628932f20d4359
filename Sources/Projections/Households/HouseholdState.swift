import EventStore

/// One member of a household as the projection keeps it.
public struct Member: Sendable, Equatable {
    public var personID: String
    public var name: String
    public var idNumber: String
    public var relation: String
    public var health: Int      // Labels.health number, 0 when not given
    public var labor: Int       // Labels.labor number, 0 when not given
}

/// The latest income assessment, with the derived per-capita net income.
public struct IncomeSummary: Sendable, Equatable {
    public var year: Int
    /// Wage + business - business expense + property + every transfer part.
    public var netFen: Int64
    /// ``netFen`` divided by the members on the assessment's date, rounded half away from zero.
    public var perCapitaFen: Int64
    /// The transfer parts' sum.
    public var transferFen: Int64
    public var members: Int
    public var position: UInt64
    public var effective: EffectiveDate
}

/// The latest 两不愁三保障 assessment.
public struct GuaranteesSummary: Sendable, Equatable {
    public var passed: Bool
    public var effective: EffectiveDate
    public var position: UInt64
}

/// The current state of one household: what `household ID` shows.
public struct HouseholdState: Sendable, Equatable {
    public var id: String
    public var village: String
    public var status: HouseholdStatus
    public var attribute: Int
    public var standard: Int
    public var mainCause: Int
    public var otherCauses: [Int]
    public var members: [Member]
    public var identifiedYear: Int
    public var identifiedOn: EffectiveDate
    public var omissionCorrection: Bool
    public var exitYear: Int?
    public var exitedOn: EffectiveDate?
    public var income: IncomeSummary?
    public var guarantees: GuaranteesSummary?
    public var helpers: [String]
    /// Measure categories applied, with the cause each addresses (0: none given).
    public var measures: [MeasureSummary]
    public var monitored: Bool
    public var monitoredSince: EffectiveDate?
    public var relocationDebtFen: Int64?
    /// Version and position of the last event folded in.
    public var version: UInt64
    public var position: UInt64

    /// People in the household.
    public var people: Int { members.count }

    /// The main cause's label.
    public var mainCauseLabel: String { Labels.cause.label(for: mainCause) ?? "" }
}

public struct MeasureSummary: Sendable, Equatable {
    public var category: Int
    public var addresses: Int
}
