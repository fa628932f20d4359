import Projections

/// A household query: `households [where EXPR] [order by FIELD [desc]] [limit N]` or
/// `count households [where EXPR] [by FIELD[,FIELD]] [order by COLUMN [desc]] [limit N]`
/// (`docs/repl.md`).
struct HouseholdQuery: Equatable {
    var filter: Expr?
    var orderBy: (field: HouseholdField, descending: Bool)?
    var limit: Int?
    /// For `count`: the fields to group by.
    var groupBy: [HouseholdField] = []
    /// For `count`: the column its groups are ordered by (a grouping field's name,
    /// `households` or `people`); `nil` orders them by the grouping fields.
    var countOrder: (column: String, descending: Bool)?

    static func == (a: HouseholdQuery, b: HouseholdQuery) -> Bool {
        a.filter == b.filter && a.orderBy?.field == b.orderBy?.field && a.orderBy?.descending == b.orderBy?.descending
            && a.limit == b.limit && a.groupBy == b.groupBy
            && a.countOrder?.column == b.countOrder?.column && a.countOrder?.descending == b.countOrder?.descending
    }
}

/// A condition on households.
indirect enum Expr: Equatable {
    case compare(HouseholdField, CompareOp, Literal)
    case isIn(HouseholdField, [Literal])
    case like(HouseholdField, String)
    case and(Expr, Expr)
    case or(Expr, Expr)
}

enum CompareOp: String, Equatable, CaseIterable {
    case eq = "=", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
}

/// A value in a query: a number or text (labels, ids, dates).
enum Literal: Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)

    var description: String {
        switch self {
        case .number(let n): return n == n.rounded() ? String(Int(n)) : String(n)
        case .text(let t): return t
        }
    }
}

/// The fields a household query may use (`docs/repl.md`, the query language).
enum HouseholdField: String, CaseIterable, Equatable {
    case id, village, town, county, status, attribute
    case mainCause = "main_cause"
    case cause, members, income
    case identifiedYear = "identified_year"
    case exitYear = "exit_year"
    case helper, monitored

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The labels a labelled field takes, in their canonical order (the order of the
    /// code tables); empty for the other fields.
    var labels: [String] {
        switch self {
        case .status: return HouseholdStatus.allCases.map(\.label)
        case .mainCause, .cause: return Labels.cause.labels
        case .attribute: return Labels.attribute.labels
        case .monitored: return ["true", "false"]
        default: return []
        }
    }
}

/// Why a query does not parse, with the 1-based character column.
struct QueryError: Error, Equatable {
    var message: String
    var column: Int
}

/// Parses household queries. Tokens: words (any run of characters that are not white
/// space, quotes, parentheses, commas or comparison signs, so Chinese labels need no
/// quotes), numbers, `'quoted text'`, `= != < <= > >= ( ) ,`.
struct QueryParser {
    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case symbol(String)
    }

    var tokens: [(token: Token, column: Int)] = []
    var i = 0
    let end: Int
    /// The county's villages, to turn a village or town name into its code, asked for
    /// only when a name is given; `nil` when they are not known (then only codes are
    /// taken).
    var villages: (() -> [VillageState])?
    /// How deep the parentheses open now; past ``deepest`` an expression is refused
    /// (each level is a call: 100,000 of them overflowed the stack).
    var depth = 0
    static let deepest = 64

