import EventStore
import Projections

/// `loans [ID]`: small loans (扶贫小额信贷), every household's or one's: issued, repaid,
/// outstanding, overdue (docs/funds.md).
enum LoansCommand: ReplCommand {
    static let name = "loans"
    static let summary = "small loans (扶贫小额信贷), all or one household's: issued, due, repaid, outstanding, overdue"
    static let usage = ["loans [ID]"]
    static let example = "loans 5301241012010001"
    static let reference = "small loans, all or one household's: issued, due, repaid, outstanding, overdue since, status"
    static let syntax = CommandSyntax.words([Word("ID", completes: .ids(.household), optional: true)],
                                            misuse: "loans takes nothing, or one household id: loans 5301241012010001")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let store = try session.store()
        let loans: [SmallLoan]
        if let id = call.words.first {
            loans = try SmallLoan.of(household: id, events: HouseholdView.events(id, session), asOf: session.asOf)
        } else {
            loans = try SmallLoan.all(store, asOf: session.asOf)
        }
        let columns: [TableResult.Column] = [
            .text("household", "户编号"), .text("loan", "贷款"), .text("issued", "发放"), .number("amount_fen", "金额(元)"),
            .number("term_months", "期限(月)"), .text("due", "到期"), .number("repaid_fen", "已还(元)"),
            .number("outstanding_fen", "未还(元)"), .text("overdue_since", "逾期自"), .text("status", "状态"),
        ]
        return .table(TableResult(columns: columns, rows: try loans.map { l in
            [.text(l.household), .text(l.loan), .text(l.issued.description), .fen(l.amount), .integer(Int64(l.termMonths)),
             .text(l.due.description), .fen(l.repaid), .fen(try l.outstanding), .text(l.overdueSince?.description),
             .text(try l.status)]
        }))
    }
}
