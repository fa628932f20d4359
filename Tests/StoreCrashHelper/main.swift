// A child process for the crash tests: appends durable events to a store and reports
// each acknowledged append on stdout ("ack POSITION STREAM VERSION"), until it is
// killed. Usage: store-crash-helper STORE [fsync|group|none] [BATCH]
import EventStore
#if canImport(Glibc)
import Glibc
#endif

let args = CommandLine.arguments
guard args.count >= 2 else {
    var usage = Array("usage: store-crash-helper STORE [fsync|group|none] [BATCH]\n".utf8)
    _ = usage.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}
var config = EventStore.Configuration()
config.durability = args.count > 2 ? EventStore.Durability(rawValue: args[2]) ?? .groupCommit : .groupCommit
config.segmentSize = 16 << 10  // small segments, so kills land around rolls too
let batch = args.count > 3 ? Int(args[3]) ?? 1 : 1

func say(_ line: String, to fd: Int32 = 1) {
    var bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
}

do {
    let store = try EventStore.open(args[1], configuration: config)
    say("ready \(store.endPosition)")
    var i = 0
    let date = EffectiveDate(year: 2016, month: 12, day: 20)!
    while true {
        let stream = "household-\(i % 7)"
        let events = (0..<batch).map { k in
            ProposedEvent(type: "VisitRecorded", effective: date, actor: "op-\(i)",
                          payload: Array("payload \(i) \(k)".utf8))
        }
        let r = try store.append(events, to: stream)
        say("ack \(r.positions.upperBound - 1) \(stream) \(r.lastVersions[stream] ?? 0)")
        i += 1
    }
} catch {
    say("error: \(error)", to: 2)
    exit(1)
}
