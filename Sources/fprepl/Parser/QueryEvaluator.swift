import Projections

/// Evaluates household queries against the household projection.
enum QueryEvaluator {
    /// Checks the value a condition compares `f` with, so that a value that can never
    /// match is an error rather than an empty answer: a label must be in its code table
    /// (a code becomes its label: `main_cause = 01` -> `因病`), a code must have its
    /// length (16 digits for `id`, 12 for `village`, 9 for `town`, 6 for `county`; a
    /// household id may be in its stream's form), a village or town name becomes its
    /// code when `villages` are known and it is one's, numbers must be numbers (whole,
    /// for `members` and the years). The error has no column: the parser adds it.
    static func normalize(_ f: HouseholdField, _ v: Literal, villages: (() -> [VillageState])? = nil) throws -> Literal {
        func fail(_ message: String) -> QueryError { QueryError(message: message, column: 0) }
        func label(_ set: LabelSet) throws -> Literal {
            let text = v.description.count == 1 && v.description.first?.isNumber == true ? "0" + v.description : v.description
            guard let n = set.number(for: text), let l = set.label(for: n) else {
                throw fail("\(echoed(v.description)) is not a value of \(f.rawValue); one of: " + set.labels.joined(separator: ", "))
            }
            return .text(l)
        }
        func whole(_ range: ClosedRange<Double>, _ what: String) throws -> Literal {
            guard case .number(let n) = v else { throw fail("\(f.rawValue) takes a number, not \(echoed(v.description))") }
            guard n == n.rounded(), range.contains(n) else { throw fail("\(f.rawValue) is \(what), not \(v.description)") }
            return v
        }
        switch f {
        case .status:
            guard HouseholdStatus(rawValue: v.description) != nil else {
                throw fail("\(echoed(v.description)) is not a status; one of: " + HouseholdStatus.allCases.map(\.label).joined(separator: ", "))
            }
            return .text(v.description)
        case .attribute: return try label(Labels.attribute)
        case .mainCause, .cause: return try label(Labels.cause)
        case .monitored:
            switch v.description.lowercased() {
            case "true", "是", "yes", "1": return .text("true")
            case "false", "否", "no", "0": return .text("false")
            default: throw fail("monitored is true or false (是 or 否), not \(echoed(v.description))")
            }
        case .income:
            guard case .number = v else { throw fail("income takes a number, not \(echoed(v.description))") }
            return v
        case .members: return try whole(0...1_000, "a whole number of people")
        case .identifiedYear, .exitYear: return try whole(1949...2100, "a year (such as 2016)")
        case .id:
            return .text(try code(StreamCategory.household.id(typed: v.description), digits: 16, of: "a household id"))
        case .village: return .text(try area(v.description, digits: 12, of: "village", villages: villages))
        case .town: return .text(try area(v.description, digits: 9, of: "town", villages: villages))
        case .county: return .text(try code(v.description, digits: 6, of: "a county code"))
        case .helper: return .text(v.description)
        }
    }

