import EventStore

/// A resident identity card number (公民身份号码, GB 11643-1999): 17 digits and a check
/// character (a digit or `X`). Personal data: show it ``masked`` unless the viewer is
/// entitled to see it.
public struct IDNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 18 characters, with a capital `X` if the check character is 10.
    public let value: String

    /// Why a text is not a valid id number.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// Not 18 characters.
        case wrongLength(Int)
        /// A character other than a digit (or `X` last) at this 1-based place.
        case badCharacter(at: Int)
        /// The birth date (characters 7-14) is not a calendar day.
        case badBirthDate(String)
        /// The check character does not match the other 17.
        case badCheckCharacter(expected: Character, found: Character)
        /// Masked, as an analyst sees it (`530124********1234`).
        case masked

        public var description: String {
            switch self {
            case .wrongLength(let n): return "an id number has 18 characters, this has \(n)"
            case .badCharacter(let i): return "character \(i) of the id number is not a digit"
            case .badBirthDate(let d): return "the birth date \(d) in the id number is not a calendar day"
            case .badCheckCharacter(let e, let f): return "the id number's check character is \(f), expected \(e)"
            case .masked:
                return "the id number is masked (an export made --as analyst); export again --as auditor or --as inspector to import it"
            }
        }
    }

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Validates and creates an id number; a lower-case `x` is accepted and stored as `X`.
    ///
    /// - Throws: ``ProjectionError`` `invalid`, its message the ``Problem``'s.
    public init(validating text: some StringProtocol) throws {
        switch Self.parse(text) {
        case .valid(let value): self.value = value
        case .invalid(let problem): throw ProjectionError(.invalid, problem.description)
        }
    }

    /// What is wrong with a text as an id number, or `nil` when it is one.
    public static func problem(in text: some StringProtocol) -> Problem? {
        if case .invalid(let problem) = parse(text) { return problem }
        return nil
    }

    /// A text judged as an id number.
    private enum Parsed {
        /// Its 18 characters (`X` in capitals).
        case valid(String)
        case invalid(Problem)
    }

    /// The id number's 18 characters, or what is wrong.
    private static func parse(_ text: some StringProtocol) -> Parsed {
        if text.utf8.contains(UInt8(ascii: "*")) { return .invalid(.masked) }
        // The usual case, 18 ASCII characters, checked as bytes (an import checks every
        // member of every household); anything else as characters, for its error.
        if text.utf8.count == 18, let value = Self.checkedASCII(text.utf8) { return .valid(value) }
        let chars = Array(text)
        guard chars.count == 18 else { return .invalid(.wrongLength(chars.count)) }
        var sum = 0
        for (i, c) in chars.prefix(17).enumerated() {
            guard let d = c.wholeNumberValue, c.isASCII else { return .invalid(.badCharacter(at: i + 1)) }
            sum += d * IDNumber.weights[i]
        }
        let last = chars[17] == "x" ? "X" : chars[17]
        guard last == "X" || (last.isASCII && last.isNumber) else { return .invalid(.badCharacter(at: 18)) }
        let birth = String(chars[6..<14])
        guard let y = Int(birth.prefix(4)), let m = Int(birth.dropFirst(4).prefix(2)), let d = Int(birth.suffix(2)),
              (1900...2100).contains(y), (1...12).contains(m), d >= 1, d <= EffectiveDate.daysIn(month: m, year: y) else {
            return .invalid(.badBirthDate(birth))
        }
        let expected = IDNumber.checkCharacters[sum % 11]
        guard expected == last else { return .invalid(.badCheckCharacter(expected: expected, found: last)) }
        return .valid(String(chars.prefix(17)) + String(last))
    }

    /// The id number of 18 ASCII bytes with a valid birth date and check character, or
    /// `nil` for anything else (judged again as characters, to say what is wrong).
    private static func checkedASCII(_ utf8: some Collection<UInt8>) -> String? {
        var bytes = Array(utf8)
        var sum = 0
        for i in 0..<17 {
            let d = Int(bytes[i]) - 48
            guard (0...9).contains(d) else { return nil }
            sum += d * weights[i]
        }
        if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        let digit = { (i: Int) in Int(bytes[i]) - 48 }
        let y = digit(6) * 1000 + digit(7) * 100 + digit(8) * 10 + digit(9)
        let m = digit(10) * 10 + digit(11), d = digit(12) * 10 + digit(13)
        guard (1900...2100).contains(y), (1...12).contains(m), d >= 1, d <= EffectiveDate.daysIn(month: m, year: y),
              checkCharacters[sum % 11].asciiValue == bytes[17] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The check character for 17 leading digits (for generators).
    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        let digits = first17.compactMap(\.wholeNumberValue)
        guard digits.count == 17, first17.count == 17 else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// The birth date encoded in characters 7-14, as `YYYY-MM-DD`.
    public var birthDate: String {
        let b = Array(value)[6..<14]
        return String(b[6..<10]) + "-" + String(b[10..<12]) + "-" + String(b[12..<14])
    }

    /// The first six and last four characters, the rest hidden: `530124********1234`.
    public var masked: String { IDNumber.mask(value) }

    /// Masks any id-number-like text the same way (first six, last four); shorter text
    /// is hidden whole.
    public static func mask(_ text: String) -> String {
        let c = Array(text)
        guard c.count > 10 else { return String(repeating: "*", count: c.count) }
        return String(c.prefix(6)) + String(repeating: "*", count: c.count - 10) + String(c.suffix(4))
    }

    public var description: String { masked }
}

/// Masks a person's name for viewers not entitled to it: the family name stays, each
/// other character becomes `*` (`张三` -> `张*`, `欧阳娜娜` -> `欧***`).
public func maskedName(_ name: String) -> String {
    guard let first = name.first else { return name }
    return String(first) + String(repeating: "*", count: name.count - 1)
}
