import EventStore
import Foundation
import Testing
@testable import Projections

@Suite struct ImporterTests {
    @Test func theSampleImportsWhole() throws {
        try withStore { store in
            let report = try Importer.run(try sampleText(), store: store)
            #expect(report.events == 46)
            #expect(report.positions == 0..<46)
            #expect(store.status().streams == 7)
            let records = try allEvents(store)
            let exported = try records.map { r in try CanonicalExport.line(r, typeOfPosition: { records[Int($0)].type }) }
            // Export, then import into a fresh store: the same events, byte for byte.
            try withStore { second in
                _ = try Importer.run(exported.joined(separator: "\n") + "\n", store: second)
                let again = try allEvents(second)
                #expect(again.map(\.payload) == records.map(\.payload))
                #expect(again.map(\.metadata) == records.map(\.metadata))
                #expect(again.map(\.stream) == records.map(\.stream))
            }
        }
    }

    @Test func aBadLineImportsNothingAndSaysWhere() throws {
        try withStore { store in
            var lines = try sampleText().split(separator: "\n").map(String.init)
            lines[30] = lines[30].replacingOccurrences(of: "\"found_by\":\"第三方评估\"", with: "\"found_by\":\"群众举报\"")
            #expect(throws: ProjectionError.self) { try Importer.run(lines.joined(separator: "\n"), store: store) }
            do {
                _ = try Importer.run(lines.joined(separator: "\n"), store: store)
            } catch let e as ProjectionError {
                #expect(e.line == 31)
                #expect(e.field == "data.found_by")
                #expect(e.description.hasPrefix("line 31: field data.found_by: \"群众举报\" is not a label of 发现方式 (found by); one of: 动态管理,"))
            }
            #expect(store.endPosition == 0)
        }
    }

