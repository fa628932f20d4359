/// An amount of money in fen (分), the unit every amount is stored in: integers, never
/// floating point. 100 fen = 1 yuan (元).
public struct Fen: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in fen.
    public var value: Int64

    /// An amount in fen.
    public init(_ value: Int64) { self.value = value }

    public static let zero = Fen(0)

    /// The largest amount one event may carry, either way: 10^15 fen (10 trillion yuan),
    /// far beyond any fund, payment or income, and far below what the projections' sums
    /// of millions of events can hold in 64 bits. The import refuses more.
    public static let largest: Int64 = 1_000_000_000_000_000

    /// The sum, or ``ProjectionError/Code/tooLarge`` when it does not fit in 64 bits. Sums are
    /// checked because the import bounds each amount, not how many there are: only a store
    /// whose amounts add up past 92 quadrillion yuan (9,223 events of the largest amount)
    /// gets there, and it gets an error, not a wrong total.
    public static func + (a: Fen, b: Fen) throws -> Fen {
        let (sum, overflow) = a.value.addingReportingOverflow(b.value)
        guard !overflow else { throw ProjectionError.sumTooLarge(a, b) }
        return Fen(sum)
    }

    /// The difference, checked like ``+(_:_:)``.
    public static func - (a: Fen, b: Fen) throws -> Fen {
        let (difference, overflow) = a.value.subtractingReportingOverflow(b.value)
        guard !overflow else { throw ProjectionError.sumTooLarge(a, b) }
        return Fen(difference)
    }

    public static func += (a: inout Fen, b: Fen) throws { a = try a + b }
    public static func -= (a: inout Fen, b: Fen) throws { a = try a - b }

    /// The sum of the amounts, checked.
    public static func sum<S: Sequence>(_ amounts: S) throws -> Fen where S.Element == Fen {
        try amounts.reduce(.zero) { try $0 + $1 }
    }
    public static func < (a: Fen, b: Fen) -> Bool { a.value < b.value }

    /// Yuan with two decimals and thousands separators: `2,952.00`, `-0.05`.
    public var yuan: String { yuan(grouped: true) }

    /// Yuan with two decimals, with thousands separators (for people) or without (for
    /// spreadsheets and scripts: `2952.00`).
    public func yuan(grouped: Bool) -> String {
        let magnitude = value.magnitude
        var whole = String(magnitude / 100)
        if grouped {
            var withCommas = ""
            for (i, c) in whole.enumerated() {
                if i > 0 && (whole.count - i) % 3 == 0 { withCommas.append(",") }
                withCommas.append(c)
            }
            whole = withCommas
        }
        let cents = magnitude % 100
        return (value < 0 ? "-" : "") + whole + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// Parses yuan text (`2952`, `2952.5`, `2,952.00`) into fen exactly, or `nil` for
    /// more than two decimals or anything that is not a number.
    public init?(yuan text: String) {
        var t = Substring(text.filter { $0 != "," })
        let negative = t.first == "-"
        if negative { t = t.dropFirst() }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let whole = Int64(parts[0]) else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...2).contains(f.count), f.allSatisfy({ $0.isASCII && $0.isNumber }), let c = Int64(f) else { return nil }
            cents = f.count == 1 ? c * 10 : c
        }
        let (w, o1) = whole.multipliedReportingOverflow(by: 100)
        guard !o1 else { return nil }
        value = (negative ? -1 : 1) * (w + cents)
    }

    public var description: String { yuan }
}