    init(_ text: String, villages: (() -> [VillageState])? = nil) throws {
        self.villages = villages
        let chars = Array(text)
        var k = 0
        func isSymbolStart(_ c: Character) -> Bool { "=!<>(),".contains(c) }
        while k < chars.count {
            let c = chars[k]
            if c.isWhitespace { k += 1; continue }
            let column = k + 1
            if c == "'" {
                var s = ""
                k += 1
                while k < chars.count && chars[k] != "'" { s.append(chars[k]); k += 1 }
                guard k < chars.count else { throw QueryError(message: "the quoted text is not closed", column: column) }
                k += 1
                tokens.append((.quoted(s), column))
            } else if isSymbolStart(c) {
                if k + 1 < chars.count, chars[k + 1] == "=", "!<>".contains(c) {
                    tokens.append((.symbol(String(c) + "="), column))
                    k += 2
                } else if c == "!" {
                    throw QueryError(message: "'!' is only used in '!='", column: column)
                } else {
                    tokens.append((.symbol(String(c)), column))
                    k += 1
                }
            } else {
                var s = ""
                while k < chars.count, !chars[k].isWhitespace, !isSymbolStart(chars[k]), chars[k] != "'" {
                    s.append(chars[k])
                    k += 1
                    // A Chinese label may hold parentheses: 已脱贫(不再享受政策) is one word.
                    if k < chars.count, chars[k] == "(", !s.unicodeScalars.allSatisfy(\.isASCII),
                       let close = chars[k...].firstIndex(of: ")"), !chars[k..<close].contains(where: \.isWhitespace) {
                        s.append(contentsOf: chars[k...close])
                        k = close + 1
                    }
                }
                tokens.append((.word(s), column))
            }
        }
        end = chars.count + 1
    }

    var column: Int { i < tokens.count ? tokens[i].column : end }
    var atEnd: Bool { i >= tokens.count }

    func peekWord(_ w: String) -> Bool {
        if i < tokens.count, case .word(let s) = tokens[i].token { return s.lowercased() == w }
        return false
    }

    mutating func expectWord(_ w: String) throws {
        guard peekWord(w) else { throw QueryError(message: "expected '\(w)'", column: column) }
        i += 1
    }

    mutating func field() throws -> HouseholdField {
        guard i < tokens.count, case .word(let s) = tokens[i].token else {
            throw QueryError(message: "expected a field; fields: \(HouseholdField.names)", column: column)
        }
        guard let f = HouseholdField(rawValue: s.lowercased()) else {
            throw QueryError(message: "unknown field '\(s)'; fields: \(HouseholdField.names)", column: column)
        }
        i += 1
        return f
    }

    mutating func literal() throws -> Literal {
        guard i < tokens.count else { throw QueryError(message: "expected a value", column: column) }
        switch tokens[i].token {
        case .quoted(let s): i += 1; return .text(s)
        case .word(let s):
            i += 1
            if let n = Double(s), s.first?.isNumber == true || s.first == "-" { return .number(n) }
            return .text(s)
        case .symbol(let s): throw QueryError(message: "expected a value, not '\(s)'", column: column)
        }
    }

    /// `households [where EXPR] [order by FIELD [desc|asc]] [limit N]` after the command word.
    static func parseHouseholds(_ text: String, villages: (() -> [VillageState])? = nil) throws -> HouseholdQuery {
        var p = try QueryParser(text, villages: villages)
        var q = HouseholdQuery()
        if p.peekWord("where") { p.i += 1; q.filter = try p.expression() }
        if p.peekWord("order") {
            p.i += 1
            try p.expectWord("by")
            let f = try p.field()
            q.orderBy = (f, p.descending())
        }
        q.limit = try p.limit()
        guard p.atEnd else { throw QueryError(message: "unexpected text; the form is: households [where EXPR] [order by FIELD [desc]] [limit N]", column: p.column) }
        return q
    }

    /// `where EXPR` and nothing after it (`findings ... where EXPR`).
    static func parseWhere(_ text: String, villages: (() -> [VillageState])? = nil) throws -> HouseholdQuery {
        var p = try QueryParser(text, villages: villages)
        var q = HouseholdQuery()
        try p.expectWord("where")
        q.filter = try p.expression()
        guard p.atEnd else { throw QueryError(message: "unexpected text after the expression", column: p.column) }
        return q
    }