    @Test func theStatusMachineRefusesNonsense() throws {
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            func refusal(_ line: String) -> String {
                do { _ = try Importer.run(line, store: store); return "accepted" } catch { return "\(error)" }
            }
            let h1 = "household-5301241012010001", h2 = "household-5301241012010002"
            #expect(refusal(#"{"stream":"household-9","type":"ExitApproved","effective":"2016-12-20","actor":"op","data":{"exit_year":2016,"procedure":{}}}"#)
                    == "line 1: field type: ExitApproved refused: the household was never identified (识别纳入); ExitApproved makes no sense before that")
            #expect(refusal(#"{"stream":"\#(h1)","type":"ExitApproved","effective":"2022-01-01","actor":"op","data":{"exit_year":2022,"procedure":{}}}"#)
                    == "line 1: field type: ExitApproved refused: the household is 已脱贫(不再享受政策); only a 未脱贫 or 返贫 household can exit")
            #expect(refusal(#"{"stream":"\#(h2)","type":"RemovedAsMisidentified","effective":"2018-01-01","actor":"op","data":{"reason":"x","found_by":"自查"}}"#)
                    == "line 1: field type: RemovedAsMisidentified refused: the household is 已剔除 already")
            #expect(refusal(#"{"stream":"\#(h1)","type":"HelperReleased","effective":"2022-01-01","actor":"op","data":{"cadre":"c0404"}}"#)
                    == "line 1: field type: HelperReleased refused: cadre c0404 is not a helper of this household")
            #expect(refusal(#"{"stream":"\#(h1)","type":"RiskEliminated","effective":"2022-01-01","actor":"op","data":{"method":"x"}}"#)
                    == "line 1: field type: RiskEliminated refused: the household is not monitored; there is no risk to eliminate")
            // Within one file, later lines see the earlier ones.
            let twice = #"{"stream":"household-7","type":"HouseholdIdentified","effective":"2014-10-20","actor":"op","data":{"village":"530124101201","members":[{"person_id":"p","name":"甲","id_number":"11010519491231002X","relation":"户主"}],"attribute":"一般贫困户","standard":"国家标准","main_cause":"因病","per_capita_income_fen":1,"identified_year":2014,"procedure":{}}}"#
            #expect(refusal(twice + "\n" + twice) == "line 2: field type: HouseholdIdentified refused: the household is 未脱贫; it was identified already")
            #expect(store.endPosition == 46)
        }
    }

    /// An amount larger than any event may carry (10^15 fen) is refused with its field;
    /// 2^63-1 fen in an income or a fund made the projections' sums trap.
    @Test func amountsAboveTheLargestAreRefusedWithTheirField() throws {
        try withStore { store in
            let fund = #"{"stream":"fund-2099-001","type":"FundAllocated","effective":"2016-03-01","actor":"op","data":{"document":"d","source":"中央财政专项","amount_fen":AMOUNT,"to":"county-530124","purpose":"产业帮扶"}}"#
            func result(_ amount: String) -> String {
                do { _ = try Importer.run(fund.replacingOccurrences(of: "AMOUNT", with: amount), store: store); return "accepted" } catch { return "\(error)" }
            }
            #expect(result("9223372036854775807")
                == "line 1: field data.amount_fen: 9223372036854775807 fen is more than the largest amount an event may carry (10^15 fen, 10 trillion yuan)")
            #expect(result("1000000000000001").hasPrefix("line 1: field data.amount_fen: 1000000000000001 fen is more than"))
            // Past 64 bits: too large too, not "not a whole number".
            #expect(result("9223372036854775808")
                == "line 1: field data.amount_fen: 9223372036854775808 fen is more than the largest amount an event may carry (10^15 fen, 10 trillion yuan)")
            #expect(store.endPosition == 0, "nothing was written")
            #expect(result("1000000000000000") == "accepted")
        }
    }

    /// Control characters are refused in every text of an event, naming the field and
    /// where: an actor `op\nINJECTED-LINE` showed a forged row in `history`.
    @Test func controlCharactersAreRefusedWithTheirField() throws {
        try withStore { store in
            let line = #"{"stream":"village-530124101201","type":"VillageRegistered","effective":"2014-03-01","actor":"ACTOR","data":{"name":"NAME","town":"永定镇","county":"富民县","households":420,"population":1630}}"#
            func result(actor: String = "op", name: String = "和平村") -> String {
                let text = line.replacingOccurrences(of: "ACTOR", with: actor).replacingOccurrences(of: "NAME", with: name)
                do { _ = try Importer.run(text, store: store); return "accepted" } catch { return "\(error)" }
            }
            #expect(result(actor: #"op\nINJECTED-LINE"#) == "line 1: field actor: holds the control character U+000A at character 3")
            #expect(result(name: #"和平\u001b[2J村"#) == "line 1: field data.name: holds the control character U+001B at character 3")
            #expect(result(name: #"和平\u0085村"#).hasSuffix("U+0085 at character 3"))
            #expect(store.endPosition == 0, "nothing was written")
            #expect(result() == "accepted")
        }
    }

    @Test func expectedVersionsAreCheckedPerLine() throws {
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            let line = #"{"stream":"village-530124101201","type":"PopulationReported","effective":"2017-12-31","actor":"op","expected_version":VERSION,"data":{"year":2017,"households":430,"population":1650}}"#
            func result(_ v: String) -> String {
                do { _ = try Importer.run(line.replacingOccurrences(of: "VERSION", with: v), store: store); return "accepted" } catch { return "\(error)" }
            }
            // The village has four events: versions 0 to 3.
            // Where the log is past the line (the file, or part of it, imported before),
            // the error says so; where the line is past the log (events missing), not.
            let again = "; the log holds this event's place already: was this file imported before? (status shows the log's end)"
            #expect(result("-1") == "line 1: field expected_version: village-530124101201 exists already (version 3)" + again)
            #expect(result("2") == "line 1: field expected_version: village-530124101201 is at version 3, not 2" + again)
            #expect(result("7") == "line 1: field expected_version: village-530124101201 is at version 3, not 7")
            #expect(result("3") == "accepted")
            // The whole sample again: refused at its first line, with the same question.
            #expect(throws: ProjectionError.self) { _ = try Importer.run(try sampleText(), store: store) }
            do { _ = try Importer.run(try sampleText(), store: store) } catch { #expect("\(error)".hasSuffix(again), "\(error)") }
        }
    }

    /// With several writers (the PostgreSQL backend), a file is checked against the log
    /// as it was; what another writer appends before the file is written must not slip
    /// past those checks.
    @Test func anImportPreparedBeforeAnotherWriterTouchedItsStreamsWritesNothing() throws {
        try withStore { store in
            let lines = try sampleText().split(separator: "\n").map(String.init)
            _ = try Importer.run(lines.prefix(10).joined(separator: "\n"), store: store)
            let rest = lines.dropFirst(10).joined(separator: "\n")
            let writes = try Importer.prepare(rest, store: store)
            // Another writer appends to one of the streams the file goes on with.
            let touched = writes[0].stream
            _ = try store.append([ProposedEvent(type: "VisitRecorded", effective: EffectiveDate(year: 2015, month: 1, day: 1)!,
                                                actor: "other-office", payload: [])], to: touched)
            let end = store.endPosition
            let e = #expect(throws: StoreError.self) { try store.append(writes) }
            #expect(e?.code == .versionConflict)
            #expect(e?.message.hasPrefix("stream \(touched): expected version") == true)
            #expect(store.endPosition == end)
        }
    }

    @Test func anImportWhoseCorrectionsNameItsOwnEventsNeedsTheLogWhereItWas() throws {
        try withStore { store in
            let lines = [
                #"{"stream":"fund-F9","type":"FundAllocated","effective":"2016-01-05","actor":"op","document":"富财农〔2016〕1号","data":{"document":"富财农〔2016〕1号","source":"中央财政专项","amount_fen":100000,"to":"county-530124","purpose":"产业帮扶"}}"#,
                #"{"stream":"fund-F9","type":"Correction","effective":"2016-01-06","actor":"op","data":{"target":0,"action":"retract","approver":"县财政局"}}"#,
            ]
            var text = lines.joined(separator: "\n")
            let prepared = try text.withUTF8 { try Importer.prepared(utf8: UnsafeRawBufferPointer($0), store: store) }
            #expect(prepared.ownPositions && prepared.base == 0)
            _ = try store.append([ProposedEvent(type: "VisitRecorded", effective: EffectiveDate(year: 2015, month: 1, day: 1)!,
                                                actor: "other-office", payload: [])], to: "household-X")
            let e = #expect(throws: StoreError.self) { try store.append(prepared.writes, startingAt: prepared.base) }
            #expect(e?.code == .versionConflict)
            #expect(e?.message.hasPrefix("the log grew from 0 to 1 records while this append was prepared") == true)
            #expect(store.endPosition == 1)
        }
    }

    /// A correction refolds its household from every event: those already in the store
    /// and the file's own before it. Split anywhere, two imports end where one does.
    @Test func aCorrectionRefoldsFromTheStoreAndTheFileWhereverTheFileIsSplit() throws {
        let lines = try sampleText().split(separator: "\n").map(String.init)
        let whole = try withStore { store in
            _ = try Importer.run(lines.joined(separator: "\n"), store: store)
            return try ["5301241012010001", "5301241012010002"].map { try household(store, $0) }
        }
        #expect(whole[0]?.status == .exitedNoPolicy && whole[1]?.status == .removed)
        for split in 1..<lines.count {
            try withStore { store in
                _ = try Importer.run(lines[..<split].joined(separator: "\n"), store: store)
                let second = try Importer.run(lines[split...].joined(separator: "\n"), store: store)
                #expect(second.events == lines.count - split)
                let states = try ["5301241012010001", "5301241012010002"].map { try household(store, $0) }
                #expect(states == whole, "split before line \(split + 1)")
            }
        }
    }

    @Test func aCorrectionMustNameAnEventOfItsOwnStream() throws {
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            let c = #"{"stream":"household-5301241012010001","type":"Correction","effective":"2018-01-01","actor":"op","data":{"target":TARGET,"action":"retract","approver":"x"}}"#
            func result(_ t: String) -> String {
                do { _ = try Importer.run(c.replacingOccurrences(of: "TARGET", with: t), store: store); return "accepted" } catch { return "\(error)" }
            }
            #expect(result("0") == "line 1: field data.target: no event at that position in household-5301241012010001", "position 0 is a policy event")
            #expect(result("29") == "line 1: field data.target: a correction cannot correct a correction")
            #expect(result("999") == "line 1: field data.target: no event at that position in household-5301241012010001")
        }
    }
}

