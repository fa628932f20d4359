import EventStore
import Foundation
import Projections

/// `replay ID [--until DATE|#POS] [--step]`: the household rebuilt event by event, each
/// event shown with what it changed (only the fields that changed, before and after).
///
/// The state after each event is the household as of that event's position, with the
/// corrections known by then applied: a correction shows as the changes it makes to the
/// fields. Interactive `--step` waits for Enter between events; in scripts every step
/// is printed.
enum ReplayCommand {
    struct Step {
        var event: LoggedEvent
        var summary: String
        var changes: [(key: String, label: String, before: ResultValue, after: ResultValue)]
    }

    static let usage = "replay takes a household id: replay 5301241012010001 [--until DATE|#POS] [--step]"

    static func run(_ args: [String], _ session: Session) throws -> String {
        var rest = args[...]
        guard let id = rest.popFirst(), !id.hasPrefix("-") else { throw CommandError(usage) }
        var step = false
        var untilPosition: UInt64?
        var untilDate: EffectiveDate?
        while let a = rest.popFirst() {
            switch a {
            case "--step": step = true
            case "--until":
                guard let v = rest.popFirst() else { throw CommandError("--until takes a date (2016-12-31) or a position (#1234)") }
                if v.hasPrefix("#"), let p = UInt64(v.dropFirst()) {
                    untilPosition = p
                } else if let d = EffectiveDate(v) {
                    untilDate = d
                } else {
                    throw CommandError("--until takes a date (2016-12-31) or a position (#1234), not '\(v)'")
                }
            default: throw CommandError("replay: unknown option \(a); options: --until DATE|#POS, --step")
            }
        }
        let all = try HouseholdCommands.events(id, session)
        let known = all.filter { session.asOf.knows(position: $0.position, recorded: $0.recorded) }
        var steps: [Step] = []
        var before: HouseholdState?
        for (k, e) in known.enumerated() {
            if let p = untilPosition, e.position > p { break }
            if let d = untilDate, e.effective > d { break }
            // An event adds to the state before it; a correction may change any earlier
            // one, so the household is refolded from the start with it applied.
            var after = before
            if e.kind == .correction {
                after = try HouseholdHistory.state(id: id, events: Array(known[0...k]), asOf: .position(e.position))
            } else {
                try HouseholdFold.apply(&after, e, id: id)
            }
            steps.append(Step(event: e, summary: summary(e), changes: diff(before, after, session)))
            before = after
        }
        if steps.isEmpty { throw CommandError("household \(id) has no events to replay up to that point") }

        if session.mode == .json { return json(steps) + "\n" }
        if step && session.interactive {
            for (k, s) in steps.enumerated() {
                session.emit(render(s, session))
                if k + 1 < steps.count {
                    FileHandle.standardError.write(Data("-- \(k + 1)/\(steps.count): Enter for the next event, q and Enter to stop --".utf8))
                    guard let answer = readLine(), answer.trimmingCharacters(in: .whitespaces) != "q" else { break }
                }
            }
            return ""
        }
        return steps.map { render($0, session) }.joined()
    }

    /// Fields of the household that differ between two states (position and version
    /// left out: every event moves them).
    static func diff(_ a: HouseholdState?, _ b: HouseholdState?, _ session: Session)
        -> [(key: String, label: String, before: ResultValue, after: ResultValue)] {
        let fa = a.map { HouseholdCommands.fields(of: $0, session) } ?? []
        let fb = b.map { HouseholdCommands.fields(of: $0, session) } ?? []
        let keys = (fb.isEmpty ? fa : fb).map { ($0.key, $0.label) }
        var out: [(key: String, label: String, before: ResultValue, after: ResultValue)] = []
        for (key, label) in keys where key != "position" && key != "version" {
            let x = fa.first { $0.key == key }?.value ?? .null
            let y = fb.first { $0.key == key }?.value ?? .null
            if x.json != y.json { out.append((key, label, x, y)) }
        }
        return out
    }

    /// The event in one line; summaries hold no names or id numbers.
    static func summary(_ e: LoggedEvent) -> String {
        EventSummary.line(type: e.type, payload: e.payload)
    }

    static func render(_ s: Step, _ session: Session) -> String {
        let e = s.event
        var out = "#\(e.position)  v\(e.version)  \(e.effective)  \(e.type)  \(s.summary)\n"
        if s.changes.isEmpty {
            out += "    (no field of the household changed)\n"
        } else {
            let w = s.changes.map { displayWidth($0.label) }.max() ?? 0
            for c in s.changes {
                let before = c.before.plain.isEmpty ? "-" : c.before.plain
                let after = c.after.plain.isEmpty ? "-" : c.after.plain
                out += "    " + pad(c.label, to: w) + "  " + before + " → " + after + "\n"
            }
        }
        return out
    }

    static func json(_ steps: [Step]) -> String {
        "[" + steps.map { s in
            "{\"position\":\(s.event.position),\"version\":\(s.event.version),\"type\":\(jsonQuote(s.event.type)),"
                + "\"effective\":\(jsonQuote(s.event.effective.description)),\"summary\":\(jsonQuote(s.summary)),\"changes\":["
                + s.changes.map { "{\"field\":\(jsonQuote($0.key)),\"before\":\($0.before.json),\"after\":\($0.after.json)}" }
                    .joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
    }
}
