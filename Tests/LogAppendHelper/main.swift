// A writer process for the concurrency test: appends COUNT events, one at a time, each
// to one of STREAMS streams shared with the other writers, with an exact expected
// version read just before, retrying on a version conflict. Prints
// "appended N conflicts C" and exits 0, or the error and exits 1.
//
//   log-append-helper STORE WRITER COUNT STREAMS
import EventStore
import Foundation
import PostgresStore

let args = CommandLine.arguments
guard args.count == 5, let count = Int(args[3]), let streams = Int(args[4]) else {
    FileHandle.standardError.write(Data("usage: log-append-helper STORE WRITER COUNT STREAMS\n".utf8))
    exit(64)
}
let writer = args[2]
do {
    let log: any EventLog = PostgresAddress.isAddress(args[1])
        ? try PostgresEventLog.open(PostgresAddress(args[1]))
        : try EventStore.open(args[1])
    var conflicts = 0
    let day = EffectiveDate(year: 2018, month: 3, day: 1)!
    for i in 0..<count {
        let stream = "household-shared-\((i + (Int(writer) ?? 0)) % streams)"
        while true {
            let current = try log.streamVersion(stream)
            let event = ProposedEvent(type: "VisitRecorded", effective: day, actor: "writer-\(writer)",
                                      payload: Array("\(writer):\(i)".utf8))
            do {
                _ = try log.append([event], to: stream, expected: current.map { .exact($0) } ?? .noStream)
                break
            } catch let e as StoreError where e.code == .versionConflict {
                conflicts += 1
            }
        }
    }
    try log.close()
    print("appended \(count) conflicts \(conflicts)")
} catch {
    FileHandle.standardError.write(Data("log-append-helper: \(error)\n".utf8))
    exit(1)
}
