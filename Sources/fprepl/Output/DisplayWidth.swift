/// How many terminal cells a string takes: East Asian wide and fullwidth characters
/// (汉字, fullwidth punctuation, Hangul, kana) take two, combining marks and zero-width
/// characters none, everything else one. (Unicode UAX #11, the Wide and Fullwidth
/// classes.)
///
/// - Complexity: O(n) in the string's scalars.
func displayWidth(_ s: String) -> Int {
    // Printable ASCII (numbers, ids, most columns) is one cell a byte.
    if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s.utf8.count }
    var w = 0
    for scalar in s.unicodeScalars { w += cellWidth(scalar) }
    return w
}

func cellWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    // The common cases first, without a look-up of the scalar's properties: printable
    // ASCII; CJK ideographs, CJK punctuation (、。《》「」, not its combining tone marks
    // U+302A-302F) and fullwidth forms (，（）：), none of which is a mark.
    switch v {
    case 0x20..<0x7F: return 1
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x3000...0x3029, 0xFF01...0xFF60: return 2
    default: break
    }
    if v == 0 || v == 0x200B || v == 0x200C || v == 0x200D || v == 0xFEFF { return 0 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .control, .format: return 0
    default: break
    }
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
         0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
         0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return 2
    default:
        return 1
    }
}

/// Pads `s` with spaces to `width` cells, on the right (left-aligned) or the left.
func pad(_ s: String, to width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - displayWidth(s)))
    return right ? fill + s : s + fill
}

/// `s` cut into lines of at most `width` cells: after the last `, ` or Chinese
/// punctuation mark (，、；：。) that fits, else after the last space, else (a long id)
/// where it reaches the width. A width under 1 leaves `s` whole.
func wrapped(_ s: String, width: Int) -> [String] {
    guard width > 0, displayWidth(s) > width else { return [s] }
    var lines: [String] = []
    var line = ""
    var cells = 0
    // Just after the last mark (or `, `), and the last space, in `line`.
    var afterMark: String.Index?, afterSpace: String.Index?
    for c in s {
        let w = c.unicodeScalars.reduce(0) { $0 + cellWidth($1) }
        if cells + w > width, !line.isEmpty {
            if c == " " {
                // The line is whole as it is; the space goes.
                lines.append(line)
                line = ""
            } else if let b = afterMark ?? afterSpace, b > line.startIndex {
                lines.append(String(line[..<b]).trimmingTrailingSpaces())
                line = String(line[b...])
            } else {
                lines.append(line)
                line = ""
            }
            cells = displayWidth(line)
            afterMark = nil
            afterSpace = nil
            if c == " " { continue }
        }
        let previous = line.last
        line.append(c)
        cells += w
        if "，、；：。".contains(c) || (c == " " && previous == ",") { afterMark = line.endIndex } else if c == " " { afterSpace = line.endIndex }
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
