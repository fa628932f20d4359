import Foundation
import Testing
import Projections
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
        // The parser checks values as it reads them, at their column (a status is a label).
        #expect(error(" where status = 1") == QueryError(message: "'1' is not a status; one of: 未脱贫, 已脱贫, 已脱贫(不再享受政策), 返贫, 已剔除", column: 17))
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
        func filter(_ text: String) throws -> Expr? { try QueryParser.parseWhere("where " + text).filter }
        #expect(try filter("main_cause = 01") == .compare(.mainCause, .eq, .text("因病")))
        #expect(try filter("cause = 7") == .compare(.cause, .eq, .text("缺技术")))
        #expect(try filter("attribute = 五保户") == .compare(.attribute, .eq, .text("特困供养贫困户")))
        #expect(try filter("monitored = 是") == .compare(.monitored, .eq, .text("true")))
        #expect(throws: QueryError.self) { try filter("status = 脱贫") }
        #expect(throws: QueryError.self) { try filter("main_cause = 因懒") }
        #expect(throws: QueryError.self) { try filter("income < low") }
    }

    /// A value that can never match is an error at its column, never `(0 rows)`.
    @Test func aValueThatCanNeverMatchIsAnErrorAtItsColumn() throws {
        func error(_ text: String, villages: [VillageState]? = nil) -> QueryError? {
            do {
                _ = try QueryParser.parseWhere("where " + text, villages: villages.map { v in { v } })
                return nil
            } catch { return error as? QueryError }
        }
        #expect(error("village = 53012410120") == QueryError(message: "a village code has 12 digits; '53012410120' has 11", column: 17))
        #expect(error("status = 未脱贫 and town = 5301241") == QueryError(message: "a town code has 9 digits; '5301241' has 7", column: 31))
        #expect(error("county = 53012") == QueryError(message: "a county code has 6 digits; '53012' has 5", column: 16))
        #expect(error("id in (5301241012010001, 12)") == QueryError(message: "a household id has 16 digits; '12' has 2", column: 32))
        #expect(error("id = household-5301241012010001") == nil)
        #expect(error("status = 退出")?.column == 16)
        #expect(error("exit_year = 16") == QueryError(message: "exit_year is a year (such as 2016), not 16", column: 19))
        #expect(error("members = 2.5")?.message == "members is a whole number of people, not 2.5")
        #expect(error("village = 和平村") == QueryError(message: "a village is given by its 12-digit code here, not '和平村'", column: 17))
        // A value echoed in an error is quoted, its control characters written out, cut.
        #expect(error("main_cause = '因\n病'")?.message.hasPrefix("'因\\n病' is not a value of main_cause") == true)
        #expect(error("main_cause = " + String(repeating: "x", count: 10_000))?.message
            .hasPrefix("'" + String(repeating: "x", count: 60) + "'... (9940 more characters) is not a value") == true)

        // With the county's villages, a name is its code; a name several share lists them.
        func village(_ code: String, _ name: String, town: String) -> VillageState {
            VillageState(code: code, name: name, town: town, county: "富民县", households: 1, population: 1, designatedPoor: false, exitYear: nil)
        }
        let villages = [village("530124101201", "和平村", town: "永定镇"), village("530124102201", "团结村", town: "罗免镇"),
                        village("530124103201", "团结村", town: "赤鹫镇")]
        #expect(try QueryParser.parseWhere("where village = 和平村", villages: { villages }).filter == .compare(.village, .eq, .text("530124101201")))
        #expect(try QueryParser.parseWhere("where town = 罗免镇", villages: { villages }).filter == .compare(.town, .eq, .text("530124102")))
        #expect(error("village = 团结村", villages: villages)
            == QueryError(message: "2 villages are named '团结村': 530124102201, 530124103201; give the code of the one you mean", column: 17))
        #expect(error("village in (和平村, 胜利村)", villages: villages)
            == QueryError(message: "no village is named '胜利村' in this county; give its 12-digit code", column: 24))
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

    /// Ids in their stream's form, and village names, on a real store.
    @Test func idsInStreamFormAndVillageNames() throws {
        try withSample { dir in
            let plain = try fprepl(["--store", dir, "--format", "json", "-c", "household 5301241012010001"])
            for command in ["household household-5301241012010001", "history household-5301241012010001"] {
                let r = try fprepl(["--store", dir, "--format", "json", "-c", command])
                #expect(r.status == 0, "\(command): \(r.err)")
            }
            #expect(try fprepl(["--store", dir, "--format", "json", "-c", "household household-5301241012010001"]).out == plain.out)
            let named = try fprepl(["--store", dir, "--format", "json", "-c", "count households where village = 和平村"])
            let coded = try fprepl(["--store", dir, "--format", "json", "-c", "count households where village = 530124101201"])
            #expect(named.status == 0, "\(named.err)")
            #expect(named.out == coded.out)
            let missing = try fprepl(["--store", dir, "-c", "households where village = 幸福村"])
            #expect(missing.status == 1)
            #expect(missing.err == "error: column 28: no village is named '幸福村' in this county; give its 12-digit code\n")
        }
    }
}
