import Foundation

/// Splits a script into commands at `;` and line ends, outside single or double
/// quotes; a quote ends with its line at the latest (an unclosed one is its command's
/// error). A comment runs from `--` to the end of the line, where `--` begins a command
/// or is followed by white space (so options such as `--from` are not comments).
enum ScriptSplitter {
    struct Command: Equatable {
        var text: String
        var line: Int
        /// The 1-based column of its first character in its line (errors that name a
        /// column count from the line, not from the command).
        var column = 1
    }

    static func split(_ script: String) -> [Command] {
        var out: [Command] = []
        var current = ""
        var line = 1
        var startLine = 1
        var startColumn = 1
        var lineStart = 0  // the index of the line's first character
        var quote: Character?
        var chars = Array(script)
        chars.append("\n")
        var i = 0
        // Whether `current` holds only white space so far: kept as characters are added,
        // so that splitting stays linear in the script's length.
        var blank = true
        func append(_ c: Character) {
            current.append(c)
            if blank, !c.unicodeScalars.allSatisfy({ CharacterSet.whitespaces.contains($0) }) { blank = false }
        }
        func finish() {
            if !blank { out.append(Command(text: current.trimmingCharacters(in: .whitespaces), line: startLine, column: startColumn)) }
            current = ""
            blank = true
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\n" || c == "\r\n" {
                    // Quoted text ends with its line: an unclosed quote is that command's
                    // error (its parser says where), never a swallow of the lines after.
                    quote = nil
                    finish()
                    line += 1
                    startLine = line
                    i += 1
                    lineStart = i
                    continue
                }
                if c == q { quote = nil }
                append(c)
            } else if c == "'" || c == "\"" {
                if blank { startLine = line; startColumn = i - lineStart + 1 }
                quote = c
                append(c)
            } else if c == "-" && i + 1 < chars.count && chars[i + 1] == "-"
                        && (blank || i + 2 >= chars.count || chars[i + 2].isWhitespace) {
                // A comment: `--` at the start of a command, or `--` followed by white
                // space. `--stream` and `--from` are options, not comments.
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            } else if c == ";" || c == "\n" || c == "\r\n" {
                finish()
                if c != ";" {
                    line += 1
                    lineStart = i + 1
                }
                startLine = line
            } else {
                if blank {
                    if current.isEmpty { startLine = line }
                    if !c.isWhitespace { startColumn = i - lineStart + 1 }
                }
                append(c)
            }
            i += 1
        }
        return out
    }
}
