import EventStore
import Projections

/// A household as the commands show it: its events, and its fields with the keys of docs/repl.md
/// and the labels of 建档立卡, names masked for viewers not entitled to them.
enum HouseholdView {
    /// The household's events, read through the stream index.
    ///
    /// - Throws: ``CommandError`` when the log holds no such household.
    static func events(_ id: String, _ session: Session) throws -> [LoggedEvent] {
        guard id.utf8.count == 16, id.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw CommandError("\(echoed(id)) is not a household id: an id is 16 digits (5301241012010001)")
        }
        let stream = StreamCategory.household.stream(id)
        let events = try session.store().readStream(stream).map(LoggedEvent.init)
        guard !events.isEmpty else { throw CommandError("no household \(id): the stream \(stream) is empty") }
        return events
    }

    /// The household's fields, in the order of docs/repl.md.
    static func record(_ h: HouseholdState, _ session: Session) -> RecordResult {
        let show = session.seesPersonalData
        let members = h.members.map { m in
            (show ? m.name : maskedName(m.name)) + "（" + m.relation + "）"
        }
        return RecordResult(fields: [
            ("id", "户编号", .text(h.id)),
            ("village", "行政村", .text(h.village)),
            ("status", "状态", .text(h.status.label)),
            ("attribute", "贫困户属性", .text(Labels.attribute.label(for: h.attribute) ?? "")),
            ("main_cause", "主要致贫原因", .text(h.mainCauseLabel)),
            ("other_causes", "其他致贫原因", .list(h.otherCauses.compactMap { Labels.cause.label(for: $0) })),
            ("members", "家庭成员", .list(members)),
            ("people", "人数", .integer(Int64(h.people))),
            ("income_fen", "人均纯收入(元)", .fen(h.income?.perCapita)),
            ("identified_year", "识别年度", .integer(Int64(h.identifiedYear))),
            ("exit_year", "脱贫年度", .integer(h.exitYear)),
            ("helpers", "帮扶责任人", .list(h.helpers)),
            ("monitored", "监测对象", .bool(h.monitored)),
            ("version", "版本", .integer(Int64(h.version))),
            ("position", "位置", .integer(Int64(h.position))),
        ])
    }
}
