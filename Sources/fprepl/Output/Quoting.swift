/// A key as csv and line modes show it: there amounts are yuan, so `amount_fen` is
/// `amount_yuan` (JSON keeps the key and integer fen).
func plainKey(_ key: String) -> String {
    key.hasSuffix("_fen") ? key.dropLast(4) + "_yuan" : key
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote, or line break.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}
