import EventStore
import Foundation
import SwiftProtobuf
import Testing
@testable import Projections

func sampleLines() throws -> [String] {
    try String(contentsOf: samplesURL, encoding: .utf8).split(separator: "\n").map(String.init)
}

/// Imports lines as a store would number them: line k at position k.
func proposed(_ lines: [String]) throws -> [(CanonicalEvent, ProposedEvent)] {
    let events = try lines.map { try CanonicalEvent.parse(line: $0) }
    return try events.map { e in (e, try e.proposed(typeOfPosition: { p in p < events.count ? events[Int(p)].type : nil })) }
}

@Suite struct CatalogTests {
    /// Strings: ASCII taken as it is, other text checked as UTF-8 (Chinese passes; a
    /// stray byte, a cut sequence, an overlong form or a surrogate's bytes are refused,
    /// naming the string's column), escapes decoded.
    @Test func jsonStringsAreUTF8CheckedUnlessASCII() throws {
        func parse(_ bytes: [UInt8]) -> Result<JSONValue, any Error> {
            Result { try bytes.withUnsafeBytes { try JSONParser.parse($0) } }
        }
        func quoted(_ inner: [UInt8]) -> [UInt8] { Array("{\"k\":\"".utf8) + inner + Array("\"}".utf8) }
        #expect(try parse(quoted(Array("household-5301241012010001".utf8))).get() == .object(JSONObject([("k", .string("household-5301241012010001"))])))
        #expect(try parse(quoted(Array("因病 致贫".utf8))).get() == .object(JSONObject([("k", .string("因病 致贫"))])))
        #expect(try parse(quoted(Array(#"a\u00e9\n\"b"#.utf8))).get() == .object(JSONObject([("k", .string("aé\n\"b"))])))
        for bad: [UInt8] in [[0x61, 0xFF], [0xE5, 0x9B], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x61, 0x80, 0x62]] {
            guard case .failure(let e) = parse(quoted(bad)) else { Issue.record("\(bad) accepted"); continue }
            #expect("\(e)" == "column 6: the string is not valid UTF-8", "\(bad)")
        }
    }

    @Test func everyEventTypeHasAGeneratedMessageAndTheSamplesUseThemAll() throws {
        #expect(Set(EventCatalog.messageTypes.keys) == Set(EventCatalog.all.map(\.type)))
        let used = Set(try sampleLines().map { try CanonicalEvent.parse(line: $0).type })
        #expect(used == Set(EventCatalog.all.map(\.type)), "Events/samples must show every event type")
    }

    /// The schema table and the .proto files agree: what the table encodes, the
    /// generated code decodes and re-encodes to the very same bytes.
    @Test func tableEncodingIsByteForByteWhatTheGeneratedCodeWrites() throws {
        for (event, p) in try proposed(try sampleLines()) {
            let type = try #require(EventCatalog.messageTypes[event.type])
            let message = try type.init(serializedBytes: p.payload)
            let again: [UInt8] = try message.serializedBytes()
            #expect(again == p.payload, "\(event.type): the table's bytes and the generated code's differ")
            #expect(message.unknownFields.data.isEmpty, "\(event.type): the generated code found unknown fields")
        }
    }

    @Test func fieldNumbersAndNamesMatchTheGeneratedCode() throws {
        for spec in EventCatalog.all {
            let type = try #require(EventCatalog.messageTypes[spec.type])
            #expect(type.protoMessageName == spec.schema.name)
        }
    }
}

@Suite struct CanonicalJSONRoundTripTests {
    @Test func exportThenImportGivesTheSameBytes() throws {
        let lines = try sampleLines()
        let events = try proposed(lines)
        for (k, (event, p)) in events.enumerated() {
            let record = RecordedEvent(position: UInt64(k), stream: event.stream, version: 0, type: event.type,
                                       effective: event.effective, recorded: RecordedTime(microseconds: 1_504_426_502_123_456),
                                       actor: event.actor, correlation: nil, metadata: p.metadata, payload: p.payload)
            let exported = try CanonicalExport.line(record, typeOfPosition: { events[Int($0)].0.type })
            let back = try CanonicalEvent.parse(line: exported)
            let p2 = try back.proposed(typeOfPosition: { events[Int($0)].0.type })
            #expect(p2 == p, "line \(k + 1) does not survive export and import:\n\(lines[k])\n\(exported)")
        }
    }

