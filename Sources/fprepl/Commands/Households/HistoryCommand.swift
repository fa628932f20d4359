import EventStore
import Projections

/// `history ID`: a household's audit trail, corrections shown beside what they correct.
enum HistoryCommand: ReplCommand {
    static let name = "history"
    static let summary = "a household's audit trail: every event, corrections shown beside what they correct"
    static let usage = ["history ID"]
    static let example = "history 5301241012010001"
    static let reference = "every event of the household: position, version, type, dates, actor, a one-line summary, the corrections that name it"
    static let syntax = CommandSyntax.words([.household], misuse: "history takes one household id: history 5301241012010001")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let all = try HouseholdView.events(call.words[0], session)
        // The audit trail keeps every record known at the point, corrections included.
        let known = all.filter { session.asOf.knows(position: $0.position, recorded: $0.recorded) }
        let links = try Corrections.links(known)
        let columns: [TableResult.Column] = [
            .number("position", "位置"), .number("version", "版本"), .text("type", "类型"), .text("effective", "生效日期"),
            .text("recorded", "记录时间"), .text("actor", "操作员"), .text("summary", "摘要"), .text("corrected_by", "被更正"),
        ]
        return .table(TableResult(columns: columns, rows: known.map { e in
            let correctedBy = links[e.position] ?? []
            return [.integer(Int64(e.position)), .integer(Int64(e.version)), .text(e.type), .text(e.effective.description),
                    .text(e.recorded.description), .text(e.actor), .text(EventSummary.line(type: e.type, payload: e.payload)),
                    // Positions: numbers in JSON, `#29` for people.
                    .json(.array(correctedBy.map { .integer(Int64($0)) }), plain: correctedBy.map { "#\($0)" }.joined(separator: ", "))]
        }))
    }
}
