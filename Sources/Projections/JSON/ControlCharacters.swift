/// Control characters in text an event carries: C0 (U+0000 to U+001F), DEL and C1
/// (U+0080 to U+009F). Refused at import in every text of an event, the envelope's
/// (stream, type, actor, document, reason) and the data's, so that no audit trail can
/// show a forged row or move the terminal's cursor.
public enum ControlCharacters {
    /// Why `text` is refused: its first control character, as U+ and four hex digits
    /// (U+001B), and the character it is (1-based); `nil` when it holds none.
    public static func problem(in text: String) -> String? {
        for (i, u) in text.unicodeScalars.enumerated() where isControl(u) {
            let hex = String(u.value, radix: 16, uppercase: true)
            return "holds the control character U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + " at character \(i + 1)"
        }
        return nil
    }

    /// Whether `u` is one of them.
    public static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value)
    }
}
