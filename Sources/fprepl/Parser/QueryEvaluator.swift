import Projections

/// Evaluates household queries against the household projection.
enum QueryEvaluator {
    /// Checks the values of labelled fields and normalises codes to labels
    /// (`main_cause = 01` -> `因病`), so a typo is an error rather than an empty answer.
    static func normalize(_ e: Expr) throws -> Expr {
        switch e {
        case .and(let a, let b): return .and(try normalize(a), try normalize(b))
        case .or(let a, let b): return .or(try normalize(a), try normalize(b))
        case .compare(let f, let op, let v): return .compare(f, op, try normalize(f, v))
        case .isIn(let f, let vs): return .isIn(f, try vs.map { try normalize(f, $0) })
        case .like: return e
        }
    }

    static func normalize(_ f: HouseholdField, _ v: Literal) throws -> Literal {
        func label(_ set: LabelSet) throws -> Literal {
            let text = v.description.count == 1 && v.description.first?.isNumber == true ? "0" + v.description : v.description
            guard let n = set.number(for: text), let l = set.label(for: n) else {
                throw QueryError(message: "'\(v)' is not a value of \(f.rawValue); one of: " + set.labels.joined(separator: ", "), column: 0)
            }
            return .text(l)
        }
        switch f {
        case .status:
            guard HouseholdStatus(rawValue: v.description) != nil else {
                throw QueryError(message: "'\(v)' is not a status; one of: " + HouseholdStatus.allCases.map(\.label).joined(separator: ", "), column: 0)
            }
            return .text(v.description)
        case .attribute: return try label(Labels.attribute)
        case .mainCause, .cause: return try label(Labels.cause)
        case .monitored:
            switch v.description.lowercased() {
            case "true", "是", "yes", "1": return .text("true")
            case "false", "否", "no", "0": return .text("false")
            default: throw QueryError(message: "monitored is true or false (是 or 否), not '\(v)'", column: 0)
            }
        case .members, .income, .identifiedYear, .exitYear:
            guard case .number = v else { throw QueryError(message: "\(f.rawValue) takes a number, not '\(v)'", column: 0) }
            return v
        default: return .text(v.description)
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
