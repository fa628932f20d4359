import Foundation
import Testing
@testable import fprepl

@Suite struct QueryParserTests {
    @Test func everyExpressionForm() throws {
        let q = try QueryParser.parseHouseholds(" where (status = 未脱贫 or status = 返贫) and cause in (因病, '缺技术') and village like '5301241%' and income >= 2952.5 order by income desc limit 10")
        #expect(q.filter == .and(.and(.and(
            .or(.compare(.status, .eq, .text("未脱贫")), .compare(.status, .eq, .text("返贫"))),
            .isIn(.cause, [.text("因病"), .text("缺技术")])),
            .like(.village, "5301241%")),
            .compare(.income, .ge, .number(2952.5))))
        #expect(q.orderBy?.field == .income && q.orderBy?.descending == true)
        #expect(q.limit == 10)
        for op in CompareOp.allCases {
            #expect(try QueryParser.parseHouseholds(" where members \(op.rawValue) 3").filter == .compare(.members, op, .number(3)))
        }
        #expect(try QueryParser.parseHouseholds("").filter == nil)
    }

    @Test func aChineseLabelKeepsItsParentheses() throws {
        #expect(try QueryParser.parseHouseholds(" where status = 已脱贫(不再享受政策)").filter == .compare(.status, .eq, .text("已脱贫(不再享受政策)")))
        #expect(try QueryParser.parseHouseholds(" where status in (已脱贫(不再享受政策), 返贫)").filter
                == .isIn(.status, [.text("已脱贫(不再享受政策)"), .text("返贫")]))
        // A group right after an ASCII word is still a group.
        #expect(try QueryParser.parseHouseholds(" where status in(返贫)").filter == .isIn(.status, [.text("返贫")]))
    }

    @Test func findingsTakeOnlyWhere() throws {
        #expect(try QueryParser.parseWhere("where cause = 因病").filter == .compare(.cause, .eq, .text("因病")))
        #expect(throws: QueryError.self) { try QueryParser.parseWhere("where cause = 因病 limit 3") }
    }

    @Test func andBindsTighterThanOr() throws {
        let q = try QueryParser.parseHouseholds(" where members = 1 or members = 2 and monitored = true")
        #expect(q.filter == .or(.compare(.members, .eq, .number(1)), .and(.compare(.members, .eq, .number(2)), .compare(.monitored, .eq, .text("true")))))
    }

    @Test func countGroupsByOneOrMoreFields() throws {
        let q = try QueryParser.parseCount(" households where status != 已剔除 by main_cause, town")
        #expect(q.groupBy == [.mainCause, .town])
        #expect(q.filter == .compare(.status, .ne, .text("已剔除")))
    }

    @Test func errorsSayWhatAndWhere() {
        func error(_ text: String, count: Bool = false) -> QueryError? {
            do { _ = count ? try QueryParser.parseCount(text) : try QueryParser.parseHouseholds(text); return nil } catch { return error as? QueryError }
        }
        #expect(error(" where statu = 1")?.message.hasPrefix("unknown field 'statu'; fields: id, village, town") == true)
        #expect(error(" where status = 1")?.message == nil)
        #expect(error(" where status")?.message == "expected a comparison (= != < <= > >=), 'in' or 'like' after status")
        #expect(error(" where (status = 返贫")?.message == "expected ')'")
        #expect(error(" where village = 'abc")?.message == "the quoted text is not closed")
        #expect(error(" where cause in 因病")?.message == "'in' takes a list: in (a, b)")
        #expect(error(" limit ten")?.message == "limit takes a whole number")
        #expect(error(" order income")?.message == "expected 'by'")
        #expect(error(" where members ! 3")?.message == "'!' is only used in '!='")
        #expect(error(" households main_cause", count: true)?.message
            == "unexpected text; the form is: count households [where EXPR] [by FIELD[,FIELD]] [order by COLUMN [desc|asc]] [limit N]")
        #expect(error(" households by", count: true)?.message.hasPrefix("expected a field") == true)
        #expect(error(" households by town order by income", count: true)?.message == "count orders by one of its columns: town, households, people")
        #expect(error(" households order households", count: true)?.message == "expected 'by'")
        #expect(error(" households by status,status", count: true) == QueryError(message: "status is named twice after by", column: 23))
        #expect(error(" households limit -1", count: true)?.message == "limit takes a whole number")
        // Numbers past what a row count can be are refused, not converted (that trapped).
        #expect(error(" limit 1e19")?.message == "limit takes a whole number below 10^15")
        #expect(error(" limit 18446744073709551616")?.message == "limit takes a whole number below 10^15")
        #expect(error(" limit 999999999999999")?.message == nil)
    }

    @Test func valuesOfLabelledFieldsAreChecked() throws {
        #expect(try QueryEvaluator.normalize(.compare(.mainCause, .eq, .text("01"))) == .compare(.mainCause, .eq, .text("因病")))
        #expect(try QueryEvaluator.normalize(.compare(.cause, .eq, .number(7))) == .compare(.cause, .eq, .text("缺技术")))
        #expect(try QueryEvaluator.normalize(.compare(.attribute, .eq, .text("五保户"))) == .compare(.attribute, .eq, .text("特困供养贫困户")))
        #expect(throws: QueryError.self) { try QueryEvaluator.normalize(.compare(.status, .eq, .text("脱贫"))) }
        #expect(throws: QueryError.self) { try QueryEvaluator.normalize(.compare(.mainCause, .eq, .text("因懒"))) }
        #expect(throws: QueryError.self) { try QueryEvaluator.normalize(.compare(.income, .lt, .text("low"))) }
        #expect(try QueryEvaluator.normalize(.compare(.monitored, .eq, .text("是"))) == .compare(.monitored, .eq, .text("true")))
    }

    @Test func likeIsSQLLike() {
        #expect(QueryEvaluator.like("530124101201", "5301241%"))
        #expect(QueryEvaluator.like("530124101201", "53012410120_"))
        #expect(!QueryEvaluator.like("530124101201", "5301242%"))
        #expect(QueryEvaluator.like("张德华", "张%"))
        #expect(QueryEvaluator.like("", "%"))
        #expect(!QueryEvaluator.like("ab", "a"))
    }
}

