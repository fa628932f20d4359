import EventStore
import Foundation
import Projections

/// `rebuild`: every projection folded again from the first record.
enum RebuildCommand: ReplCommand {
    static let name = "rebuild"
    static let summary = "fold every projection again from the first record and replace the snapshot; prints events and events/second"
    static let example = "rebuild"
    static let reference = "fold every projection again from the first record (a progress bar on a terminal), replace the snapshot "
        + "beside the log (not with `--read-only`); prints events, households, villages, seconds, events/second"

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let (state, events, seconds) = try session.rebuildCounty()
        let shown = String(format: "%.3f", seconds)
        return .record(RecordResult(fields: [
            ("events", "events", .integer(Int64(events))),
            ("households", "households", .integer(Int64(state.households.count))),
            ("villages", "villages", .integer(Int64(state.villages.count))),
            ("seconds", "seconds", .json(.number(shown), plain: shown)),
            ("events_per_second", "events/second", .integer(seconds > 0 ? Int64(Double(events) / seconds) : 0)),
        ]))
    }
}
