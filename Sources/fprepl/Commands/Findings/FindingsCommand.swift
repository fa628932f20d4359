import EventStore
import Projections

/// `findings [RULE...] [where EXPR]`: what an inspection flags, as of the asof point
/// (docs/findings.md). `where` keeps the findings about a household that matches EXPR
/// (the household fields of `households`).
enum FindingsCommand: ReplCommand {
    static let name = "findings"
    static let summary = "what an inspection flags, with its evidence (the rules of docs/findings.md); name rules to choose them, where EXPR to keep those about matching households"
    static let usage = ["findings [RULE...] [where EXPR]"]
    static let example = "findings no-visit quick-return where town = 530124101"
    static let reference = "inspection findings as of the asof point: rule, stream, position, effective date, a line with the numbers; "
        + "`where` keeps those about households matching EXPR (`findings.md`)"
    static let syntax = CommandSyntax.text { done, word, _ in
        guard let w = done.firstIndex(of: "where") else { return FindingRules.all.map(\.id) + ["where"] }
        return Completion.queryWords(Array(done[w...]), word: word)
    }

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let (rules, filter) = try parse(call.rest, column: session.commandColumn, villages: session.villagesForQuery)
        let store = try session.store()
        let progress = Progress(label: "findings", enabled: session.showsProgress)
        // As of now: the findings saved beside the log while it has not grown since.
        let update = progress.counting("events")
        let judged: (findings: [Finding], county: CountyState?)
        do {
            if session.asOf == .now {
                let (findings, county, note) = try FindingRules.now(store, save: !session.readOnly, progress: update)
                if let note { printError("warning: " + note) }
                judged = (findings, county)
            } else {
                let inspection = try FindingRules.inspect(store, asOf: session.asOf, progress: update)
                judged = (inspection.findings, inspection.county)
            }
        } catch is Interrupted {
            progress.finish()
            throw CommandInterrupted("findings", "nothing was judged or saved")
        }
        progress.finish()
        let chosen = Set(rules.isEmpty ? FindingRules.all.map(\.id) : rules)
        let county = filter == nil ? nil : try judged.county ?? session.county()
        let rows = judged.findings.filter { f in
            guard chosen.contains(f.rule) else { return false }
            guard let filter else { return true }
            guard let id = f.household, let h = county?.households[id] else { return false }
            return QueryEvaluator.matches(filter, h)
        }
        releaseInBackground(judged, county as Any)  // a folded county takes a while to free
        let columns: [TableResult.Column] = [
            .text("rule", "规则"), .text("stream", "流"), .number("position", "位置"), .text("effective", "日期"), .text("detail", "说明"),
        ]
        return .table(TableResult(columns: columns, rows: rows.map { f in
            [.text(f.rule), .text(f.stream), .integer(Int64(f.position)), .text(f.effective.description), .text(f.detail)]
        }))
    }

    /// The rule names before `where`, and the expression after it (parsed as typed).
    /// - Parameters:
    ///   - column: Where the command starts in its line, for the columns of errors.
    ///   - villages: The county's villages, for a village or town named by name.
    static func parse(_ rest: String, column: Int = 1, villages: (() -> [VillageState])? = nil) throws -> (rules: [String], filter: Expr?) {
        let known = FindingRules.all.map(\.id)
        var rules: [String] = []
        var text = Substring(rest)
        while true {
            text = text.drop { $0 == " " || $0 == "\t" }
            guard !text.isEmpty else { return (rules, nil) }
            let word = text.prefix { $0 != " " && $0 != "\t" }
            if word.lowercased() == "where" {
                let offset = rest.distance(from: rest.startIndex, to: text.startIndex)
                let query = try HouseholdQuery.parsed({ try QueryParser.parseWhere(String(text), villages: villages) }, prefix: name.count + offset + column - 1)
                return (rules, query.filter)
            }
            guard known.contains(String(word)) else {
                throw CommandError("findings: unknown rule \(echoed(word)); rules: " + known.joined(separator: ", "))
            }
            rules.append(String(word))
            text = text.dropFirst(word.count)
        }
    }
}
