import EventStore

/// The point in time a query answers for (`asof` in the REPL).
public enum AsOf: Sendable, Equatable, CustomStringConvertible {
    /// Everything the ledger knows.
    case now
    /// What the ledger said once it held the records up to and including this position.
    case position(UInt64)
    /// What the ledger said at this recorded time.
    case recorded(RecordedTime)
    /// What was in effect on this date, as the ledger knows it now (corrections included).
    case effective(EffectiveDate)

    public var description: String {
        switch self {
        case .now: return "now"
        case .position(let p): return "position \(p)"
        case .recorded(let t): return "recorded \(t)"
        case .effective(let d): return "effective \(d)"
        }
    }

    /// Whether a record is part of what the ledger knew at this point (recorded
    /// as-of); effective as-of knows everything recorded.
    public func knows(position: UInt64, recorded: RecordedTime) -> Bool {
        switch self {
        case .now, .effective: return true
        case .position(let p): return position <= p
        case .recorded(let t): return recorded <= t
        }
    }
}