    /// `count households [where EXPR] [by FIELD[,FIELD]] [order by COLUMN [desc|asc]]
    /// [limit N]` after the word `count`; COLUMN is a grouping field, `households` or
    /// `people`.
    static func parseCount(_ text: String, villages: (() -> [VillageState])? = nil) throws -> HouseholdQuery {
        let form = "count households [where EXPR] [by FIELD[,FIELD]] [order by COLUMN [desc|asc]] [limit N]"
        var p = try QueryParser(text, villages: villages)
        try p.expectWord("households")
        var q = HouseholdQuery()
        if p.peekWord("where") { p.i += 1; q.filter = try p.expression() }
        if p.peekWord("by") {
            p.i += 1
            repeat {
                if !q.groupBy.isEmpty { p.i += 1 }  // the comma
                let at = p.column
                let f = try p.field()
                guard !q.groupBy.contains(f) else { throw QueryError(message: "\(f.rawValue) is named twice after by", column: at) }
                q.groupBy.append(f)
            } while p.i < p.tokens.count && p.tokens[p.i].token == .symbol(",")
        }
        if p.peekWord("order") {
            p.i += 1
            try p.expectWord("by")
            let columns = q.groupBy.map(\.rawValue) + ["households", "people"]
            let column = p.column
            guard p.i < p.tokens.count, case .word(let name) = p.tokens[p.i].token, columns.contains(name) else {
                throw QueryError(message: "count orders by one of its columns: " + columns.joined(separator: ", "), column: column)
            }
            p.i += 1
            q.countOrder = (name, p.descending())
        }
        q.limit = try p.limit()
        guard p.atEnd else { throw QueryError(message: "unexpected text; the form is: " + form, column: p.column) }
        return q
    }

    /// `desc` or `asc` after an `order by` column, if there: whether it is `desc`.
    mutating func descending() -> Bool {
        if peekWord("desc") { i += 1; return true }
        if peekWord("asc") { i += 1 }
        return false
    }

    /// `limit N` if it comes next: N, a whole number.
    mutating func limit() throws -> Int? {
        guard peekWord("limit") else { return nil }
        i += 1
        let at = column
        guard case .number(let n)? = try? literal(), n >= 0, n == n.rounded() else {
            throw QueryError(message: "limit takes a whole number", column: at)
        }
        // Any count of rows a store holds; a larger number is a slip, not a request.
        guard n < 1e15 else { throw QueryError(message: "limit takes a whole number below 10^15", column: at) }
        return Int(n)
    }

    // EXPR := TERM (or TERM)* ; TERM := FACTOR (and FACTOR)* ; FACTOR := ( EXPR ) | CONDITION
    mutating func expression() throws -> Expr {
        var e = try term()
        while peekWord("or") { i += 1; e = .or(e, try term()) }
        return e
    }

    mutating func term() throws -> Expr {
        var e = try factor()
        while peekWord("and") { i += 1; e = .and(e, try factor()) }
        return e
    }

    mutating func factor() throws -> Expr {
        if i < tokens.count, tokens[i].token == .symbol("(") {
            guard depth < Self.deepest else {
                throw QueryError(message: "parentheses nest more than \(Self.deepest) deep", column: column)
            }
            i += 1
            depth += 1
            defer { depth -= 1 }
            let e = try expression()
            guard i < tokens.count, tokens[i].token == .symbol(")") else { throw QueryError(message: "expected ')'", column: column) }
            i += 1
            return e
        }
        let f = try field()
        if peekWord("in") {
            i += 1
            guard i < tokens.count, tokens[i].token == .symbol("(") else { throw QueryError(message: "'in' takes a list: in (a, b)", column: column) }
            i += 1
            var values = [try checkedLiteral(f)]
            while i < tokens.count, tokens[i].token == .symbol(",") { i += 1; values.append(try checkedLiteral(f)) }
            guard i < tokens.count, tokens[i].token == .symbol(")") else { throw QueryError(message: "expected ')' to close the list", column: column) }
            i += 1
            return .isIn(f, values)
        }
        if peekWord("like") {
            i += 1
            return .like(f, try literal().description)
        }
        guard i < tokens.count, case .symbol(let s) = tokens[i].token, let op = CompareOp(rawValue: s) else {
            throw QueryError(message: "expected a comparison (= != < <= > >=), 'in' or 'like' after \(f.rawValue)", column: column)
        }
        i += 1
        return .compare(f, op, try checkedLiteral(f))
    }

    /// A value for `f`, checked (a label in its code table, a code of the right length,
    /// a village name made its code): a value that can never match is an error at its
    /// column, not an empty answer.
    mutating func checkedLiteral(_ f: HouseholdField) throws -> Literal {
        let at = column
        let v = try literal()
        do {
            return try QueryEvaluator.normalize(f, v, villages: villages)
        } catch let e as QueryError {
            throw QueryError(message: e.message, column: at)
        }
    }
}
