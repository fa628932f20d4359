import EventStore

/// Where a log on PostgreSQL lives, as given to `--store`:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?county=CODE]` (`postgresql://` too).
///
/// The password may instead come from `PGPASSWORD`. `county` names the log (a county's
/// 6-digit code, the partition key); without it, a database holding exactly one log
/// opens that one.
public struct PostgresAddress: Sendable, Equatable {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var county: String?

    /// Whether `text` is meant as a PostgreSQL address rather than a directory.
    public static func isAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses an address.
    ///
    /// - Throws: ``StoreError`` `invalidArgument` naming what is missing or malformed.
    public init(_ text: String, environment: [String: String] = [:]) throws {
        func bad(_ why: String) -> StoreError {
            StoreError(.invalidArgument, "\(why) in the store address \(Self.redacted(text)); "
                + "expected postgres://USER@HOST[:PORT]/DATABASE[?county=CODE]")
        }
        guard let scheme = text.range(of: "://"), Self.isAddress(text) else { throw bad("no postgres:// scheme") }
        var rest = Substring(text[scheme.upperBound...])
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        guard let at = rest.lastIndex(of: "@") else { throw bad("no user (USER@HOST)") }
        let credentials = rest[..<at]
        rest = rest[rest.index(after: at)...]
        if let colon = credentials.firstIndex(of: ":") {
            user = Self.percentDecoded(credentials[..<colon])
            password = Self.percentDecoded(credentials[credentials.index(after: colon)...])
        } else {
            user = Self.percentDecoded(credentials)
            password = environment["PGPASSWORD"]
        }
        guard !user.isEmpty else { throw bad("an empty user") }
        guard let slash = rest.firstIndex(of: "/") else { throw bad("no database (/DATABASE)") }
        database = Self.percentDecoded(rest[rest.index(after: slash)...])
        guard !database.isEmpty else { throw bad("an empty database name") }
        let hostPort = rest[..<slash]
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            host = String(hostPort[..<colon])
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else { throw bad("a bad port") }
            port = p
        } else {
            host = String(hostPort)
            port = 5432
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }  // [::1]
        guard !host.isEmpty else { throw bad("no host") }
        county = nil
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1)
            let key = String(kv[0]), value = kv.count > 1 ? Self.percentDecoded(kv[1]) : ""
            switch key {
            case "county":
                guard value.utf8.count == 6, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    throw bad("county=\(value) is not a 6-digit county code")
                }
                county = value
            case "sslmode" where value == "disable":
                continue
            default:
                throw bad("an unknown parameter \(key)")
            }
        }
    }

    /// The address as shown to people: never the password.
    public var description: String {
        "postgres://\(user)@\(host)\(port == 5432 ? "" : ":\(port)")/\(database)" + (county.map { "?county=\($0)" } ?? "")
    }

    /// `text` with any password replaced by `***`, for messages.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@"),
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    private static func percentDecoded(_ s: Substring) -> String {
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                it = it.dropFirst(2)
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
