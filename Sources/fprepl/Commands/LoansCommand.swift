import EventStore
import Projections

/// `loans [ID]`: small loans (扶贫小额信贷), every household's or one's: issued, repaid,
/// outstanding, overdue (docs/funds.md).
enum LoansCommand {
    static func run(_ args: [String], _ session: Session) throws -> String {
        guard args.count <= 1 else { throw CommandError("loans takes nothing, or one household id: loans 5301241012010001") }
        let store = try HouseholdCommands.openForReading(session)
        let loans: [SmallLoan]
        if let id = args.first {
            let events = try VerificationCommands.storeCall { try store.readStream("household-" + id).map(LoggedEvent.init) }
            guard !events.isEmpty else { throw CommandError("no household \(id): the stream household-\(id) is empty") }
            loans = try SmallLoan.of(household: id, events: events, asOf: session.asOf)
        } else {
            loans = try VerificationCommands.storeCall { try SmallLoan.all(store, asOf: session.asOf) }
        }
        let columns: [TableResult.Column] = [
            .init(key: "household", label: "户编号", numeric: false), .init(key: "loan", label: "贷款", numeric: false),
            .init(key: "issued", label: "发放", numeric: false), .init(key: "amount_fen", label: "金额(元)", numeric: true),
            .init(key: "term_months", label: "期限(月)", numeric: true), .init(key: "due", label: "到期", numeric: false),
            .init(key: "repaid_fen", label: "已还(元)", numeric: true), .init(key: "outstanding_fen", label: "未还(元)", numeric: true),
            .init(key: "overdue_since", label: "逾期自", numeric: false), .init(key: "status", label: "状态", numeric: false),
        ]
        return TableResult(columns: columns, rows: loans.map { l in
            [.text(l.household), .text(l.loan), .text(l.issued.description), .fen(l.amountFen), .integer(Int64(l.termMonths)),
             .text(l.due.description), .fen(l.repaidFen), .fen(l.outstandingFen),
             l.overdueSince.map { .text($0.description) } ?? .null, .text(l.status)]
        }).render(session.mode)
    }
}
