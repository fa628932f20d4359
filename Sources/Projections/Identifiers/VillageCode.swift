/// A village's 12-digit statistical area code (统计用区划代码): 2 digits of province,
/// 2 of prefecture, 2 of county, 3 of township, 3 of village.
///
/// `530124101201` is a village of township `530124101` of county `530124`.
public struct VillageCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 12 digits.
    public let digits: String

    /// Accepts exactly 12 ASCII digits, or returns `nil`.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        digits = String(text)
    }

    /// The county code: the first 6 digits (`530124`).
    public var county: String { String(digits.prefix(6)) }
    /// The township code: the first 9 digits (`530124101`).
    public var town: String { String(digits.prefix(9)) }
    /// The province code: the first 2 digits.
    public var province: String { String(digits.prefix(2)) }

    public var description: String { digits }
    public static func < (a: VillageCode, b: VillageCode) -> Bool { a.digits < b.digits }
}
