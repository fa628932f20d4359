import EventStore

/// A project (`project-<id>`) as of a point: what it was to build, where and for whom,
/// its publicity, completion and acceptance, the assets it left and their income, and
/// the fund money paid to it (`docs/funds.md`).
public struct ProjectState: Sendable, Equatable {
    /// The project id (the stream without `project-`).
    public var id: String
    public var village = ""
    public var name = ""
    public var kind = ""
    public var budget: Fen = .zero
    /// Household ids the project is registered to benefit.
    public var beneficiaries: [String] = []
    /// Its notices: first and last day, both included, and where it was posted.
    public var notices: [Notice] = []
    public var completed: EffectiveDate?
    public var accepted: EffectiveDate?
    public var assets: [Asset] = []
    /// Income its assets distributed, per distribution.
    public var distributions: [Distribution] = []
    /// Fund money paid to it (filled from the fund trails).
    public var received: Fen = .zero

    public struct Notice: Sendable, Equatable {
        public var from: EffectiveDate
        public var to: EffectiveDate
        public var channel: String
    }

    public struct Asset: Sendable, Equatable {
        public var asset: String
        /// 资产类别, as its label.
        public var assetClass: String
        public var value: Fen
        public var owner: String
        public var registered: EffectiveDate
    }

    public struct Distribution: Sendable, Equatable {
        public var asset: String
        public var amount: Fen
        public var recipients: [String]
        public var effective: EffectiveDate
    }

    /// Income distributed, in all.
    public var distributed: Fen { get throws { try Fen.sum(distributions.map(\.amount)) } }

    /// Folds one project stream's events (corrections applied as of `asOf`).
    public static func build(id: String, events: [LoggedEvent], asOf: AsOf) throws -> ProjectState {
        var p = ProjectState(id: id)
        for e in try Corrections.visible(events, asOf: asOf) {
            switch e.kind {
            case .projectRegistered:
                let m = try e.decode(Fp_ProjectRegistered.self)
                p.village = m.village
                p.name = m.name
                p.kind = m.kind
                p.budget = Fen(m.budgetFen)
                p.beneficiaries = m.beneficiaries
            case .projectPublicized:
                let m = try e.decode(Fp_ProjectPublicized.self)
                guard let from = EffectiveDate(rawValue: m.from), let to = EffectiveDate(rawValue: m.to) else { continue }
                p.notices.append(Notice(from: from, to: to, channel: m.channel))
            case .projectCompleted:
                p.completed = e.effective
            case .projectAccepted:
                p.accepted = e.effective
            case .assetRegistered:
                let m = try e.decode(Fp_AssetRegistered.self)
                p.assets.append(Asset(asset: m.asset, assetClass: Labels.assetClass.label(for: m.class.rawValue) ?? "",
                                      value: Fen(m.valueFen), owner: m.owner, registered: e.effective))
            case .assetIncomeDistributed:
                let m = try e.decode(Fp_AssetIncomeDistributed.self)
                p.distributions.append(Distribution(asset: m.asset, amount: Fen(m.amountFen), recipients: m.recipients,
                                                    effective: e.effective))
            default:
                continue
            }
        }
        return p
    }
}
