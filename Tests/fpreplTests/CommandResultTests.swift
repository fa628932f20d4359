import Projections
import Testing
@testable import fprepl

/// A command's typed result, rendered in each output mode by the formatter alone.
@Suite struct CommandResultTests {
    let record = RecordResult(fields: [("fund", "资金", .text("2016-001")), ("allocated_fen", "下达金额(元)", .fen(Fen(300000))),
                                       ("allocated", "下达日期", .null)])
    let units = TableResult(columns: [.text("unit", "单位"), .number("held_fen", "结存(元)")],
                            rows: [[.labelled(table: "  乡镇", plain: "乡镇"), .fen(Fen(1250))]])

    @Test func aRecordInEveryMode() {
        #expect(CommandResult.record(record).render(.json) == #"{"fund":"2016-001","allocated_fen":300000,"allocated":null}"# + "\n")
        #expect(CommandResult.record(record).render(.table) == "资金          2016-001\n下达金额(元)  3,000.00\n下达日期      -\n")
        #expect(CommandResult.record(record).render(.csv) == "fund,allocated_yuan,allocated\r\n2016-001,3000.00,\r\n")
        #expect(CommandResult.record(record).render(.line) == "fund           = 2016-001\nallocated_yuan = 3,000.00\nallocated      = \n")
    }

    @Test func aLabelledValueIsTheTablesAloneAndSectionsStandApart() {
        let sections = CommandResult.sections([.record(record), .table(units)])
        #expect(sections.render(.table).contains("\n\n单位    结存(元)\n------  --------\n  乡镇     12.50\n(1 row)\n"))
        #expect(sections.render(.csv).hasSuffix("\r\n\nunit,held_yuan\r\n乡镇,12.50\r\n"))
        #expect(TableResult.json(units) == #"[{"unit":"乡镇","held_fen":1250}]"#)
    }

    @Test func aDocumentGivesScriptsItsOwnJSON() {
        let doc = CommandResult.document(.message("for people\n"), json: .object(JSONObject([("verdict", .string("ok"))])))
        #expect(doc.render(.table) == "for people\n")
        #expect(doc.render(.csv) == "for people\n")
        #expect(doc.render(.json) == #"{"verdict":"ok"}"# + "\n")
        #expect(CommandResult.nothing.render(.json) == "")
        #expect(CommandResult.json(.array([.integer(1)])).render(.table) == "[1]\n", "a proof is JSON in every mode")
    }

    @Test func valuesForScriptsAndForPeople() {
        #expect(ResultValue.rate(0.2559123).plain == "25.59%")
        #expect(ResultValue.rate(0.2559123).json == .number("0.255912"))
        #expect(ResultValue.rate(nil).json == .null)
        #expect(ResultValue.json(.array([.integer(29)]), plain: "#29").plain == "#29")
        #expect(ResultValue.fen(Fen(353750)).csv == "3537.50" && ResultValue.fen(Fen(353750)).plain == "3,537.50")
        #expect(ResultValue.integer(nil as Int?).json == .null)
    }
}

extension TableResult {
    static func json(_ t: TableResult) -> String { JSONWriter.write(t.json) }
}