    /// `text` if it is `digits` digits; the error says how many it has.
    static func code(_ text: String, digits: Int, of what: String) throws -> String {
        guard text.count != digits || !text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return text }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw QueryError(message: "\(what) has \(digits) digits; \(echoed(text)) has \(text.count)", column: 0)
        }
        throw QueryError(message: "\(what) is \(digits) digits, not \(echoed(text))", column: 0)
    }

    /// A village or town: its code, or its name made its code when exactly one has it
    /// (several: the error lists their codes).
    static func area(_ text: String, digits: Int, of what: String, villages known: (() -> [VillageState])?) throws -> String {
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) { return try code(text, digits: digits, of: "a \(what) code") }
        guard let villages = known?() else {
            throw QueryError(message: "a \(what) is given by its \(digits)-digit code here, not \(echoed(text))", column: 0)
        }
        // Village names are the villages' own; a town is named by its villages' town field.
        let named = what == "village" ? villages.filter { $0.name == text }.map(\.code) : []
        let towns = what == "town" ? Set(villages.filter { $0.town == text }.map { String($0.code.prefix(9)) }) : []
        let codes = Array(Set(named).union(towns)).sorted()
        switch codes.count {
        case 1: return codes[0]
        case 0:
            throw QueryError(message: "no \(what) is named \(echoed(text)) in this county; give its \(digits)-digit code", column: 0)
        default:
            throw QueryError(message: "\(codes.count) \(what)s are named \(echoed(text)): \(codes.joined(separator: ", ")); give the code of the one you mean",
                             column: 0)
        }
    }

    /// The field's values for a household (several for `cause` and `helper`, none when
    /// unknown, such as the income of a household never assessed).
    static func values(_ f: HouseholdField, _ h: HouseholdState) -> [Literal] {
        switch f {
        case .id: return [.text(h.id)]
        case .village: return [.text(h.village)]
        case .town: return [.text(String(h.village.prefix(9)))]
        case .county: return [.text(String(h.village.prefix(6)))]
        case .status: return [.text(h.status.label)]
        case .attribute: return Labels.attribute.label(for: h.attribute).map { [.text($0)] } ?? []
        case .mainCause: return [.text(h.mainCauseLabel)]
        case .cause: return ([h.mainCause] + h.otherCauses).compactMap { Labels.cause.label(for: $0) }.map { .text($0) }
        case .members: return [.number(Double(h.people))]
        case .income: return h.income.map { [.number(Double($0.perCapita.value) / 100)] } ?? []
        case .identifiedYear: return [.number(Double(h.identifiedYear))]
        case .exitYear: return h.exitYear.map { [.number(Double($0))] } ?? []
        case .helper: return h.helpers.map { .text($0) }
        case .monitored: return [.text(h.monitored ? "true" : "false")]
        }
    }

    static func matches(_ e: Expr, _ h: HouseholdState) -> Bool {
        switch e {
        case .and(let a, let b): return matches(a, h) && matches(b, h)
        case .or(let a, let b): return matches(a, h) || matches(b, h)
        case .compare(let f, .ne, let v): return !values(f, h).contains { compare($0, v) == 0 }
        case .compare(let f, let op, let v):
            return values(f, h).contains { x in
                guard let c = compare(x, v) else { return false }
                switch op {
                case .eq: return c == 0
                case .ne: return c != 0
                case .lt: return c < 0
                case .le: return c <= 0
                case .gt: return c > 0
                case .ge: return c >= 0
                }
            }
        case .isIn(let f, let vs): return values(f, h).contains { x in vs.contains { compare(x, $0) == 0 } }
        case .like(let f, let pattern): return values(f, h).contains { like($0.description, pattern) }
        }
    }

    /// -1, 0, 1; `nil` when a number meets text.
    static func compare(_ a: Literal, _ b: Literal) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.text(let x), .text(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.text(let x), .number(let y)):
            guard let n = Double(x) else { return nil }
            return n < y ? -1 : (n > y ? 1 : 0)
        case (.number, .text): return nil
        }
    }

    /// SQL LIKE: `%` any run of characters, `_` any one.
    static func like(_ s: String, _ pattern: String) -> Bool {
        let t = Array(s), p = Array(pattern)
        var memo: [Int: Bool] = [:]
        func go(_ i: Int, _ j: Int) -> Bool {
            let key = i * (p.count + 1) + j
            if let r = memo[key] { return r }
            let r: Bool
            if j == p.count { r = i == t.count }
            else if p[j] == "%" { r = go(i, j + 1) || (i < t.count && go(i + 1, j)) }
            else if i < t.count && (p[j] == "_" || p[j] == t[i]) { r = go(i + 1, j + 1) }
            else { r = false }
            memo[key] = r
            return r
        }
        return go(0, 0)
    }
}
