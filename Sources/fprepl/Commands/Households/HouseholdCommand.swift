import EventStore
import Projections

/// `household ID`: one household as of the asof point.
enum HouseholdCommand: ReplCommand {
    static let name = "household"
    static let summary = "one household's current state (as of the asof point)"
    static let usage = ["household ID"]
    static let example = "household 5301241012010001"
    static let reference = "one household as of the `asof` point"
    static let syntax = CommandSyntax.words([.household], misuse: "household takes one household id: household 5301241012010001")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let id = call.words[0]
        let events = try HouseholdView.events(id, session)
        guard let h = try HouseholdHistory.state(id: id, events: events, asOf: session.asOf) else {
            throw CommandError("household \(id) was not identified as of \(session.asOf)")
        }
        return .record(HouseholdView.record(h, session))
    }
}
