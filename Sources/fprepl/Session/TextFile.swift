import Projections
#if canImport(Glibc)
import Glibc
#endif

/// The files people hand to fprepl (scripts, event files, keys, proofs, checkpoints)
/// and a script on standard input are UTF-8 text. One that is not (a county system's
/// GBK export, a binary file) is refused with the place of its first bad byte, never
/// read with replacement characters: a name or a 文号 would be stored garbled. A
/// leading byte order mark (Windows Notepad's "UTF-8 with BOM") is skipped, as RFC 8259
/// allows a JSON reader to.
enum TextFile {
    /// Why a file's text could not be had, in one line.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The text of the file at `path`.
    static func read(_ path: String) throws(Failure) -> String {
        try decode(try bytes(path), name: path)
    }

    /// The text of standard input, read to its end.
    static func readStandardInput() throws(Failure) -> String {
        guard let bytes = FileBytes.readAll(0) else { throw cannotRead("<stdin>") }
        return try decode(withoutByteOrderMark(bytes), name: "<stdin>")
    }

    /// The bytes of the file at `path`, after a byte order mark if it has one; not yet
    /// known to be UTF-8 (an import's parser checks its strings itself, and
    /// ``notUTF8(_:name:)`` says where when it refuses them).
    static func bytes(_ path: String) throws(Failure) -> ArraySlice<UInt8> {
        guard let bytes = FileBytes.read(path) else { throw cannotRead(path) }
        return withoutByteOrderMark(bytes)
    }

    /// `body` as text, or where it stops being UTF-8: `NAME: line 3, column 17: ...`.
    private static func decode(_ body: ArraySlice<UInt8>, name: String) throws(Failure) -> String {
        if let text = String(validating: body, as: UTF8.self) { return text }
        throw notUTF8(body, name: name) ?? Failure(description: "\(name): not UTF-8 text")
    }

    private static func withoutByteOrderMark(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
    }

    private static func cannotRead(_ name: String) -> Failure {
        Failure(description: "cannot read \(name): \(String(cString: strerror(errno)))")
    }

    /// Where `body` stops being UTF-8, or `nil` when it is UTF-8 throughout.
    static func notUTF8(_ body: ArraySlice<UInt8>, name: String) -> Failure? {
        if String(validating: body, as: UTF8.self) != nil { return nil }
        let (line, column, offset) = firstInvalid(body)
        let shown = body[offset..<min(offset + 4, body.endIndex)].map { "0x" + hexByte($0) }.joined(separator: " ")
        let convert = name == "<stdin>" ? "pipe it through iconv -f GBK -t UTF-8" : "iconv -f GBK -t UTF-8 \(name)"
        return Failure(description: "\(name): line \(line), column \(column): not UTF-8 (bytes \(shown)); "
            + "give it as UTF-8 (from GBK: \(convert))")
    }

    /// The 1-based line and column (in characters) of the first byte that does not
    /// begin or continue a well-formed UTF-8 sequence, and its index.
    private static func firstInvalid(_ bytes: ArraySlice<UInt8>) -> (line: Int, column: Int, offset: Int) {
        var line = 1, column = 1
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0
            guard length > 0, i + length <= bytes.endIndex,
                  String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil else { return (line, column, i) }
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return (line, column, i)  // not reached for bytes that failed to decode
    }

    private static func hexByte(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }
}
