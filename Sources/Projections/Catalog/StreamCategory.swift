/// What a stream is about: the part of its name before the first `-`
/// (`household-5301241012010001`, `fund-2016-001`). The one place that knows how a
/// stream's name is made from a category and an id.
public enum StreamCategory: String, Sendable, CaseIterable {
    case household, village, cadre, fund, project, policy

    /// What the names of this category's streams start with: `household-`.
    public var prefix: String { rawValue + "-" }

    /// The stream of an id: `household-5301241012010001`.
    public func stream(_ id: String) -> String { prefix + id }

    /// The id of a stream of this category (`household-5301...` -> `5301...`), or `nil`
    /// for a stream of another category or without an id.
    public func id(of stream: String) -> String? {
        guard stream.hasPrefix(prefix), stream.utf8.count > prefix.utf8.count else { return nil }
        return String(stream.dropFirst(prefix.count))
    }

    /// An id as a person types it, with or without the category (`fund-2016-001` or
    /// `2016-001`).
    public func id(typed: String) -> String { id(of: typed) ?? typed }

    /// The category and id of a stream name (`household-5301...` -> household, `5301...`).
    public static func split(_ stream: String) -> (StreamCategory, String)? {
        let u = stream.utf8
        guard let dash = u.firstIndex(of: UInt8(ascii: "-")),
              let c = StreamCategory(rawValue: String(decoding: u[..<dash], as: UTF8.self)) else { return nil }
        let id = String(decoding: u[u.index(after: dash)...], as: UTF8.self)
        return id.isEmpty ? nil : (c, id)
    }
}

extension StreamCategory {
    /// The text after this category's prefix, `""` for the bare prefix itself, or `nil`
    /// for a name of another category. For names whose empty id must still count (a
    /// payment to `household-`, from a FundDisbursed whose household is `""`, is judged
    /// as a payment to household `""`); ``id(of:)`` everywhere else.
    func id(orEmptyOf stream: String) -> String? {
        stream.hasPrefix(prefix) ? String(stream.dropFirst(prefix.count)) : nil
    }
}
