import EventStore
import Projections

/// `findings [RULE...] [where EXPR]`: what an inspection flags, as of the asof point
/// (docs/findings.md). `where` keeps the findings about a household that matches EXPR
/// (the household fields of `households`).
enum FindingsCommand {
    static func run(_ rest: String, _ session: Session) throws -> String {
        let known = FindingRules.all.map(\.id)
        // The rule names come before `where`; the expression is parsed as typed.
        var rules: [String] = []
        var filter: Expr?
        var text = Substring(rest)
        while true {
            text = text.drop { $0 == " " || $0 == "\t" }
            guard !text.isEmpty else { break }
            let word = text.prefix { $0 != " " && $0 != "\t" }
            if word.lowercased() == "where" {
                let offset = rest.distance(from: rest.startIndex, to: text.startIndex)
                let query = try HouseholdQueryCommands.parse({ try QueryParser.parseWhere(String(text)) }, prefix: "findings".count + offset)
                filter = query.filter
                break
            }
            guard known.contains(String(word)) else {
                throw CommandError("findings: unknown rule '\(word)'; rules: " + known.joined(separator: ", "))
            }
            rules.append(String(word))
            text = text.dropFirst(word.count)
        }
        let store = try HouseholdCommands.openForReading(session)
        let progress = Progress(label: "findings", enabled: session.showsProgress)
        // As of now: the findings saved beside the log while it has not grown since.
        let judged: (findings: [Finding], county: CountyState?) = try VerificationCommands.storeCall {
            let update: (UInt64, UInt64) -> Void = { done, total in progress.update(done: Int(done), total: Int(total), unit: "events") }
            if session.asOf == .now {
                let (findings, county, note) = try FindingRules.now(store, save: !session.readOnly, progress: update)
                if let note { printError("warning: " + note) }
                return (findings, county)
            }
            let inspection = try FindingRules.inspect(store, asOf: session.asOf, progress: update)
            return (inspection.findings, inspection.county)
        }
        progress.finish()
        let chosen = Set(rules.isEmpty ? known : rules)
        let county = filter == nil ? nil : try judged.county ?? session.county()
        let rows = judged.findings.filter { f in
            guard chosen.contains(f.rule) else { return false }
            guard let filter else { return true }
            guard let id = f.household, let h = county?.households[id] else { return false }
            return QueryEvaluator.matches(filter, h)
        }
        releaseInBackground(judged, county as Any)  // a folded county takes a while to free
        let columns: [TableResult.Column] = [
            .init(key: "rule", label: "规则", numeric: false), .init(key: "stream", label: "流", numeric: false),
            .init(key: "position", label: "位置", numeric: true), .init(key: "effective", label: "日期", numeric: false),
            .init(key: "detail", label: "说明", numeric: false),
        ]
        return TableResult(columns: columns, rows: rows.map { f in
            [.text(f.rule), .text(f.stream), .integer(Int64(f.position)), .text(f.effective.description), .text(f.detail)]
        }).render(session.mode)
    }
}
