import EventStore
import Projections

/// `stats [by county|town|village]` and `rates [--from DATE] [--to DATE]`.
enum CountyCommands {
    static func stats(_ args: [String], _ session: Session) throws -> String {
        var level = AreaLevel.county
        if !args.isEmpty {
            guard args.count == 2, args[0] == "by", let l = AreaLevel(rawValue: args[1]) else {
                throw CommandError("stats takes: by county | by town | by village")
            }
            level = l
        }
        let state = try session.county()
        let areas = Statistics.areas(state, by: level)
        let columns: [TableResult.Column] = [
            .init(key: "area", label: "区划代码", numeric: false), .init(key: "name", label: "名称", numeric: false),
            .init(key: "households", label: "户数", numeric: true), .init(key: "people", label: "人数", numeric: true),
            .init(key: "poor_households", label: "贫困户", numeric: true), .init(key: "poor_people", label: "贫困人口", numeric: true),
            .init(key: "rural_population", label: "农村人口", numeric: true),
            .init(key: "poverty_incidence", label: "贫困发生率", numeric: true),
            .init(key: "causes", label: "致贫原因(户占比)", numeric: false),
            .init(key: "exits_by_year", label: "脱贫户(按年度)", numeric: false),
        ]
        let rows: [[ResultValue]] = areas.map { a in
            let total = max(1, a.poorHouseholds)
            let causesJSON = "[" + a.causes.map { c in
                "{\"cause\":\(jsonQuote(c.label)),\"households\":\(c.households),\"share\":\(fraction(Double(c.households) / Double(total)))}"
            }.joined(separator: ",") + "]"
            let causesPlain = a.causes.sorted { $0.households > $1.households }
                .map { "\($0.label) \(percent(Double($0.households) / Double(total)))" }.joined(separator: ", ")
            return [.text(a.code), .text(a.name), .integer(Int64(a.households)), .integer(Int64(a.people)),
                    .integer(Int64(a.poorHouseholds)), .integer(Int64(a.poorPeople)), .integer(Int64(a.ruralPopulation)),
                    .rate(a.incidence.rate), .raw(json: causesJSON, plain: causesPlain),
                    .raw(json: "{" + a.exitsByYear.map { "\"\($0.year)\":\($0.households)" }.joined(separator: ",") + "}",
                         plain: a.exitsByYear.map { "\($0.year): \($0.households)" }.joined(separator: ", "))]
        }
        return TableResult(columns: columns, rows: rows).render(session.mode)
    }

    static func rates(_ args: [String], _ session: Session) throws -> String {
        var from: EffectiveDate?, to: EffectiveDate?
        var rest = args[...]
        while let flag = rest.popFirst() {
            guard let v = rest.popFirst(), let d = EffectiveDate(v) else { throw CommandError("\(flag) takes a date YYYY-MM-DD") }
            switch flag {
            case "--from": from = d
            case "--to": to = d
            default: throw CommandError("rates: unknown option \(flag); options: --from DATE, --to DATE")
            }
        }
        let store = try HouseholdCommands.openForReading(session)
        if to == nil {
            // Default: up to the latest effective date in the log.
            to = try AsOf.now.endOfRecord(in: store)
        }
        guard let end = to else { throw CommandError("the store is empty: there is no period to measure") }
        let start = from ?? EffectiveDate(year: end.year, month: 1, day: 1) ?? end
        guard start <= end else { throw CommandError("--from \(start) is after --to \(end)") }
        let r = try Rates.compute(store, from: start, to: end)
        // The first four count people, 群众认可度 households.
        let metrics: [(key: String, label: String, ratio: Ratio, unit: String)] = [
            ("wrong_inclusion", "错评率", r.wrongInclusion, "人"), ("omission", "漏评率", r.omission, "人"),
            ("wrong_exit", "错退率", r.wrongExit, "人"), ("composite_poverty", "综合贫困发生率", r.compositePoverty, "人"),
            ("approval", "群众认可度", r.approval, "户"),
        ]
        if session.mode == .json {
            return "{\"from\":\"\(start)\",\"to\":\"\(end)\"," + metrics.map { m in
                "\"\(m.key)\":{\"rate\":\(ResultValue.rate(m.ratio.rate).json),\"numerator\":\(m.ratio.numerator),\"denominator\":\(m.ratio.denominator)}"
            }.joined(separator: ",") + "}\n"
        }
        let columns: [TableResult.Column] = [
            .init(key: "metric", label: "指标(\(start) 至 \(end))", numeric: false), .init(key: "rate", label: "比率", numeric: true),
            .init(key: "numerator", label: "分子", numeric: true), .init(key: "denominator", label: "分母", numeric: true),
            .init(key: "unit", label: "单位", numeric: false),
        ]
        let rows: [[ResultValue]] = metrics.map { m in
            [.text(session.mode == .table ? m.label : m.key), .rate(m.ratio.rate), .integer(Int64(m.ratio.numerator)),
             .integer(Int64(m.ratio.denominator)), .text(session.mode == .table ? m.unit : (m.unit == "人" ? "people" : "households"))]
        }
        return TableResult(columns: columns, rows: rows).render(session.mode)
    }

    static func rebuild(_ args: [String], _ session: Session) throws -> String {
        guard args.isEmpty else { throw CommandError("rebuild takes no arguments") }
        let (state, events, seconds) = try VerificationCommands.storeCall { try session.rebuildCounty() }
        return RecordResult(fields: [
            ("events", "events", .integer(Int64(events))),
            ("households", "households", .integer(Int64(state.households.count))),
            ("villages", "villages", .integer(Int64(state.villages.count))),
            ("seconds", "seconds", .raw(json: String(format: "%.3f", seconds), plain: String(format: "%.3f", seconds))),
            ("events_per_second", "events/second", .integer(seconds > 0 ? Int64(Double(events) / seconds) : 0)),
        ]).render(session.mode)
    }
}
