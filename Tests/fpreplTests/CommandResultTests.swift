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

    /// On a terminal narrower than a table, each row is a block of `label  value` lines,
    /// long values wrapped under themselves at a comma or space; a table that fits, or
    /// output to a file or a pipe (no width), is the table as always.
    @Test func aTableWiderThanTheTerminalIsShownARecordToABlock() {
        let wide = TableResult(columns: [.text("area", "区划代码"), .number("people", "人数"), .text("causes", "致贫原因(户占比)")],
                               rows: [[.text("530124"), .integer(8473), .text("缺技术 33.40%, 因病 26.34%, 自身发展动力不足 15.60%")],
                                      [.text("530125"), .integer(12), .null]])
        #expect(wide.tableWidth == 8 + 2 + 4 + 2 + 51)
        #expect(wide.render(.table, width: 80) == wide.render(.table), "it fits in 80 cells")
        #expect(wide.render(.table, width: nil) == wide.render(.table), "a pipe gets the table")
        #expect(wide.render(.csv, width: 20) == wide.render(.csv), "only tables change")
        #expect(wide.render(.table, width: 44) == """
            -[ 1 ]--------------------------------------
            区划代码          530124
            人数              8473
            致贫原因(户占比)  缺技术 33.40%,
                              因病 26.34%,
                              自身发展动力不足 15.60%
            -[ 2 ]--------------------------------------
            区划代码          530125
            人数              12
            致贫原因(户占比)  -
            (2 rows)

            """)
        // Every line of it fits.
        for width in [20, 30, 44, 60] {
            #expect(wide.render(.table, width: width).split(separator: "\n").allSatisfy { displayWidth(String($0)) <= max(width, 16 + 2 + 10) })
        }
    }

    @Test func wrappingCutsAtSpacesOrWhereTheWidthEnds() {
        #expect(wrapped("a bb ccc", width: 4) == ["a bb", "ccc"])
        #expect(wrapped("因病因残因学", width: 5) == ["因病", "因残", "因学"])
        #expect(wrapped("5301241012010001", width: 6) == ["530124", "101201", "0001"])
        #expect(wrapped("short", width: 10) == ["short"])
        #expect(wrapped("no width", width: 0) == ["no width"])
        // A long record value wraps too, on a terminal only.
        let r = RecordResult(fields: [("summary", "摘要", .text("识别纳入：因病，3人，一般贫困户"))])
        #expect(r.render(.table, width: 20) == "摘要  识别纳入：\n      因病，3人，\n      一般贫困户\n")
        #expect(r.render(.table, width: nil) == r.render(.table))
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