    @Test func exportWritesLabelsDatesAndTheAddedFields() throws {
        let lines = try sampleLines()
        let events = try proposed(lines)
        func export(_ k: Int) throws -> String {
            let (e, p) = events[k]
            return try CanonicalExport.line(
                RecordedEvent(position: UInt64(k), stream: e.stream, version: 3, type: e.type, effective: e.effective,
                              recorded: RecordedTime(microseconds: 1_504_426_502_123_456), actor: e.actor, correlation: nil,
                              metadata: p.metadata, payload: p.payload),
                typeOfPosition: { events[Int($0)].0.type })
        }
        // The second household was imported with the official code "07"; export writes the label.
        let second = try #require(lines.firstIndex { $0.contains("5301241012010002") && $0.contains("HouseholdIdentified") })
        #expect(try export(second).contains("\"main_cause\":\"缺技术\""))
        #expect(try export(second).hasPrefix("{\"position\":\(second),\"version\":3,\"recorded\":\"2017-09-03T08:15:02.123456Z\",\"stream\":\"household-5301241012010002\""))
        // Required fields appear even when zero; optional zero fields are left out.
        let guarantees = try #require(lines.firstIndex { $0.contains("GuaranteesAssessed") })
        let g = try export(guarantees)
        #expect(!g.contains("dropouts"))
        #expect(g.contains("\"housing_grade\":\"B\""))
        let income = try #require(lines.firstIndex { $0.contains("IncomeAssessed") })
        #expect(try export(income).contains("\"property_fen\":0"))
        // Document and reason come back from the metadata.
        let exit = try #require(lines.firstIndex { $0.contains("ExitApproved") })
        #expect(try export(exit).contains("\"actor\":\"op-0007\",\"document\":\"富扶组〔2016〕31号\",\"reason\":\"年度脱贫\",\"data\":{\"exit_year\":2016,"))
        // A correction's replacement data is shown as the corrected event's data.
        let correction = try #require(lines.firstIndex { $0.contains("\"action\":\"replace\"") })
        #expect(try export(correction).contains("\"action\":\"replace\",\"data\":{\"year\":2016,\"wage_fen\":180000,"))
    }
}

@Suite struct CanonicalJSONErrorTests {
    let good = #"{"stream":"fund-1","type":"FundAllocated","effective":"2016-03-01","actor":"op","data":{"document":"富财农〔2016〕12号","source":"中央财政专项","amount_fen":100,"to":"county-530124","purpose":"产业帮扶"}}"#

