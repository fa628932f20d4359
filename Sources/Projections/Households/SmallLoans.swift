import EventStore

/// A household's small loans (扶贫小额信贷) as of a point: issued, repaid, overdue
/// (`docs/funds.md`).
public struct SmallLoan: Sendable, Equatable {
    /// The household id.
    public var household: String
    public var loan: String
    public var issued: EffectiveDate
    public var amount: Fen
    public var termMonths: Int
    public var bank: String
    public var repaid: Fen = .zero
    /// The day of the last repayment.
    public var lastRepaid: EffectiveDate?
    /// When the bank reported it overdue; cleared by a repayment of the whole amount.
    public var overdueSince: EffectiveDate?

    /// What is still owed.
    public var outstanding: Fen { get throws { max(.zero, try amount - repaid) } }
    /// The day the term ends.
    public var due: EffectiveDate { issued.adding(months: termMonths) }

    /// 已还清, 逾期 or 未到期/在贷 (in force).
    public var status: String {
        get throws {
            if try outstanding == .zero { return "已还清" }
            return overdueSince != nil ? "逾期" : "在贷"
        }
    }

    /// The loans of one household stream (corrections applied as of `asOf`), in the
    /// order they were issued. Repayments and overdue reports of a loan never issued
    /// are ignored (validation refuses them; a correction could leave one).
    public static func of(household: String, events: [LoggedEvent], asOf: AsOf) throws -> [SmallLoan] {
        var loans: [SmallLoan] = []
        for e in try Corrections.visible(events, asOf: asOf) {
            switch e.kind {
            case .loanIssued:
                let m = try e.decode(Fp_LoanIssued.self)
                loans.append(SmallLoan(household: household, loan: m.loan, issued: e.effective, amount: Fen(m.amountFen),
                                       termMonths: Int(m.termMonths), bank: m.bank))
            case .loanRepaid:
                let m = try e.decode(Fp_LoanRepaid.self)
                guard let k = loans.lastIndex(where: { $0.loan == m.loan }) else { continue }
                try loans[k].repaid += Fen(m.amountFen)
                loans[k].lastRepaid = e.effective
                if try loans[k].outstanding == .zero { loans[k].overdueSince = nil }
            case .loanOverdue:
                let m = try e.decode(Fp_LoanOverdue.self)
                guard let k = loans.lastIndex(where: { $0.loan == m.loan }), try loans[k].outstanding > .zero else { continue }
                loans[k].overdueSince = loans[k].overdueSince ?? e.effective
            default:
                continue
            }
        }
        return loans
    }

    /// The first bytes of a household stream's name (a name that is only the prefix
    /// counts, with the id `""`).
    static let householdPrefix = Array(StreamCategory.household.prefix.utf8)

    /// Every household's loans: one pass over the log, the loan events decoded.
    public static func all(_ store: any EventLog, asOf: AsOf) throws -> [SmallLoan] {
        var events: [String: [LoggedEvent]] = [:]
        var order: [String] = []
        let kinds: Set<EventKind> = [.loanIssued, .loanRepaid, .loanOverdue, .correction]
        try store.forEachRecord { r in
            guard r.streamBytes.starts(with: householdPrefix), kinds.contains(EventKind(typeBytes: r.typeBytes)) else { return true }
            let id = String(r.stream.dropFirst(householdPrefix.count))
            if events[id] == nil { order.append(id) }
            events[id, default: []].append(LoggedEvent(r.materialize()))
            return true
        }
        return try order.flatMap { try of(household: $0, events: events[$0] ?? [], asOf: asOf) }
    }
}