@Suite struct HouseholdProjectionTests {
    @Test func theSampleHouseholdsEndWhereTheirHistoryLeadsThem() throws {
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            let h = try #require(try household(store, "5301241012010001"))
            #expect(h.status == .exitedNoPolicy)
            #expect(h.village == "530124101201")
            #expect(h.mainCauseLabel == "因病")
            #expect(h.members.map(\.personID) == ["p-0001", "p-0002", "p-0003", "p-0004"], "the 2018 birth joined")
            #expect(h.helpers == ["c0001"])
            #expect(h.exitYear == 2018)
            #expect(h.monitored == false)
            // 2018: 900,000 + 600,000 - 250,000 + 30,000 + (120,000 + 15,000) = 1,415,000 fen
            // over 4 members = 353,750 fen per person.
            #expect(h.income?.year == 2018)
            #expect(h.income?.net.value == 1_415_000)
            #expect(h.income?.perCapita.value == 353_750)
            #expect(h.measures.map(\.category) == [5, 1])

            let h2 = try #require(try household(store, "5301241012010002"))
            #expect(h2.status == .removed)
            #expect(h2.helpers.isEmpty)
            #expect(h2.mainCause == 7, "imported as the code 07: 缺技术")
            #expect(h2.relocationDebt?.value == 800_000)
        }
    }

    /// The sample's correction (position 29) replaced the 2016 income (position 25)
    /// after the exit: the wages had been counted twice.
    @Test func aCorrectionChangesTheEffectiveAnswerNeverTheRecordedOne() throws {
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            let before = try #require(try household(store, "5301241012010001", asOf: .position(28)))
            // (600,000 + 520,000 - 220,000 + 0 + 35,000) / 3 = 311,666.67 -> 311,667 fen.
            #expect(before.income?.perCapita.value == 311_667)
            #expect(before.status == .exited)
            let effective = try #require(try household(store, "5301241012010001", asOf: .effective(EffectiveDate("2016-12-31")!)))
            // (180,000 + 320,000 - 220,000 + 0 + 35,000) / 3 = 105,000 fen: below the 2016 line.
            #expect(effective.income?.perCapita.value == 105_000)
            #expect(effective.status == .exited)
            #expect(effective.exitYear == 2016)
            // Appending more corrections never changes what the ledger said at position 28.
            _ = try Importer.run(#"{"stream":"household-5301241012010001","type":"Correction","effective":"2022-01-01","actor":"op","data":{"target":25,"action":"retract","approver":"x"}}"#, store: store)
            #expect(try household(store, "5301241012010001", asOf: .position(28)) == before)
            #expect(try household(store, "5301241012010001", asOf: .effective(EffectiveDate("2016-12-31")!))?.income?.year == 2015,
                    "with the 2016 assessment retracted, 2015's is the latest")
        }
    }

    @Test func asOfADateBeforeIdentificationThereIsNoHousehold() throws {
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            #expect(try household(store, "5301241012010001", asOf: .effective(EffectiveDate("2014-10-19")!)) == nil)
            #expect(try household(store, "5301241012010001", asOf: .effective(EffectiveDate("2014-10-20")!))?.status == .poor)
            #expect(try household(store, "5301241012010001", asOf: .effective(EffectiveDate("2017-12-31")!))?.status == .returned)
        }
    }

    @Test func roundingIsHalfAwayFromZero() {
        #expect(HouseholdFold.divideRounding(7, 2) == 4)
        #expect(HouseholdFold.divideRounding(-7, 2) == -4)
        #expect(HouseholdFold.divideRounding(935_000, 3) == 311_667)
        #expect(HouseholdFold.divideRounding(10, 4) == 3)
        #expect(HouseholdFold.divideRounding(9, 4) == 2)
    }
}