    func error(_ line: String) -> String {
        do {
            _ = try CanonicalEvent.parse(line: line).proposed()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func replacing(_ a: String, _ b: String) -> String { good.replacingOccurrences(of: a, with: b) }

    @Test func theGoodLineIsGood() { #expect(error(good) == "no error") }

    @Test func everyErrorNamesItsField() {
        #expect(error(replacing("FundAllocated", "FundAlocated")).hasPrefix("field type: unknown event type \"FundAlocated\"; the catalog has HouseholdIdentified,"))
        #expect(error(replacing("\"actor\":\"op\",", "")) == "field actor: is required")
        #expect(error(replacing("2016-03-01", "2016-02-30")) == "field effective: \"2016-02-30\" is not a date YYYY-MM-DD")
        #expect(error(replacing("\"amount_fen\":100", "\"amount_fen\":100.5")) == "field data.amount_fen: must be a whole number, not 100.5")
        #expect(error(replacing("\"amount_fen\":100", "\"amount_fen\":-1")) == "field data.amount_fen: must not be negative")
        #expect(error(replacing("\"amount_fen\":100", "\"amount_fen\":\"100\"")) == "field data.amount_fen: must be a number, not a string")
        #expect(error(replacing("中央财政专项", "中央财政")).hasPrefix("field data.source: \"中央财政\" is not a label of 资金来源 (fund source); one of: 中央财政专项, 省级财政专项,"))
        #expect(error(replacing("county-530124", "county-5301")) == "field data.to: \"county-5301\" is not a unit (county-<6 digits>, town-<9 digits>, village-<12 digits> or org-<name>)")
        #expect(error(replacing("\"purpose\":\"产业帮扶\"", "\"purpose\":\"产业帮扶\",\"purpos\":1")).hasPrefix("field data.purpos: unknown field; the fields are document, source, amount_fen, to, purpose"))
        #expect(error(replacing(",\"purpose\":\"产业帮扶\"", "")) == "field data.purpose: is required")
        #expect(error(replacing("fund-1", "household-1")) == "field stream: FundAllocated belongs in a fund-<id> stream, not household-1")
        #expect(error(replacing("fund-1", "fund1")).hasPrefix("field stream: \"fund1\" is not category-id"))
        #expect(error(replacing("\"actor\"", "\"actr\"")).hasPrefix("field actr: unknown field; the envelope's fields are"))
        #expect(error(replacing("\"data\":{", "\"expected_version\":-2,\"data\":{")) == "field expected_version: must be -1 (no stream yet) or a version 0 or more")
    }

    @Test func syntaxErrorsNameTheColumn() {
        #expect(error(replacing("\"amount_fen\":100", "\"amount_fen\":100,")).hasPrefix("column "))
        #expect(error(#"{"stream":"a","stream":"b"}"#) == "column 15: field \"stream\" appears twice")
        #expect(error(#"{"type": tru}"#) == "column 10: expected a JSON value")
        #expect(error(#"{"type":"x"} x"#) == "column 14: unexpected text after the JSON value")
    }

    @Test func householdRulesNameTheNestedField() throws {
        let line = try #require(try sampleLines().first { $0.contains("HouseholdIdentified") })
        let badID = line.replacingOccurrences(of: "\"relation\":\"配偶\"", with: "\"relation\":\"配偶\",\"extra\":1")
        #expect(error(badID).hasPrefix("field data.members[1].extra: unknown field; the fields are person_id, name, id_number"))
        let v = try JSONParser.parse(line)
        guard case .object(var o) = v, case .object(var data)? = o["data"], case .array(var members)? = data["members"],
              case .object(var second) = members[1] else { Issue.record("sample shape"); return }
        second.members = second.members.map { $0.key == "id_number" ? ($0.key, .string("53012419650722122X")) : $0 }
        members[1] = .object(second)
        data.members = data.members.map { $0.key == "members" ? ($0.key, .array(members)) : $0 }
        o.members = o.members.map { $0.key == "data" ? ($0.key, .object(data)) : $0 }
        #expect(error(JSONWriter.write(.object(o))).hasPrefix("field data.members[1].id_number: the id number's check character is X, expected"))
        let twoHeads = line.replacingOccurrences(of: "\"relation\":\"配偶\"", with: "\"relation\":\"户主\"")
        #expect(error(twoHeads) == "field data.members: exactly one member has relation 户主; here 2 do")
        let badCause = line.replacingOccurrences(of: "\"main_cause\":\"因病\"", with: "\"main_cause\":\"12\"")
        #expect(error(badCause).hasPrefix("field data.main_cause: \"12\" is not a label of 致贫原因 (cause); one of: 因病, 因残,"))
        let badVillage = line.replacingOccurrences(of: "\"village\":\"530124101201\"", with: "\"village\":\"53012410120\"")
        #expect(error(badVillage) == "field data.village: \"53012410120\" is not a 12-digit village code")
    }

    @Test func fundDisbursementNamesExactlyOneRecipient() {
        let base = #"{"stream":"fund-1","type":"FundDisbursed","effective":"2016-04-18","actor":"op","data":{"from":"village-530124101201",RECIPIENT"amount_fen":1,"purpose":"产业帮扶"}}"#
        #expect(error(base.replacingOccurrences(of: "RECIPIENT", with: "\"household\":\"h1\",")) == "no error")
        #expect(error(base.replacingOccurrences(of: "RECIPIENT", with: "")) == "field data.household|project: one of household, project is required")
        #expect(error(base.replacingOccurrences(of: "RECIPIENT", with: "\"household\":\"h1\",\"project\":\"p1\",")) == "field data.household|project: give only one of household, project")
    }

    @Test func correctionsAndPoliciesFollowTheirRules() {
        let policy = #"{"stream":"policy-default","type":"PolicySet","effective":"2016-01-01","actor":"op","data":{"key":"poverty_line_fen","value":295200}}"#
        #expect(error(policy) == "field data.year: is required for poverty_line_fen")
        #expect(error(policy.replacingOccurrences(of: "poverty_line_fen", with: "povertyline")).hasPrefix("field data.key: not a policy key"))
        let replace = #"{"stream":"household-1","type":"Correction","effective":"2017-01-01","actor":"op","data":{"target":0,"action":"replace","approver":"x"}}"#
        #expect(error(replace) == "field data.data: is required for a replace (the replacement data)")
        let retract = replace.replacingOccurrences(of: "replace", with: "retract")
        #expect(error(retract) == "field data.target: no event at that position in household-1")
        let orphan = replace.replacingOccurrences(of: "\"approver\"", with: "\"data\":{},\"approver\"")
        #expect(error(orphan) == "field data.target: no event at that position in household-1")
    }
}
