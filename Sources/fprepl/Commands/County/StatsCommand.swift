import EventStore
import Projections

/// `stats [by county|town|village]`: households, people, poor people, 贫困发生率 and
/// cause shares by area (docs/metrics.md).
enum StatsCommand: ReplCommand {
    static let name = "stats"
    static let summary = "households, people, poor people, 贫困发生率 and cause shares by area"
    static let usage = ["stats [by county|town|village]"]
    static let example = "stats by town"
    static let reference = "households, people, poor people, 贫困发生率, cause shares (`metrics.md`)"
    static let syntax = CommandSyntax.words(
        [Word("by", completes: .words(["by"]), optional: true),
         Word("LEVEL", completes: .words(AreaLevel.allCases.map(\.rawValue)), optional: true)],
        misuse: "stats takes: by county | by town | by village")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        var level = AreaLevel.county
        if !call.words.isEmpty {
            guard call.words.count == 2, call.words[0] == "by", let l = AreaLevel(rawValue: call.words[1]) else { throw call.misuse }
            level = l
        }
        let areas = Statistics.areas(try session.county(), by: level)
        let columns: [TableResult.Column] = [
            .text("area", "区划代码"), .text("name", "名称"), .number("households", "户数"), .number("people", "人数"),
            .number("poor_households", "贫困户"), .number("poor_people", "贫困人口"), .number("rural_population", "农村人口"),
            .number("poverty_incidence", "贫困发生率"), .text("causes", "致贫原因(户占比)"), .text("exits_by_year", "脱贫户(按年度)"),
        ]
        return .table(TableResult(columns: columns, rows: areas.map { a in
            let total = Double(max(1, a.poorHouseholds))
            let causes = JSONValue.array(a.causes.map { c in
                .object(JSONObject([("cause", .string(c.label)), ("households", .integer(Int64(c.households))),
                                    ("share", .number(fraction(Double(c.households) / total)))]))
            })
            let causesPlain = a.causes.sorted { $0.households > $1.households }
                .map { "\($0.label) \(percent(Double($0.households) / total))" }.joined(separator: ", ")
            let exits = JSONValue.object(JSONObject(a.exitsByYear.map { (String($0.year), .integer(Int64($0.households))) }))
            return [.text(a.code), .text(a.name), .integer(Int64(a.households)), .integer(Int64(a.people)),
                    .integer(Int64(a.poorHouseholds)), .integer(Int64(a.poorPeople)), .integer(Int64(a.ruralPopulation)),
                    .rate(a.incidence.rate), .json(causes, plain: causesPlain),
                    .json(exits, plain: a.exitsByYear.map { "\($0.year): \($0.households)" }.joined(separator: ", "))]
        }))
    }
}
