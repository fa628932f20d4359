import EventStore
import Foundation
import Testing
@testable import Projections

// Helpers shared by this target's tests: the one place to look for a function a test
// calls that is not in its own file.

let samplesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Events/samples/household-life.jsonl")

func withStore<T>(_ body: (EventStore) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.path + "/fp-projections-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try EventStore.open(dir)
    return try body(store)
}

func sampleText() throws -> String { try String(contentsOf: samplesURL, encoding: .utf8) }

func household(_ store: EventStore, _ id: String, asOf: AsOf = .now) throws -> HouseholdState? {
    try HouseholdHistory.state(id: id, events: try store.readStream("household-" + id).map(LoggedEvent.init), asOf: asOf)
}

func allEvents(_ store: EventStore) throws -> [RecordedEvent] { try store.read(from: 0, maxCount: Int.max) }

/// A small county, built line by line so every figure below can be checked by hand.
///
/// Villages: V1 530124101201 (100 people) and V2 530124101202 (50), town 530124101;
/// V3 530124102301 (200), town 530124102. Households:
/// - A: V1, 3 people, 因病, identified 2015-01-10, removed (错评) 2016-06-01.
/// - B: V1, 2 people, 缺技术, identified 2015-01-10, exited 2015-12-01, 返贫 2016-07-01 (wrongful exit).
/// - C: V2, 4 people, 因病, identified 2015-01-10, still poor.
/// - D: V3, 1 person, 因学, identified 2016-03-01 as an omission (漏评).
/// - E: V3, 5 people, 缺劳动力, identified 2015-02-01, exited 2015-12-20.
enum SmallCounty {
    static func person(_ relation: String, _ serial: Int) -> String {
        let first17 = "53012419800101" + String(format: "%03d", serial)
        let id = first17 + String(IDNumber.checkCharacter(for: first17) ?? "0")
        return #"{"person_id":"p\#(serial)","name":"某\#(serial)","id_number":"\#(id)","relation":"\#(relation)"}"#
    }

    static func identified(_ h: String, _ village: String, people: Int, cause: String, on date: String, omission: Bool = false) -> String {
        let base = Int(h.unicodeScalars.first!.value) * 10
        let members = (0..<people).map { person($0 == 0 ? "户主" : "家属", base + $0) }.joined(separator: ",")
        return #"{"stream":"household-\#(h)","type":"HouseholdIdentified","effective":"\#(date)","actor":"op","data":{"village":"\#(village)","members":[\#(members)],"attribute":"一般贫困户","standard":"国家标准","main_cause":"\#(cause)","per_capita_income_fen":200000,"identified_year":\#(date.prefix(4)),"procedure":{},"omission_correction":\#(omission)}}"#
    }

    static func event(_ h: String, _ type: String, _ date: String, _ data: String) -> String {
        #"{"stream":"household-\#(h)","type":"\#(type)","effective":"\#(date)","actor":"op","data":\#(data)}"#
    }

    static func village(_ code: String, _ name: String, _ town: String, population: Int) -> String {
        #"{"stream":"village-\#(code)","type":"VillageRegistered","effective":"2014-01-01","actor":"op","data":{"name":"\#(name)","town":"\#(town)","county":"富民县","households":\#(population / 4),"population":\#(population)}}"#
    }

    static let lines: [String] = {
        [
            village("530124101201", "一村", "甲镇", population: 100),
            village("530124101202", "二村", "甲镇", population: 50),
            village("530124102301", "三村", "乙镇", population: 200),
            identified("A", "530124101201", people: 3, cause: "因病", on: "2015-01-10"),
            identified("B", "530124101201", people: 2, cause: "缺技术", on: "2015-01-10"),
            identified("C", "530124101202", people: 4, cause: "因病", on: "2015-01-10"),
            identified("E", "530124102301", people: 5, cause: "缺劳动力", on: "2015-02-01"),
            event("B", "ExitApproved", "2015-12-01", #"{"exit_year":2015,"procedure":{}}"#),
            event("E", "ExitApproved", "2015-12-20", #"{"exit_year":2015,"procedure":{}}"#),
            identified("D", "530124102301", people: 1, cause: "因学", on: "2016-03-01", omission: true),
            event("A", "RemovedAsMisidentified", "2016-06-01", #"{"reason":"有车辆","found_by":"审计"}"#),
            event("B", "ReturnedToPoverty", "2016-07-01", #"{"causes":["因病"],"found_by":"第三方评估","wrongful_exit":true}"#),
        ]
    }()
}

/// One fund, small enough to follow by hand (amounts in yuan; fen in the events):
/// 1,000 allocated to the county on 2016-01-01; 300 to town T on 01-11, 200 more on
/// 01-21; T pays household H 100 on 01-26 and transfers 150 to village V on 02-01;
/// V pays project P 150 on 02-10; the county returns 100 on 03-01.
enum SmallFund {
    static func event(_ type: String, _ date: String, _ data: String) -> String {
        #"{"stream":"fund-F1","type":"\#(type)","effective":"\#(date)","actor":"op","data":\#(data)}"#
    }

    static let lines = [
        event("FundAllocated", "2016-01-01", #"{"document":"财-1号","source":"中央财政专项","amount_fen":100000,"to":"county-530124","purpose":"产业帮扶"}"#),
        event("FundTransferred", "2016-01-11", #"{"from":"county-530124","to":"town-530124101","amount_fen":30000}"#),
        event("FundTransferred", "2016-01-21", #"{"from":"county-530124","to":"town-530124101","amount_fen":20000}"#),
        event("FundDisbursed", "2016-01-26", #"{"from":"town-530124101","household":"H","amount_fen":10000,"purpose":"产业帮扶","voucher":"v1"}"#),
        event("FundTransferred", "2016-02-01", #"{"from":"town-530124101","to":"village-530124101201","amount_fen":15000}"#),
        event("FundDisbursed", "2016-02-10", #"{"from":"village-530124101201","project":"P","amount_fen":15000,"purpose":"饮水安全"}"#),
        event("FundReturned", "2016-03-01", #"{"from":"county-530124","amount_fen":10000,"reason":"结余"}"#),
    ]

    static func withStore<T>(_ extra: [String] = [], _ body: (EventStore) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.path + "/fund-tests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore.open(dir)
        _ = try Importer.run((lines + extra).joined(separator: "\n"), store: store)
        return try body(store)
    }
}
