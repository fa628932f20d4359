/// `0.255912` -> `25.59%`.
func percent(_ r: Double) -> String {
    let hundredths = (r * 10000).rounded()
    let whole = Int(hundredths) / 100, frac = abs(Int(hundredths)) % 100
    return "\(whole).\(frac < 10 ? "0" : "")\(frac)%"
}

/// A fraction for JSON, to six decimals: `0.255912`.
func fraction(_ r: Double) -> String {
    let scaled = Int((r * 1_000_000).rounded())
    let s = String(scaled)
    let padded = String(repeating: "0", count: max(0, 7 - s.count)) + s
    var out = String(padded.dropLast(6)) + "." + String(padded.suffix(6))
    while out.hasSuffix("0") && !out.hasSuffix(".0") { out.removeLast() }
    return out
}

/// `1 row`, `3 rows`: a count and its noun, plural when it is not one.
func counted(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
}
