import Projections

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

/// `text` with every control character but the newline and the tab written out
/// (`\x1B`), so that a value echoed in a message (a command, an id, a file name typed
/// or read from a file) cannot move the cursor, clear or recolour the terminal.
func escapingControlCharacters(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isEscaped) else { return text }
    var out = ""
    for u in text.unicodeScalars {
        if isEscaped(u) {
            let hex = String(u.value, radix: 16, uppercase: true)
            out += "\\x" + (hex.count < 2 ? "0" : "") + hex
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}

/// Text of the ledger as one table cell or `key = value` line shows it: every control
/// character written out, newlines and tabs too (`\n`, `\t`, `\x1B`), so that a value
/// imported before control characters were refused cannot forge a row, split a line or
/// drive the terminal. Text without any is returned as it is.
func oneLine(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: ControlCharacters.isControl) else { return text }
    var out = ""
    for u in text.unicodeScalars {
        switch u {
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default: out += escapingControlCharacters(String(u))
        }
    }
    return out
}

/// A value echoed in a message: in single quotes, its control characters (newlines
/// too) written out, and cut to its first `limit` characters with the number of those
/// left out, so that a value from a file or a command line cannot split the message
/// over lines or make it megabytes long.
func echoed(_ value: some StringProtocol, limit: Int = 60) -> String {
    let n = value.count
    let shown = "'" + oneLine(String(value.prefix(limit))) + "'"
    return n > limit ? shown + "... (\(n - limit) more characters)" : shown
}

/// C0 controls but newline and tab, DEL, and the C1 controls.
private func isEscaped(_ u: Unicode.Scalar) -> Bool {
    (u.value < 0x20 && u != "\n" && u != "\t") || (0x7F...0x9F).contains(u.value)
}
