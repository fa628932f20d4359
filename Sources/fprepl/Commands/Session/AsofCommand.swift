import EventStore
import Projections

/// `asof position N | recorded TIME | effective DATE | now`: the point in time every
/// later query answers for; `asof` alone shows it.
enum AsofCommand: ReplCommand {
    static let setsWhatFollows = true
    static let name = "asof"
    static let summary = "set the point in time later queries answer for; alone, show it"
    static let usage = ["asof position N | recorded TIME | effective DATE | now", "asof"]
    static let example = "asof effective 2016-12-31"
    static let reference = "the point every later query answers for; `asof` alone shows it. A position must be one the log holds "
        + "(past its end is an error: `asof now` is the way to follow the log)"
    static let misuse = "asof takes: position N | recorded YYYY-MM-DDTHH:MM:SS[.ffffff]Z | effective YYYY-MM-DD | now"
    static let syntax = CommandSyntax.words(
        [Word("KIND", completes: .words(["position", "recorded", "effective", "now"]), optional: true), Word("POINT", optional: true)],
        misuse: misuse)

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let args = call.words
        guard let kind = args.first else { return .said("asof \(session.asOf)\n", json: [("asof", .string(session.asOf.description))]) }
        switch (kind, args.count) {
        case ("now", 1): session.asOf = .now
        case ("position", 2):
            guard let n = UInt64(args[1]) else { throw call.misuse }
            // A position the log has not reached is a slip of the keyboard, not a point
            // in its history (`asof now` follows the log as it grows).
            let end = try session.store().endPosition
            guard n < end else {
                throw CommandError(end == 0 ? "asof position \(n): the log holds no events yet"
                    : "asof position \(n): the log ends at position \(end - 1); asof now follows it as it grows")
            }
            session.asOf = .position(n)
        case ("recorded", 2):
            guard let t = RecordedTime(args[1]) else { throw CommandError("\(args[1]) is not a UTC time; " + misuse) }
            session.asOf = .recorded(t)
        case ("effective", 2):
            guard let d = EffectiveDate(args[1]) else { throw CommandError("\(args[1]) is not a date; " + misuse) }
            session.asOf = .effective(d)
        default: throw call.misuse
        }
        return .said("", json: [("asof", .string(session.asOf.description))])
    }
}
