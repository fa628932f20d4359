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

extension AsOf {
    /// The day the record ends at this point, to which money still held is counted and
    /// open gaps are judged: the date itself for an effective as-of point, otherwise the
    /// latest effective date of any record known at the point. A ledger whose last
    /// entry is dated 2023-12-31 is judged as of that day, not as of the day it is read.
    ///
    /// - Returns: `nil` when no record is known at the point (and it is not a date).
    /// - Complexity: O(n) in the records (headers only) unless the point is a date.
    public func endOfRecord(in store: any EventLog) throws -> EffectiveDate? {
        if case .effective(let d) = self { return d }
        var latest: EffectiveDate?
        try store.forEachRecord { r in
            noteEndOfRecord(r, &latest)
            return true
        }
        return latest
    }

    /// Folds one record into the latest effective date known at this point, for passes
    /// over the log that find the end of the record on their way.
    func noteEndOfRecord(_ r: BorrowedRecord, _ latest: inout EffectiveDate?) {
        if knows(position: r.position, recorded: r.recorded), latest.map({ r.effective > $0 }) ?? true { latest = r.effective }
    }

    /// The end of the record from what a pass found (``endOfRecord(in:)``); the epoch for
    /// an empty log.
    func endOfRecord(latest: EffectiveDate?) -> EffectiveDate {
        if case .effective(let d) = self { return d }
        return latest ?? .epoch
    }
}
