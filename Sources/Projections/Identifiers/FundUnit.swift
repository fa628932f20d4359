/// A unit that holds or passes on money (`docs/funds.md`, units): `county-<6 digits>`,
/// `town-<9 digits>`, `village-<12 digits>` or `org-<name>`.
public enum FundUnit: Hashable, Sendable, CustomStringConvertible {
    case county(String)
    case town(String)
    case village(String)
    case org(String)

    /// Parses a unit, or returns `nil`.
    public init?(_ text: String) {
        func digits(_ s: Substring, _ n: Int) -> String? {
            s.utf8.count == n && s.utf8.allSatisfy({ (48...57).contains($0) }) ? String(s) : nil
        }
        if text.hasPrefix("county-"), let d = digits(text.dropFirst(7), 6) { self = .county(d) }
        else if text.hasPrefix("town-"), let d = digits(text.dropFirst(5), 9) { self = .town(d) }
        else if text.hasPrefix("village-"), let d = digits(text.dropFirst(8), 12) { self = .village(d) }
        else if text.hasPrefix("org-"), text.count > 4 { self = .org(String(text.dropFirst(4))) }
        else { return nil }
    }

    /// The 6-digit code of the county the unit is in (its own, a town's or village's
    /// first six digits); `nil` for an organisation.
    public var county: String? {
        switch self {
        case .county(let c): return c
        case .town(let t): return String(t.prefix(6))
        case .village(let v): return String(v.prefix(6))
        case .org: return nil
        }
    }

    /// The 9-digit code of the town the unit is, or its village is in; `nil` for a
    /// county or an organisation.
    public var town: String? {
        switch self {
        case .town(let t): return t
        case .village(let v): return String(v.prefix(9))
        case .county, .org: return nil
        }
    }

    /// The 12-digit code of the village the unit is; `nil` for any other unit.
    public var village: String? {
        if case .village(let v) = self { return v }
        return nil
    }

    public var description: String {
        switch self {
        case .county(let c): return "county-" + c
        case .town(let t): return "town-" + t
        case .village(let v): return "village-" + v
        case .org(let o): return "org-" + o
        }
    }
}
