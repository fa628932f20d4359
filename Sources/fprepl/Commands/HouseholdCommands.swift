import EventStore
import Projections

/// `household ID` and `history ID`.
enum HouseholdCommands {
    /// The household's events, read through the stream index.
    static func events(_ id: String, _ session: Session) throws -> [LoggedEvent] {
        let store = try openForReading(session)
        let events = try store.readStream("household-" + id).map(LoggedEvent.init)
        guard !events.isEmpty else { throw CommandError("no household \(id): the stream household-\(id) is empty") }
        return events
    }

    static func household(_ args: [String], _ session: Session) throws -> String {
        guard args.count == 1, let id = args.first else { throw CommandError("household takes one household id: household 5301241012010001") }
        let events = try events(id, session)
        guard let h = try HouseholdHistory.state(id: id, events: events, asOf: session.asOf) else {
            throw CommandError("household \(id) was not identified as of \(session.asOf)")
        }
        return RecordResult(fields: fields(of: h, session)).render(session.mode)
    }

    /// A household as one JSON object with REPL.md's keys.
    static func json(of h: HouseholdState, _ session: Session) -> String {
        "{" + fields(of: h, session).map { jsonQuote($0.key) + ":" + $0.value.json }.joined(separator: ",") + "}"
    }

    /// The fields of a household, names masked for viewers not entitled to them.
    static func fields(of h: HouseholdState, _ session: Session) -> [(key: String, label: String, value: ResultValue)] {
        let show = session.seesPersonalData
        let members = h.members.map { m in
            (show ? m.name : maskedName(m.name)) + "（" + m.relation + "）"
        }
        let fields: [(key: String, label: String, value: ResultValue)] = [
            ("id", "户编号", .text(h.id)),
            ("village", "行政村", .text(h.village)),
            ("status", "状态", .text(h.status.label)),
            ("attribute", "贫困户属性", .text(Labels.attribute.label(for: h.attribute) ?? "")),
            ("main_cause", "主要致贫原因", .text(h.mainCauseLabel)),
            ("other_causes", "其他致贫原因", .list(h.otherCauses.compactMap { Labels.cause.label(for: $0) })),
            ("members", "家庭成员", .list(members)),
            ("people", "人数", .integer(Int64(h.people))),
            ("income_fen", "人均纯收入(元)", h.income.map { .fen($0.perCapitaFen) } ?? .null),
            ("identified_year", "识别年度", .integer(Int64(h.identifiedYear))),
            ("exit_year", "脱贫年度", h.exitYear.map { .integer(Int64($0)) } ?? .null),
            ("helpers", "帮扶责任人", .list(h.helpers)),
            ("monitored", "监测对象", .bool(h.monitored)),
            ("version", "版本", .integer(Int64(h.version))),
            ("position", "位置", .integer(Int64(h.position))),
        ]
        return fields
    }

    static func history(_ args: [String], _ session: Session) throws -> String {
        guard args.count == 1, let id = args.first else { throw CommandError("history takes one household id: history 5301241012010001") }
        let all = try events(id, session)
        // The audit trail keeps every record known at the point, corrections included.
        let known = all.filter { session.asOf.knows(position: $0.position, recorded: $0.recorded) }
        let links = try Corrections.links(known)
        let rows: [[ResultValue]] = known.map { e in
            [.integer(Int64(e.position)), .integer(Int64(e.version)), .text(e.type), .text(e.effective.description),
             .text(e.recorded.description), .text(e.actor), .text(EventSummary.line(type: e.type, payload: e.payload)),
             .list((links[e.position] ?? []).map { "#\($0)" })]
        }
        let columns: [TableResult.Column] = [
            .init(key: "position", label: "位置", numeric: true), .init(key: "version", label: "版本", numeric: true),
            .init(key: "type", label: "类型", numeric: false), .init(key: "effective", label: "生效日期", numeric: false),
            .init(key: "recorded", label: "记录时间", numeric: false), .init(key: "actor", label: "操作员", numeric: false),
            .init(key: "summary", label: "摘要", numeric: false), .init(key: "corrected_by", label: "被更正", numeric: false),
        ]
        if session.mode == .json {
            // corrected_by holds positions: numbers in JSON.
            return "[" + zip(known, rows).map { e, row in
                "{" + zip(columns, row).map { c, v in
                    jsonQuote(c.key) + ":" + (c.key == "corrected_by"
                        ? "[" + (links[e.position] ?? []).map(String.init).joined(separator: ",") + "]" : v.json)
                }.joined(separator: ",") + "}"
            }.joined(separator: ",") + "]\n"
        }
        return TableResult(columns: columns, rows: rows).render(session.mode)
    }

    static func openForReading(_ session: Session) throws -> any EventLog {
        do { return try session.store() } catch let e as StoreError { throw CommandError("cannot open the store: \(e)") }
    }
}