@Suite struct QueryTranscriptTests {
    @Test func countAndListTheSampleHouseholds() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let count = try fprepl(["--store", dir, "--format", "json", "-c", "count households by status; count households where status != 已剔除 by cause"])
            #expect(count.err == "")
            // Statuses in their code-table order (not by characters: 已剔除 < 已脱贫).
            #expect(count.out == """
                [{"status":"已脱贫(不再享受政策)","households":1,"people":4},{"status":"已剔除","households":1,"people":1}]
                [{"cause":"因病","households":1,"people":4},{"cause":"缺技术","households":1,"people":4}]

                """)
            // The total without `by`; `order by` a count, largest first, and `limit`.
            let total = try fprepl(["--store", dir, "--format", "json", "-c",
                                    "count households; count households where status = 返贫; count households by status order by people desc limit 1"])
            #expect(total.err == "")
            #expect(total.out == """
                [{"households":2,"people":5}]
                [{"households":0,"people":0}]
                [{"status":"已脱贫(不再享受政策)","households":1,"people":4}]

                """)
            let list = try fprepl(["--store", dir, "--format", "csv", "-c", "asof effective 2016-12-31; households where income < 2952 order by income"])
            #expect(list.out == "id,village,status,main_cause,people,income,identified_year,exit_year,monitored\r\n5301241012010001,530124101201,已脱贫,因病,3,1050.00,2014,2016,否\r\n")
            let json = try fprepl(["--store", dir, "--format", "json", "-c", "households where main_cause = 07 limit 1"])
            #expect(json.out.hasPrefix(#"[{"id":"5301241012010002","village":"530124101201","status":"已剔除","#))
            let bad = try fprepl(["--store", dir, "-c", "households where statu = 1\ncount households by main_cause, statuss"])
            #expect(bad.err == """
                error: column 18: unknown field 'statu'; fields: id, village, town, county, status, attribute, main_cause, cause, members, income, identified_year, exit_year, helper, monitored
                error: column 33: unknown field 'statuss'; fields: id, village, town, county, status, attribute, main_cause, cause, members, income, identified_year, exit_year, helper, monitored

                """)
            #expect(bad.out == "")
        }
    }
}
