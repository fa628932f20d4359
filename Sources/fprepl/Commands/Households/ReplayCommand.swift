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
enum ReplayCommand: ReplCommand {
    static let name = "replay"
    static let summary = "rebuild a household event by event, showing the fields each event changed; --step waits for Enter between events"
    static let usage = ["replay ID [--until DATE|#POS] [--step]"]
    static let example = "replay 5301241012010001 --until 2017-12-31 --step"
    static let reference = "the household rebuilt event by event: each event's line, then only the fields it changed, `before → after` "
        + "(a correction shows as the change it makes); `--step` waits for Enter between events on a terminal (`q` and Enter, Ctrl-C or Ctrl-D stop it); "
        + "scripts get every step; JSON: `[{\"position\",\"version\",\"type\",\"effective\",\"summary\",\"changes\":[{\"field\",\"before\",\"after\"}]}]`"

    /// Where the replay stops: after the last event effective on or before a date, or at
    /// a position.
    enum Until {
        case date(EffectiveDate)
        case position(UInt64)

        init?(_ text: String) {
            if text.hasPrefix("#"), let p = UInt64(text.dropFirst()) {
                self = .position(p)
            } else if let d = EffectiveDate(text) {
                self = .date(d)
            } else {
                return nil
            }
        }
    }

    static let until = CommandOption<Until>(name: "--until", valueName: "DATE|#POS", expects: "a date (2016-12-31) or a position (#1234)",
                                     help: "stop after the last event effective on or before DATE, or at position POS", parse: Until.init)
    static let step = CommandFlag(name: "--step", help: "on a terminal, wait for Enter between events (q and Enter, Ctrl-C or Ctrl-D stop)")
    static let syntax = CommandSyntax.words([.household], options: [until.declaration, step.declaration],
                                            misuse: "replay takes a household id: replay 5301241012010001 [--until DATE|#POS] [--step]")

    struct Step {
        var event: LoggedEvent
        var summary: String
        var changes: [(key: String, label: String, before: ResultValue, after: ResultValue)]
    }

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let id = call.words[0]
        let steps = try replay(id, until: call[until], session)
        if steps.isEmpty { throw CommandError("household \(id) has no events to replay up to that point") }
        let json = JSONValue.array(steps.map(json))
        if call[step] && session.interactive && session.mode != .json {
            steps: for (k, s) in steps.enumerated() {
                try session.emit(render(s))
                guard k + 1 < steps.count else { break }
                // Enter goes on; q and Enter, Ctrl-C or Ctrl-D stop, back at the prompt.
                switch session.ask("-- \(k + 1)/\(steps.count): Enter for the next event, q and Enter to stop -- ") {
                case .line(let answer) where answer.trimmingCharacters(in: .whitespaces) != "q": continue
                case .line: break steps
                case .interrupted, .end:
                    FileHandle.standardOutput.write(Data("\n".utf8))
                    break steps
                }
            }
            return .nothing
        }
        return .document(.message(steps.map(render).joined()), json: json)
    }

    /// The household's known events up to `until`, each with the fields it changed.
    static func replay(_ id: String, until: Until?, _ session: Session) throws -> [Step] {
        let all = try HouseholdView.events(id, session)
        let known = all.filter { session.asOf.knows(position: $0.position, recorded: $0.recorded) }
        var steps: [Step] = []
        var before: HouseholdState?
        for (k, e) in known.enumerated() {
            switch until {
            case .position(let p)? where e.position > p: return steps
            case .date(let d)? where e.effective > d: return steps
            default: break
            }
            // An event adds to the state before it; a correction may change any earlier
            // one, so the household is refolded from the start with it applied.
            var after = before
            if e.kind == .correction {
                after = try HouseholdHistory.state(id: id, events: Array(known[0...k]), asOf: .position(e.position))
            } else {
                try HouseholdFold.apply(&after, e, id: id)
            }
            steps.append(Step(event: e, summary: EventSummary.line(type: e.type, payload: e.payload),
                              changes: diff(before, after, session)))
            before = after
        }
        return steps
    }

    /// Fields of the household that differ between two states (position and version
    /// left out: every event moves them).
    static func diff(_ a: HouseholdState?, _ b: HouseholdState?, _ session: Session)
        -> [(key: String, label: String, before: ResultValue, after: ResultValue)] {
        let fa = a.map { HouseholdView.record($0, session).fields } ?? []
        let fb = b.map { HouseholdView.record($0, session).fields } ?? []
        let keys = (fb.isEmpty ? fa : fb).map { ($0.key, $0.label) }
        var out: [(key: String, label: String, before: ResultValue, after: ResultValue)] = []
        for (key, label) in keys where key != "position" && key != "version" {
            let x = fa.first { $0.key == key }?.value ?? .null
            let y = fb.first { $0.key == key }?.value ?? .null
            if x.json != y.json { out.append((key, label, x, y)) }
        }
        return out
    }

    /// A step for people: the event's line, then `label  before → after` for each change.
    static func render(_ s: Step) -> String {
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

    static func json(_ s: Step) -> JSONValue {
        .object(JSONObject([
            ("position", .integer(Int64(s.event.position))), ("version", .integer(Int64(s.event.version))),
            ("type", .string(s.event.type)), ("effective", .string(s.event.effective.description)),
            ("summary", .string(s.summary)),
            ("changes", .array(s.changes.map { c in
                .object(JSONObject([("field", .string(c.key)), ("before", c.before.json), ("after", c.after.json)]))
            })),
        ]))
    }
}
